import { HOUR_MS, type BarField } from "../market/index.ts";
import type { BarView, MarginMode, OpenOrder, PendingOrder, PositionInfo, StrategyContext } from "../strategy/index.ts";
import type { ReplayState } from "./state.ts";

const positive = (what: string, v: unknown) => {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new Error(`${what} must be a positive number (got ${String(v)})`);
};

/** The replay's implementation of StrategyContext: one per run, its fields moved forward each bar; it reads the run's ReplayState. */
export class ReplayContext<P, S = Record<string, unknown>> implements StrategyContext<P, S> {
  /** what init returned (an empty record until then) */
  state: S = {} as S;
  readonly symbols: readonly string[];
  /** the market clock's bar length in hours (stress: stepMinutes / 60, as its synthetic market's intervalMs says) */
  readonly barHours: number;
  readonly mode: MarginMode | "hybrid";
  readonly pending: readonly PendingOrder[];
  time = 0;
  index = -1;
  equity = 0;
  /** the symbol the strategy touched last (named in its error messages) */
  lastSymbol = "";
  private readonly slots = new Map<string, number>();

  constructor(readonly params: P, readonly initialBalance: number, private readonly st: ReplayState) {
    this.mode = st.mode;
    this.pending = st.queue;
    this.symbols = st.symbols;
    this.barHours = st.market.intervalMs / HOUR_MS;
    this.symbols.forEach((s, i) => this.slots.set(s, i));
  }

  get walletBalance(): number {
    return this.st.account.walletBalance;
  }

  private slot(symbol: string): number {
    this.lastSymbol = String(symbol);
    const s = this.slots.get(symbol);
    if (s === undefined) throw new Error(`unknown symbol '${symbol}' (this run has ${this.symbols.join(", ")})`);
    return s;
  }

  bar(symbol: string): BarView | null {
    const b = this.st.market.symbols[this.slot(symbol)].bars;
    const i = this.index;
    if (i < 0 || !(b.close[i] === b.close[i])) return null;
    return { time: b.time[i], open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i] };
  }

  history(symbol: string, field: BarField, length: number): Float64Array {
    const b = this.st.market.symbols[this.slot(symbol)].bars;
    const end = this.index + 1;
    return b[field].subarray(Math.max(0, end - Math.max(0, Math.floor(length))), end);
  }

  markPrice(symbol: string): number {
    const s = this.slot(symbol);
    if (this.index < 0) return this.st.trig[s].open[0];
    return this.st.px[s];
  }

  lastPrice(symbol: string): number {
    const b = this.st.market.symbols[this.slot(symbol)].bars;
    return this.index < 0 ? b.open[0] : b.close[this.index];
  }

  fundingRate(symbol: string): number {
    return this.st.lastRate[this.slot(symbol)];
  }

  fundingIntervalHours(symbol: string): number {
    return this.st.lastInterval[this.slot(symbol)];
  }

  position(symbol: string): PositionInfo | null {
    const s = this.slot(symbol);
    const { account, px, sl, tp } = this.st;
    const p = account.position(symbol);
    if (!p) return null;
    return {
      symbol, side: p.side, size: p.size, entryPrice: p.entryPrice, mode: p.mode, leverage: p.leverage, margin: p.margin,
      notional: p.size * px[s],
      unrealizedPnl: (p.side === "long" ? 1 : -1) * p.size * (px[s] - p.entryPrice),
      liquidationPrice: account.liquidationPrice(symbol, px),
      marginRatio: account.marginRatio(symbol, px),
      stopLoss: sl[s] === sl[s] ? sl[s] : null,
      takeProfit: tp[s] === tp[s] ? tp[s] : null,
    };
  }

  positions(): PositionInfo[] {
    return this.st.account.positions().map((p) => this.position(p.symbol)!);
  }

  private queue(order: PendingOrder): void {
    this.st.queue.push(order);
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
    for (const k of ["stopLossPct", "takeProfitPct"] as const) if (order[k] !== undefined) positive(`open ${order.symbol}: ${k} (a percent)`, order[k]);
    this.queue({ kind: "open", order: { ...order } });
  }

  close(symbol: string): void {
    this.slot(symbol);
    this.queue({ kind: "close", symbol });
  }

  reduce(symbol: string, size: number): void {
    this.slot(symbol);
    positive(`reduce ${symbol}: size`, size);
    this.queue({ kind: "reduce", symbol, size });
  }

  addMargin(symbol: string, amount: number): void {
    this.slot(symbol);
    positive(`addMargin ${symbol}: amount`, amount);
    this.queue({ kind: "addMargin", symbol, amount });
  }

  removeMargin(symbol: string, amount: number): void {
    this.slot(symbol);
    positive(`removeMargin ${symbol}: amount`, amount);
    this.queue({ kind: "removeMargin", symbol, amount });
  }

  setLeverage(symbol: string, leverage: number): void {
    this.slot(symbol);
    positive(`setLeverage ${symbol}: leverage`, leverage);
    this.queue({ kind: "setLeverage", symbol, leverage });
  }

  setStopLoss(symbol: string, price: number | null): void {
    this.slot(symbol);
    if (price !== null) positive(`setStopLoss ${symbol}: price`, price);
    this.queue({ kind: "stopLoss", symbol, price });
  }

  setTakeProfit(symbol: string, price: number | null): void {
    this.slot(symbol);
    if (price !== null) positive(`setTakeProfit ${symbol}: price`, price);
    this.queue({ kind: "takeProfit", symbol, price });
  }
}
