import type { Bars } from "./bars.ts";
import type { FundingSeries } from "./funding.ts";

/** What was found wrong-but-tolerable in a series: gaps are reported, never filled. */
export interface GapReport {
  /** number of missing bars (steps with no bar) */
  missingBars: number;
  /** number of holes (runs of consecutive missing bars) */
  holes: number;
  /** the first few holes: [first missing open time, last missing open time] in ms, and the count */
  first: { from: number; to: number; bars: number }[];
}

/** Where a series came from and what the loader noticed about it. */
export interface SeriesInfo {
  file: string;
  rows: number;
  /** first and last row time in the file (ms) */
  first: number;
  last: number;
  gaps: GapReport;
}

export interface FundingInfo {
  file: string;
  rows: number;
  first: number;
  last: number;
  /** largest distance (ms) between a raw settlement timestamp and the hour it was matched to */
  maxJitterMs: number;
  /** settlements missing against the series' own interval (e.g. hourly Hyperliquid holes) */
  gaps: GapReport;
}

/**
 * One symbol on the market clock. All Bars here share the MarketData clock (same length, same
 * `time` array values); steps without a bar are NaN (see `hasBar`).
 */
export interface SymbolData {
  /** the symbol as the user asked for it, normalised: "BTCUSDT" (Binance) or "BTC" (Hyperliquid) */
  symbol: string;
  /** last-trade candles */
  bars: Bars;
  /** mark-price candles, where the data has them (NaN before the mark file starts) */
  mark?: Bars;
  /** funding settlements in [from, to), not aligned to bars: the replay settles each one when due */
  funding?: FundingSeries;
  /** finer candles on their own regular clock over the same range, for `--detail` (NaN where absent) */
  detail?: Bars;
  info: { bars: SeriesInfo; mark?: SeriesInfo; funding?: FundingInfo; detail?: SeriesInfo };
}

/**
 * Several symbols aligned on one regular clock: step i opens at `from + i × intervalMs`, for
 * `length` steps, so `to = from + length × intervalMs` (exclusive).
 */
export interface MarketData {
  intervalMs: number;
  from: number;
  to: number;
  length: number;
  time: Float64Array;
  symbols: SymbolData[];
  /** human-readable notes the caller should show (gaps, mark starting late, missing funding…) */
  warnings: string[];
}

export function symbolData(market: MarketData, symbol: string): SymbolData | undefined {
  return market.symbols.find((s) => s.symbol === symbol);
}
