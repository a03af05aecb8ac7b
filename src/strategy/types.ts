import type { MarginMode, PositionView, Side } from "../margin/index.ts";
import type { BarField } from "../market/index.ts";

export type { MarginMode, Side };

/** A JSON-like parameter value: what `--params` can carry. */
export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };
export type Params = { [key: string]: ParamValue };

/** One closed candle (last-trade prices). */
export interface BarView {
  /** open time, epoch ms UTC */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** An open position as the strategy sees it at the close of the current bar. */
export interface PositionInfo extends Omit<PositionView, "slot"> {
  /** size × the trigger price at the close */
  notional: number;
  unrealizedPnl: number;
  /** null when there is none above zero */
  liquidationPrice: number | null;
  /** maintenance / bucket equity: 1 = liquidation */
  marginRatio: number;
  stopLoss: number | null;
  takeProfit: number | null;
}

/**
 * An order to open or add to a position, filled at the next bar's open. Give exactly one of `size`
 * (base units), `notional` (quote) or `margin` (quote; notional = margin × leverage).
 */
export interface OpenOrder {
  symbol: string;
  side: Side;
  size?: number;
  notional?: number;
  margin?: number;
  /** default: the venue's default (min(20, max)) */
  leverage?: number;
  /** the strategy's choice; a run with a forced mode (`--modes cross,isolated`) overrides it */
  mode?: MarginMode;
  /** stop-loss trigger price attached to the position */
  stopLoss?: number;
  /** take-profit trigger price attached to the position */
  takeProfit?: number;
  /** stop-loss as a fraction of the fill price away from it (0.05 = 5 % adverse); beats `stopLoss` */
  stopLossPct?: number;
  /** take-profit as a fraction of the fill price (0.05 = 5 % favourable); beats `takeProfit` */
  takeProfitPct?: number;
}

/**
 * What a strategy sees and does. Reading is about the bar that just closed (no look-ahead: history
 * ends at it); every order method queues an action filled at the next bar's open, in call order.
 */
export interface StrategyContext<P extends Params = Params> {
  readonly params: P;
  /** the strategy's own per-run memory (the strategy object is shared between runs: keep state here) */
  readonly state: Record<string, unknown>;
  readonly symbols: readonly string[];
  /** the run's forced mode, or "hybrid" when positions keep the mode the strategy asks for */
  readonly mode: MarginMode | "hybrid";
  /** open time of the bar just closed (in init: the first bar's open time) */
  readonly time: number;
  /** index of the bar just closed on the market clock (−1 in init) */
  readonly index: number;
  /**
   * The length of one bar in hours: 1, 4 or 24 in a backtest (`--interval 1h|4h|1d`), the config's
   * `stepMinutes / 60` in stress (0.25 for 15-minute steps). Bar counts (`index`, `history` lengths)
   * mean different times at different intervals: give durations in params as hours and turn them
   * into bars with `barsFor(hours, ctx.barHours)`.
   */
  readonly barHours: number;
  readonly initialBalance: number;
  /** wallet + isolated margins + unrealised PnL at the close */
  readonly equity: number;
  /** the cross wallet */
  readonly walletBalance: number;

  /** the closed bar of a symbol, or null when it has none at this step */
  bar(symbol: string): BarView | null;
  /** the last `length` values of a field up to and including the current bar (shorter at the start; NaN where bars are absent) */
  history(symbol: string, field: BarField, length: number): Float64Array;
  /** the trigger price (mark where used) at the close */
  price(symbol: string): number;
  /**
   * The last settled funding rate of a symbol, normalised per 8 hours: the settlement's rate × 8 /
   * the hours it covered (a Binance 8-hourly 0.0001 reads 0.0001; a Hyperliquid hourly 0.0000125
   * reads 0.0001), so one threshold means the same carry on every venue. NaN before the first settlement.
   */
  fundingRate(symbol: string): number;
  /** the hours the last settlement of a symbol covered (8 on Binance usually, 1 on Hyperliquid); NaN before the first */
  fundingIntervalHours(symbol: string): number;
  position(symbol: string): PositionInfo | null;
  positions(): PositionInfo[];

  open(order: OpenOrder): void;
  close(symbol: string): void;
  reduce(symbol: string, size: number): void;
  /** isolated positions only; ignored for cross */
  addMargin(symbol: string, amount: number): void;
  removeMargin(symbol: string, amount: number): void;
  setLeverage(symbol: string, leverage: number): void;
  /** a stop-loss on the open position (null cancels); evaluated on the intrabar path with liquidation */
  setStopLoss(symbol: string, price: number | null): void;
  setTakeProfit(symbol: string, price: number | null): void;
}

export interface StrategyDefinition<P extends Params> {
  name: string;
  description: string;
  /** the parameters and their defaults: user params are checked against these keys and types */
  params: P;
  init?(ctx: StrategyContext<P>): void;
  onBar(ctx: StrategyContext<P>): void;
  /** extra checks of merged params; throw an Error naming the bad key */
  validate?(params: P): void;
}

export const STRATEGY_BRAND = Symbol.for("perpsim.strategy");

export interface Strategy<P extends Params = Params> extends StrategyDefinition<P> {
  readonly [STRATEGY_BRAND]: true;
}
