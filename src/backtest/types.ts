import type { Venue } from "../venues/index.ts";
import type { Bars, MarketData } from "../market/index.ts";
import type { Params, Strategy } from "../strategy/index.ts";
import type { BacktestRun } from "../results/index.ts";

/** `cross` / `isolated` force that mode on every position; `hybrid` keeps each position's own choice. */
export type RunMode = "cross" | "isolated" | "hybrid";
export type IntrabarPolicy = "path" | "worst";
export type TriggerSource = "mark" | "last";

export interface BacktestOptions {
  /** aligned candles (+ optional mark, funding, detail) — real (loadMarket) or synthetic */
  market: MarketData;
  venue: Venue;
  strategy: Strategy<any>;
  /** user params, merged over the strategy's defaults and checked (resolveParams) */
  params?: unknown;
  /** default ["cross", "isolated"] */
  modes?: RunMode[];
  balance: number;
  /** default "path" */
  intrabar?: IntrabarPolicy;
  /** liquidation (and stop) trigger series; default by venue: mark where the venue uses mark */
  liqPrice?: TriggerSource;
  /**
   * replay finer candles inside the bars they cover (liquidation, stop and funding checks): per symbol
   * and bar, mark detail candles (`detailMark`) when the trigger is mark; else the last-trade `detail`
   * candles, clipped into the bar's mark candle when the trigger is mark (see detail.ts, `clipToMark`)
   */
  detail?: boolean;
  /** mark-price candles at the detail interval, one entry per market symbol (see `loadMarkDetail`) */
  detailMark?: readonly (Bars | undefined)[];
  /** fills at the open worsened by this share (0.0005 = 5 bp); default 0 */
  slippage?: number;
  /** liquidation fills worsened by this share; default 0 */
  liquidationSlippage?: number;
  /** "exact" (decimal.js; default) or "fast" (float64) */
  ledger?: "exact" | "fast";
  /** keep per-bar equity rows (default true) */
  recordEquity?: boolean;
  /** keep every engine event (default true; totals are kept either way) */
  recordEvents?: boolean;
}

/** One row of events.csv (time in ms). Engine events plus the replay's own: `stop`, `reject`. */
export interface BacktestEvent {
  time: number;
  type: string;
  symbol: string;
  side: string;
  size: number;
  price: number;
  amount: number;
  walletBalance: number;
  detail: string;
}

/**
 * Per-bar equity rows in one flat array: row r starts at r × stride; columns are
 * time, equity, drawdownPct, fundingPaid, feesPaid, then per symbol price, liqPrice, marginRatio
 * (NaN when no position).
 */
export interface EquityTrace {
  symbols: readonly string[];
  stride: number;
  rows: number;
  data: Float64Array;
}

export interface ModeResult {
  /** the engine always knows what it settled; the summary turns funding into null when the data had none */
  run: BacktestRun & { fundingPaid: number };
  events: BacktestEvent[];
  equity: EquityTrace | null;
  /** bars where `path` and `worst` would disagree on liquidating the cross account */
  intrabarDifferingBars: number;
  /** time (ms) of the first liquidation, or null */
  firstLiquidation: number | null;
}

export interface BacktestResult {
  params: Params;
  runs: ModeResult[];
  settings: Record<string, string | number | boolean>;
  warnings: string[];
}
