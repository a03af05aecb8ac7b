/** The documented result schemas (summary.json shapes and CSV column layouts): what runners produce and reports read. */
export type {
  MarginMode, Side, BacktestLiquidation, FundingErosion, BacktestRun, BacktestSummary, Quantiles, StressRun, StressSummary, StressPaired, StressSweep,
  BacktestStats, SymbolTotals, StressLeg, MonthlyReturn, ExitReason, BacktestTrade,
} from "./types.ts";
export { CANDLE_FIELDS, TRADE_COLUMNS, EQUITY_FIXED_COLUMNS, EQUITY_SYMBOL_FIELDS, EVENT_COLUMNS, PATH_COLUMNS, SAMPLE_FIXED_COLUMNS } from "./types.ts";
export { pairedDifference, type PairedDifference } from "./paired.ts";
export { grouped, money, points, pointsInterval, signed } from "./grouped.ts";
