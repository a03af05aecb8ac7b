/**
 * The documented result schemas: what `summary.json` holds for each command. Runners produce these;
 * reports and the CLI only read them. Times are ISO-8601 UTC strings, money is in quote currency.
 * Nothing here carries wall-clock data: the same inputs give the same bytes.
 */

export type MarginMode = "cross" | "isolated";
export type Side = "long" | "short";

// ---------------------------------------------------------------- backtest

export interface BacktestLiquidation {
  time: string;
  symbol: string;
  side: Side;
  /** fill price of the liquidation (trigger price worsened by slippage, or bankruptcy price) */
  price: number;
  size: number;
  /** what the account lost to this liquidation: margin forfeited + fee (positive number) */
  loss: number;
}

export interface FundingErosion {
  /** funding paid as a percentage of the margin committed (isolated: the positions' margin; cross: the margin used) */
  paidPctOfMargin: number;
  /** the largest move of an isolated liquidation price toward the market caused by funding, in % of price */
  maxLiqPriceDriftPct: number;
}

export interface BacktestRun {
  mode: MarginMode | "hybrid";
  finalEquity: number;
  returnPct: number;
  maxDrawdownPct: number;
  survived: boolean;
  liquidations: BacktestLiquidation[];
  /** positive when paid, negative when received */
  fundingPaid: number;
  feesPaid: number;
  badDebt: number;
  trades: number;
  fundingErosion: FundingErosion;
}

export interface BacktestSummary {
  command: "backtest";
  venue: string;
  strategy: string;
  params: unknown;
  symbols: string[];
  from: string;
  to: string;
  initialBalance: number;
  /** extra facts a reader needs to reproduce the run (intrabar policy, trigger price, detail, version…) */
  settings?: Record<string, string | number | boolean>;
  runs: BacktestRun[];
}

// ---------------------------------------------------------------- stress

/**
 * `p5` and `mean` are equity levels; `var95`, `var99`, `es975`, `es99` are losses (positive numbers)
 * measured from the initial balance: VaR95 = initialBalance − 5th percentile of equity, ES97.5 = the mean
 * loss over the worst 2.5 % of paths.
 */
export interface Quantiles {
  mean: number;
  p5: number;
  var95: number;
  var99: number;
  es975: number;
  es99: number;
}

export interface StressRun {
  mode: MarginMode;
  liquidationProbability: number;
  /** Wilson 95 % interval of liquidationProbability */
  ci95: [number, number];
  wipeoutProbability: number;
  badDebtProbability: number;
  timeToLiquidationHours: { median: number | null; p10: number | null };
  terminalEquity: Quantiles;
  minEquity: Quantiles;
  fundingPaid: { mean: number; p95: number };
  /** Kaplan–Meier: [hour, share of paths not yet liquidated] */
  survivalCurve: [number, number][];
}

export interface StressSummary {
  command: "stress";
  paths: number;
  seed: number;
  horizonHours: number;
  stepMinutes: number;
  model: unknown;
  /** venue name, portfolio or strategy, scenario, initialBalance, version: what a reader needs to reproduce the run */
  settings?: Record<string, string | number | boolean>;
  runs: StressRun[];
  paired: { both: number; onlyCross: number; onlyIsolated: number; neither: number };
  /**
   * Present when the run swept one or two parameters (`perpsim stress --sweep`): the axes, in the order
   * of sweep.csv's `param:` columns. `runs` above are the base run (the config's own values); each
   * cell's results, on the same seed (common random numbers), are in `sweep.csv` (src/report/sweep.ts).
   */
  sweep?: StressSweep;
}

export interface StressSweep {
  axes: { name: "correlation" | "leverage" | "weight"; values: number[] }[];
  /** number of cells = product of the axes' lengths; each ran `paths` paths */
  cells: number;
  file: "sweep.csv";
}

// ---------------------------------------------------------------- CSV files beside summary.json
// Column layouts shared by the runners that write them and the report that reads them.

/**
 * backtest `equity.csv`: one row per recorded step and mode. Fixed columns, then three per symbol
 * (empty cell when no position is open in that symbol):
 * `time,mode,equity,drawdownPct,fundingPaid,feesPaid,<SYM>:price,<SYM>:liqPrice,<SYM>:marginRatio,...`
 * `price` is the trigger price (mark where used), `fundingPaid`/`feesPaid` are cumulative.
 */
export const EQUITY_FIXED_COLUMNS = ["time", "mode", "equity", "drawdownPct", "fundingPaid", "feesPaid"] as const;
export const EQUITY_SYMBOL_FIELDS = ["price", "liqPrice", "marginRatio"] as const;

/** backtest `events.csv`: every engine event of every run. */
export const EVENT_COLUMNS = ["time", "mode", "type", "symbol", "side", "size", "price", "amount", "walletBalance", "detail"] as const;

/** stress `paths.csv`: one row per path and mode. liquidationHour empty when never liquidated. */
export const PATH_COLUMNS = ["path", "mode", "liquidated", "liquidationHour", "terminalEquity", "minEquity", "fundingPaid", "badDebt"] as const;

/**
 * stress `samples.csv`: a handful of whole sample paths for the report (never all paths):
 * `path,mode,hour,equity,<ASSET>:price,...,liquidated` (liquidated = 1 on the row of a liquidation).
 */
export const SAMPLE_FIXED_COLUMNS = ["path", "mode", "hour", "equity"] as const;
