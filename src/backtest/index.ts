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
 * `--detail`: `loadMarkDetail(market, "1h", dataDir)` reads mark candles at the detail interval (pass
 * them as `detailMark`); where a symbol has only last-trade detail, `clipToMark` keeps the walk on
 * the bar's mark levels with the last trades' timing. Funding due inside a bar settles at its own
 * time on the path. `market` may be at any interval (loadMarket's `interval`: 1h, 4h, 1d).
 *
 * `buildSummary`, `equityCsv`, `eventsCsv`, `tradesCsv`, `candlesCsv` turn a result into the documented
 * output files; `analyseRuns` derives the trades (trades.ts), statistics, per-symbol totals and monthly
 * returns (stats.ts) from each run's events and equity trace.
 *
 * `runBacktestJob(job, warn)` (run.ts) is the runner the CLI calls, beside the stress room's `runStress`:
 * names and dates in, the summary and the output files' contents out; the caller writes them.
 */
export { runBacktest } from "./replay.ts";
export { runBacktestJob, defaultFunding, type BacktestJob, type BacktestJobResult } from "./run.ts";
export { observedStrategy, type BacktestProgress } from "./observe.ts";
export { clipToMark, loadMarkDetail, planDetail, DETAIL_RULE_TEXT, type DetailPlan, type DetailRule, type Ohlc, type SubBars } from "./detail.ts";
export { fundingCoverage, describeFundingHoles, type FundingCoverage, type FundingHole } from "./fundingGaps.ts";
export { defaultTrigger, triggerSeries, type TriggerBars } from "./series.ts";
export { analyseRuns, buildSummary, candlesCsv, equityCsv, eventsCsv, roundRun, type SummaryHeader } from "./output.ts";
export { analyseRun, equityPoints, tradesCsv, type RunAnalysis } from "./analysis.ts";
export { deriveTrades, type TradeRow } from "./trades.ts";
export { backtestStats, dailyReturns, monthlyReturns, exposurePct, STATS_BASIS } from "./stats.ts";
export type { BacktestEvent, BacktestOptions, BacktestResult, EquityTrace, IntrabarPolicy, ModeResult, RunMode, TriggerSource } from "./types.ts";
