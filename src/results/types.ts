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
  /**
   * funding paid as a percentage of the time-weighted average margin in use while any position was
   * open. Margin in use: an isolated position's margin as it stands (funding paid from it lowers it,
   * added margin raises it); a cross position's initial margin, size × entry price / leverage.
   */
  paidPctOfMargin: number;
  /**
   * the largest move of a liquidation price toward the market caused by funding, in % of the price at
   * the settlement: per position, the sum over the settlements it held of the change of the engine's
   * own liquidation price across each settlement (isolated: its own funding moves it; cross: every
   * cross position's, since funding is paid from the shared wallet), reset when the position opens
   */
  maxLiqPriceDriftPct: number;
}

export interface BacktestRun {
  mode: MarginMode | "hybrid";
  finalEquity: number;
  returnPct: number;
  maxDrawdownPct: number;
  survived: boolean;
  liquidations: BacktestLiquidation[];
  /**
   * PnL realised by the strategy's own closes and reductions (stops included), before fees. With the
   * fields below the money reconciles (DESIGN §3.6), to the cent and in the ledger's decimals:
   * initialBalance + realizedPnl + unrealizedPnl − feesPaid − fundingPaid − liquidationLosses = finalEquity
   */
  realizedPnl: number;
  /** PnL of the positions still open at the last close, on the trigger price (0 when flat) */
  unrealizedPnl: number;
  /**
   * what liquidations took: Σ of `liquidations[].loss` (the PnL realised in liquidation, the
   * liquidation fees, margin the venue kept, less any bad debt the venue absorbed)
   */
  liquidationLosses: number;
  /**
   * positive when paid, negative when received; null when the funding source had no data for a symbol
   * of the run (funding unknown, settled as zero — the other totals still reconcile with it as 0)
   */
  fundingPaid: number | null;
  /** trading fees (taker/maker); liquidation fees are in liquidationLosses */
  feesPaid: number;
  badDebt: number;
  trades: number;
  fundingErosion: FundingErosion;
  /** standard statistics of the equity curve and the trades (backtest always writes them; absent in older summaries) */
  stats?: BacktestStats;
  /** totals per symbol, from the rows of trades.csv (absent in older summaries) */
  bySymbol?: Record<string, SymbolTotals>;
  /** return of each calendar month (UTC) the run covers, first and last month partial (absent in older summaries) */
  monthlyReturns?: MonthlyReturn[];
}

/**
 * Annualisation: daily returns of the equity at each UTC midnight (crypto trades every day), × √365 for
 * volatility, Sharpe and Sortino; risk-free rate 0. A figure that cannot be computed is null (fewer than
 * two daily returns, no losing trade for the profit factor, no drawdown for Calmar).
 */
export interface BacktestStats {
  /** compound annual growth: (final / initial)^(365 days / run length) − 1, in % (−100 when wiped out) */
  cagrPct: number | null;
  /** mean daily return / standard deviation (n − 1) × √365, risk-free 0 */
  sharpe: number | null;
  /** mean daily return / downside deviation √(mean of min(r, 0)²) × √365, target 0 */
  sortino: number | null;
  /** cagrPct / maxDrawdownPct */
  calmar: number | null;
  /** standard deviation of daily returns × √365, in % */
  volatilityPct: number | null;
  /** share of trades.csv rows with pnl − fees − funding > 0, in % (null without rows) */
  winRatePct: number | null;
  /** Σ of winning rows' net PnL / |Σ of losing rows' net PnL| (null without a losing row) */
  profitFactor: number | null;
  /** share of the run's time with at least one position open, in % */
  exposurePct: number;
  /** the conventions above, in words, so the file explains itself */
  basis: string;
}

export interface SymbolTotals {
  /** Σ pnl of the symbol's trades.csv rows (realised, liquidation rows net of forfeits, end rows open PnL) */
  pnl: number;
  fees: number;
  /** null when the run's funding is unknown */
  funding: number | null;
  /** liquidation events (full and partial) */
  liquidations: number;
  /** trades.csv rows */
  trades: number;
}

export interface MonthlyReturn {
  /** "2024-03" */
  month: string;
  returnPct: number;
}

export type ExitReason = "signal" | "stop" | "take-profit" | "liquidation" | "partial-liquidation" | "end";

