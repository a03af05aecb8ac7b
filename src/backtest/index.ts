/**
 * The candle-replay backtester.
 *
 * `runBacktest({ market, venue, strategy, params, modes, balance, intrabar, liqPrice, detail,
 * slippage, liquidationSlippage, ledger, recordEquity, recordEvents })` replays one strategy over a
 * `MarketData` (real from loadMarket, or synthetic with the same shape) once per mode — `cross` and
 * `isolated` force that mode on every position, `hybrid` keeps the strategy's own — and returns per
 * mode a `BacktestRun` (the summary.json shape, unrounded), the events, the per-bar equity trace and
 * the time of the first liquidation. See replay.ts for the order of work inside a step.
 *
 * `buildSummary`, `equityCsv`, `eventsCsv` turn a result into the documented output files.
 */
export { runBacktest } from "./replay.ts";
export { defaultTrigger, triggerSeries, type TriggerBars } from "./series.ts";
export { buildSummary, equityCsv, eventsCsv, roundRun, type SummaryHeader } from "./output.ts";
export type { BacktestEvent, BacktestOptions, BacktestResult, EquityTrace, IntrabarPolicy, ModeResult, RunMode, TriggerSource } from "./types.ts";
