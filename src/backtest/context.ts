import type { Account } from "../margin/index.ts";
import { HOUR_MS, type BarField, type MarketData } from "../market/index.ts";
import type { BarView, MarginMode, OpenOrder, Params, PositionInfo, StrategyContext } from "../strategy/index.ts";
import type { TriggerBars } from "./series.ts";
import type { Order, ReplayState } from "./state.ts";

const positive = (what: string, v: unknown) => {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new Error(`${what} must be a positive number (got ${String(v)})`);
};

/** The replay's implementation of StrategyContext: one per run, its fields moved forward each bar. */
export class ReplayContext<P extends Params> implements StrategyContext<P> {
  readonly state: Record<string, unknown> = {};
  readonly symbols: readonly string[];
  /** the market clock's bar length in hours (stress: stepMinutes / 60, as its synthetic market's intervalMs says) */
  readonly barHours: number;
  readonly queue: Order[];
  time = 0;
  index = -1;
  equity = 0;
  /** the symbol the strategy touched last (named in its error messages) */
  lastSymbol = "";
  readonly mode: MarginMode | "hybrid";
  private readonly slots = new Map<string, number>();
  private readonly market: MarketData;
  private readonly trigger: readonly TriggerBars[];
  private readonly account: Account;
  /** trigger prices at the close, by slot */
  private readonly prices: Float64Array;
  /** last settled rate per 8 h, by slot */
  private readonly lastRate: Float64Array;
  /** hours covered by the last settlement, by slot */
  private readonly lastInterval: Float64Array;
  private readonly stopLoss: Float64Array;
  private readonly takeProfit: Float64Array;

  constructor(readonly params: P, readonly initialBalance: number, state: ReplayState) {
    const market = (this.market = state.market);
    this.mode = state.mode;
    this.trigger = state.trig;
    this.account = state.account;
    this.prices = state.px;
    this.lastRate = state.lastRate;
    this.lastInterval = state.lastInterval;
    this.stopLoss = state.sl;
    this.takeProfit = state.tp;
    this.queue = state.queue;
    this.symbols = state.symbols;
    this.barHours = market.intervalMs / HOUR_MS;
    this.symbols.forEach((s, i) => this.slots.set(s, i));
  }

  get walletBalance(): number {
    return this.account.walletBalance;
  }

  private slot(symbol: string): number {
    this.lastSymbol = String(symbol);
    const s = this.slots.get(symbol);
    if (s === undefined) throw new Error(`unknown symbol '${symbol}' (this run has ${this.symbols.join(", ")})`);
    return s;
  }

  bar(symbol: string): BarView | null {
    const b = this.market.symbols[this.slot(symbol)].bars;
    const i = this.index;
    if (i < 0 || !(b.close[i] === b.close[i])) return null;
    return { time: b.time[i], open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i] };
  }

  history(symbol: string, field: BarField, length: number): Float64Array {
    const b = this.market.symbols[this.slot(symbol)].bars;
    const end = this.index + 1;
    return b[field].subarray(Math.max(0, end - Math.max(0, Math.floor(length))), end);
  }

  price(symbol: string): number {
    const s = this.slot(symbol);
    if (this.index < 0) return this.trigger[s].open[0];
    return this.prices[s];
  }

  fundingRate(symbol: string): number {
    return this.lastRate[this.slot(symbol)];
  }

  fundingIntervalHours(symbol: string): number {
    return this.lastInterval[this.slot(symbol)];
  }

  position(symbol: string): PositionInfo | null {
    const s = this.slot(symbol);
    const p = this.account.position(symbol);
    if (!p) return null;
    const px = this.prices[s];
    return {
      symbol, side: p.side, size: p.size, entryPrice: p.entryPrice, mode: p.mode, leverage: p.leverage, margin: p.margin,
      notional: p.size * px,
      unrealizedPnl: (p.side === "long" ? 1 : -1) * p.size * (px - p.entryPrice),
      liquidationPrice: this.account.liquidationPrice(symbol, this.prices),
      marginRatio: this.account.marginRatio(symbol, this.prices),
      stopLoss: this.stopLoss[s] === this.stopLoss[s] ? this.stopLoss[s] : null,
      takeProfit: this.takeProfit[s] === this.takeProfit[s] ? this.takeProfit[s] : null,
    };
  }

  positions(): PositionInfo[] {
    return this.account.positions().map((p) => this.position(p.symbol)!);
  }

  open(order: OpenOrder): void {
    this.slot(order.symbol);
    if (order.side !== "long" && order.side !== "short") throw new Error(`open ${order.symbol}: side must be "long" or "short"`);
    const given = (["size", "notional", "margin"] as const).filter((k) => order[k] !== undefined);
    if (given.length !== 1 && !(given.length === 2 && order.margin !== undefined && order.notional !== undefined && order.leverage === undefined)) {
      throw new Error(`open ${order.symbol}: give exactly one of size, notional or margin`);
    }
    for (const k of given) positive(`open ${order.symbol}: ${k}`, order[k]);
    if (order.leverage !== undefined) positive(`open ${order.symbol}: leverage`, order.leverage);
    if (order.margin !== undefined && order.notional === undefined && order.leverage === undefined) throw new Error(`open ${order.symbol}: opening by margin needs a leverage`);
    this.queue.push({ kind: "open", order: { ...order } });
  }

  close(symbol: string): void {
    this.slot(symbol);
    this.queue.push({ kind: "close", symbol });
  }

  reduce(symbol: string, size: number): void {
    this.slot(symbol);
    positive(`reduce ${symbol}: size`, size);
    this.queue.push({ kind: "reduce", symbol, size });
  }

  addMargin(symbol: string, amount: number): void {
    this.slot(symbol);
    positive(`addMargin ${symbol}: amount`, amount);
    this.queue.push({ kind: "addMargin", symbol, amount });
  }

  removeMargin(symbol: string, amount: number): void {
    this.slot(symbol);
    positive(`removeMargin ${symbol}: amount`, amount);
    this.queue.push({ kind: "removeMargin", symbol, amount });
  }

  setLeverage(symbol: string, leverage: number): void {
    this.slot(symbol);
    positive(`setLeverage ${symbol}: leverage`, leverage);
    this.queue.push({ kind: "setLeverage", symbol, leverage });
  }

  setStopLoss(symbol: string, price: number | null): void {
    this.slot(symbol);
    if (price !== null) positive(`setStopLoss ${symbol}: price`, price);
    this.queue.push({ kind: "stopLoss", symbol, price });
  }

  setTakeProfit(symbol: string, price: number | null): void {
    this.slot(symbol);
    if (price !== null) positive(`setTakeProfit ${symbol}: price`, price);
    this.queue.push({ kind: "takeProfit", symbol, price });
  }
}
