import { InputError } from "../errors/index.ts";
import type { OpenOrder } from "../strategy/index.ts";
import { orderSymbol, type Order, type ReplayState } from "./state.ts";
import type { StrategyCalls } from "./strategyCalls.ts";

/**
 * Step 2 of a bar: the orders the strategy queued at the previous close fill at this bar's
 * last-trade open, in call order, worsened by the slippage. An order the engine refuses (not enough
 * margin, no bar to fill at) becomes a `reject` row; an order about a flat symbol is dropped.
 */
export class OrderRouter {
  constructor(private readonly state: ReplayState) {}

  /** Fill the orders queued at the previous close at bar i's open (time t), in call order; a throw is the strategy's. */
  fillQueued(i: number, t: number, calls: StrategyCalls): void {
    const st = this.state;
    if (!st.queue.length) return;
    for (const order of st.queue.splice(0)) calls.guard(t, () => this.execute(i, t, order), orderSymbol(order));
    st.marginInUse.track(t);
  }

  /** Execute one queued order at bar i (open time t). */
  execute(i: number, t: number, q: Order): void {
    const st = this.state;
    const s = st.symbols.indexOf(q.kind === "open" ? q.order.symbol : q.symbol);
    const sym = st.symbols[s];
    const open = st.market.symbols[s].bars.open[i];
    const dir = st.pos.dir;
    const held = dir[s] !== 0;
    switch (q.kind) {
      case "open":
        if (!(open > 0)) return st.reject(t, sym, "open: no bar to fill at");
        return this.fillOpen(t, s, q.order, open);
      case "close":
      case "reduce": {
        if (!held) return;
        if (!(open > 0)) return st.reject(t, sym, `${q.kind}: no bar to fill at`);
        const fill = open * (1 + dir[s] * -1 * st.slippage);
        if (q.kind === "close") st.account.close(t, sym, fill);
        else st.account.reduce(t, sym, q.size, fill);
        return;
      }
      case "addMargin":
        if (!held || !st.pos.isolated[s]) return;
        if (st.account.addMargin(t, sym, q.amount) === "insufficient-margin") st.reject(t, sym, `addMargin ${q.amount}: insufficient margin`);
        return;
      case "removeMargin":
        if (!held || !st.pos.isolated[s]) return;
        try {
          st.account.removeMargin(t, sym, q.amount, st.px[s]);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          st.reject(t, sym, err.message);
        }
        return;
      case "setLeverage":
        if (!held) return;
        if (st.account.setLeverage(t, sym, q.leverage) === "insufficient-margin") st.reject(t, sym, `setLeverage ${q.leverage}: insufficient margin`);
        return;
      case "stopLoss":
      case "takeProfit":
        if (!held) return;
        (q.kind === "stopLoss" ? st.sl : st.tp)[s] = q.price ?? NaN;
        return;
    }
  }

  /** Open or add to slot s at the bar's open; a fresh position starts with no stops but its order's, set from its fill. */
  private fillOpen(t: number, s: number, ord: OpenOrder, open: number): void {
    const st = this.state;
    const sym = st.symbols[s];
    const d = ord.side === "long" ? 1 : -1;
    const fill = open * (1 + d * st.slippage);
    const m = st.forced ?? ord.mode ?? "cross";
    const leverage = ord.leverage ?? (ord.margin !== undefined && ord.notional !== undefined ? ord.notional / ord.margin : undefined);
    const notional = ord.notional ?? (ord.margin !== undefined ? ord.margin * leverage! : ord.size! * fill);
    const size = ord.size ?? notional / fill;
    const dir = st.pos.dir;
    const wasFlat = dir[s] === 0;
    if (wasFlat) { st.sl[s] = NaN; st.tp[s] = NaN; }
    const margin = m === "isolated" && ord.margin !== undefined && (wasFlat || dir[s] !== d) ? ord.margin : undefined;
    const res = st.account.trade(t, sym, ord.side, size, fill, { mode: m, leverage: margin === undefined ? leverage : undefined, margin });
    if (res === "insufficient-margin") return st.reject(t, sym, `open ${ord.side} ${size}: insufficient margin`);
    if (dir[s] !== d) return;
    if (wasFlat) st.drift[s] = 0;
    // stopLossPct / takeProfitPct are percents of the fill price (5 = 5 %)
    const slp = ord.stopLossPct !== undefined ? fill * (1 - d * (ord.stopLossPct / 100)) : ord.stopLoss;
    const tpp = ord.takeProfitPct !== undefined ? fill * (1 + d * (ord.takeProfitPct / 100)) : ord.takeProfit;
    if (slp !== undefined) st.sl[s] = slp;
    if (tpp !== undefined) st.tp[s] = tpp;
  }
}
