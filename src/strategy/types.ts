import type { MarginMode, PositionView, Side } from "../margin/index.ts";
import type { BarField } from "../market/index.ts";
import type { ParamDecls, ParamsOf, ParamSpec, Params } from "./params.ts";

export type { MarginMode, Side };

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
  /** size × the mark price at the close */
  notional: number;
  unrealizedPnl: number;
  /** null when there is none above zero */
  liquidationPrice: number | null;
  /** maintenance / bucket equity, a fraction: 1 = liquidation */
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
  /** stop-loss in percent of the fill price away from it (5 = 5 % adverse); beats `stopLoss` */
  stopLossPct?: number;
  /** take-profit in percent of the fill price (5 = 5 % favourable); beats `takeProfit` */
  takeProfitPct?: number;
}

/** An order queued this bar and not yet filled (it fills at the next bar's open, in this order). */
export type PendingOrder =
  | { kind: "open"; order: OpenOrder }
  | { kind: "close"; symbol: string }
  | { kind: "reduce"; symbol: string; size: number }
  | { kind: "addMargin"; symbol: string; amount: number }
  | { kind: "removeMargin"; symbol: string; amount: number }
  | { kind: "setLeverage"; symbol: string; leverage: number }
  | { kind: "stopLoss" | "takeProfit"; symbol: string; price: number | null };

/** A fill of the strategy's own order or stop (hook `onFill`). */
export interface FillInfo {
  time: number;
  symbol: string;
  side: Side;
  /** open: a position opened or grown; close / reduce: shrunk (by an order or a stop) */
  kind: "open" | "close" | "reduce";
  size: number;
  price: number;
  /** PnL this fill realised (0 for an open) */
  realizedPnl: number;
}

/** A liquidation (hook `onLiquidation`): the position, or the part of it, the venue took. */
export interface LiquidationInfo {
  time: number;
  symbol: string;
  side: Side;
  size: number;
  price: number;
  /** everything it cost: realised loss, liquidation fee, margin the venue kept, bad debt */
  loss: number;
}

/** A funding settlement on a held position (hook `onFunding`). */
export interface FundingInfo {
  time: number;
  symbol: string;
  side: Side;
  size: number;
  /** the price it was charged on */
  price: number;
  /** money received (negative: paid) */
  amount: number;
}

/**
 * What a strategy sees and does. Reading is about the bar that just closed (no look-ahead: history
 * ends at it); every order method queues an action filled at the next bar's open, in call order,
 * and visible in `pending` until then.
 *
 * Percent or fraction: a number whose name ends in `Pct` is a percent (5 = 5 %), as in the results
 * (returnPct, maxDrawdownPct); every other share (weight, marginRatio, fundingRate) is a fraction.
 */
export interface StrategyContext<P = Params, S = Record<string, unknown>> {
  readonly params: P;
  /** the strategy's own per-run memory: what `init` returned (the strategy object is shared between runs) */
  readonly state: S;
  readonly symbols: readonly string[];
  /** the run's forced mode, or "hybrid" when positions keep the mode the strategy asks for */
  readonly mode: MarginMode | "hybrid";
  /** open time of the bar just closed (in init: the first bar's open time) */
  readonly time: number;
  /** index of the bar just closed on the market clock (−1 in init) */
  readonly index: number;
  /**
   * The length of one bar in hours: 1, 4 or 24 in a backtest (`--interval 1h|4h|1d`), the config's
   * `stepMinutes / 60` in stress (0.25 for 15-minute steps). Give durations in params as hours and
   * turn them into bars with `barsFor(hours, ctx.barHours)`.
   */
  readonly barHours: number;
  readonly initialBalance: number;
  /** wallet + isolated margins + unrealised PnL at the close */
  readonly equity: number;
  /** the cross wallet */
  readonly walletBalance: number;
  /** the orders queued this bar, not yet filled: after `close(s)`, a `{ kind: "close", symbol: s }` is here */
  readonly pending: readonly PendingOrder[];

  /** the closed bar of a symbol (last-trade prices), or null when it has none at this step */
  bar(symbol: string): BarView | null;
  /**
   * The last `length` values of a last-trade field up to and including the current bar (shorter at
   * the start; NaN where bars are absent). A view, not a copy: read it now, do not keep it.
   */
  history(symbol: string, field: BarField, length: number): Float64Array;
  /**
   * The mark price at the close: the price positions are valued at and liquidations trigger on (the
   * venue's mark candles where the data has them; last-trade where it has none or the run uses `--liq-price last`).
   */
  markPrice(symbol: string): number;
  /** the last-trade price at the close (NaN when the symbol has no bar at this step) */
  lastPrice(symbol: string): number;
  /**
   * The last settled funding rate of a symbol, a fraction per 8 hours: the settlement's rate × 8 /
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

/** What `init` sees: the context before any state exists. */
export type SetupContext<P = unknown> = Omit<StrategyContext<P, never>, "state">;

export interface StrategyDefinition<D extends ParamDecls, S> {
  name: string;
  description: string;
  /** the parameters: a spec `{ type, default, min, max, ... }` each, or just a default */
  params: D;
  /** called once per run before the first bar; what it returns is `ctx.state` from then on */
  init?(ctx: SetupContext<ParamsOf<D>>): S;
  /** the bar just closed */
  onBar(ctx: StrategyContext<ParamsOf<D>, S>): void;
  /** a fill of the strategy's order or stop, told at the close of its bar before onBar */
  onFill?(ctx: StrategyContext<ParamsOf<D>, S>, fill: FillInfo): void;
  /** a liquidation, told at the close of its bar before onBar */
  onLiquidation?(ctx: StrategyContext<ParamsOf<D>, S>, liquidation: LiquidationInfo): void;
  /** a funding settlement on a held position, told at the close of its bar before onBar */
  onFunding?(ctx: StrategyContext<ParamsOf<D>, S>, payment: FundingInfo): void;
  /** checks across params (each param's own range is declared); throw an Error naming the bad key */
  validate?(params: ParamsOf<D>): void;
}

export const STRATEGY_BRAND = Symbol.for("perpsim.strategy");

/**
 * A strategy as the replay runs it: its hooks, its params as specs (`params`) and their `defaults`.
 * The replay is not typed by one strategy's params: it holds any strategy as `Strategy`.
 */
export interface Strategy<P = any, S = any> {
  readonly [STRATEGY_BRAND]: true;
  readonly name: string;
  readonly description: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly defaults: Params;
  init?(ctx: SetupContext<P>): S;
  onBar(ctx: StrategyContext<P, S>): void;
  onFill?(ctx: StrategyContext<P, S>, fill: FillInfo): void;
  onLiquidation?(ctx: StrategyContext<P, S>, liquidation: LiquidationInfo): void;
  onFunding?(ctx: StrategyContext<P, S>, payment: FundingInfo): void;
  validate?(params: P): void;
}