/** One row of trades.csv: a closed position, a partial close, or a position still open at the end. */
export interface BacktestTrade {
  mode: MarginMode | "hybrid";
  symbol: string;
  side: Side;
  openTime: string;
  closeTime: string;
  entryPrice: number;
  exitPrice: number;
  size: number;
  pnl: number;
  fees: number;
  /** null when funding is unknown */
  funding: number | null;
  exitReason: ExitReason;
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
  /** share of paths whose terminal equity is at most 10 % of the initial balance */
  wipeoutProbability: number;
  /** Wilson 95 % interval of wipeoutProbability (stress always writes it; absent in older summaries) */
  wipeoutCi95?: [number, number];
  /** share of paths where the venue absorbed a loss beyond the margin */
  badDebtProbability: number;
  /** Wilson 95 % interval of badDebtProbability (stress always writes it; absent in older summaries) */
  badDebtCi95?: [number, number];
  timeToLiquidationHours: { median: number | null; p10: number | null };
  terminalEquity: Quantiles;
  minEquity: Quantiles;
  fundingPaid: { mean: number; p95: number };
  /** Kaplan–Meier: [hour, share of paths not yet liquidated] */
  survivalCurve: [number, number][];
  /**
   * per leg (stress always writes it; absent in older summaries): isolated positions are liquidated one
   * by one, each on its own margin; in cross a liquidation closes every cross position at once, so each
   * leg reports the account's liquidation (the same probability and times for every leg)
   */
  legs?: StressLeg[];
}

export interface StressLeg {
  symbol: string;
  /** the portfolio leg's side; null for a strategy book (the strategy chooses) */
  side: Side | null;
  /** share of paths on which this position was liquidated (in full or in part) at least once */
  liquidationProbability: number;
  /** Wilson 95 % interval */
  ci95: [number, number];
  /** Kaplan–Meier time to this position's first liquidation; null beyond the horizon */
  timeToLiquidationHours: { median: number | null; p10: number | null };
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
  paired: StressPaired;
  /**
   * Present when the run swept one or two parameters (`perpsim stress --sweep`): the axes, in the order
   * of sweep.csv's `param:` columns. `runs` above are the base run (the config's own values); each
   * cell's results, on the same seed (common random numbers), are in `sweep.csv` (src/report/sweep.ts).
   */
  sweep?: StressSweep;
}

/**
 * Paths liquidated under both modes, only one, or neither (common random numbers make these pairs), and
 * the paired difference of liquidation probability, cross minus isolated, from the discordant counts
 * b = onlyCross, c = onlyIsolated over n = paths: d = (b − c)/n with Tango's 95 % score interval
 * (`pairedDifference` in paired.ts; it stays honest when no path is discordant). `difference` is null when the run did not simulate both modes (stress always
 * writes it; absent in older summaries).
 */
export interface StressPaired {
  both: number;
  onlyCross: number;
  onlyIsolated: number;
  neither: number;
  difference?: { estimate: number; ci95: [number, number] } | null;
}

export interface StressSweep {
  /** `correlation` (the model's), a portfolio's `leverage` / `weight`, or a strategy book's number param */
  axes: { name: string; values: number[] }[];
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

/**
 * backtest `trades.csv`: one row per closed position (a partial close is its own row), per mode; see
 * src/backtest/trades.ts for how fees, funding and liquidation losses land on rows. funding is empty
 * when unknown. Σ(pnl − fees − funding) over a mode's rows = its final equity − initial balance.
 */
export const TRADE_COLUMNS = ["mode", "symbol", "side", "open_time", "close_time", "entry_price", "exit_price", "size", "pnl", "fees", "funding", "exit_reason"] as const;

/** backtest `candles.csv`: the trigger series' candles (mark where used) per symbol: `time,<SYM>:open,<SYM>:high,<SYM>:low,<SYM>:close,...` */
export const CANDLE_FIELDS = ["open", "high", "low", "close"] as const;

/** backtest `events.csv`: every engine event of every run. */
export const EVENT_COLUMNS = ["time", "mode", "type", "symbol", "side", "size", "price", "amount", "walletBalance", "detail"] as const;

/** stress `paths.csv`: one row per path and mode. liquidationHour empty when never liquidated. */
export const PATH_COLUMNS = ["path", "mode", "liquidated", "liquidationHour", "terminalEquity", "minEquity", "fundingPaid", "badDebt"] as const;

/**
 * stress `samples.csv`: a handful of whole sample paths for the report (never all paths):
 * `path,mode,hour,equity,<ASSET>:price,...,<ASSET>:liqPrice,...,liquidated` (liquidated = 1 on the row of a
 * liquidation; liqPrice empty when that asset has no position or no liquidation price above zero).
 */
export const SAMPLE_FIXED_COLUMNS = ["path", "mode", "hour", "equity"] as const;
