import { Account, type PositionStoreView } from "../margin/index.ts";
import type { MarketData } from "../market/index.ts";
import type { PendingOrder } from "../strategy/index.ts";
import { EventTotals } from "./eventTotals.ts";
import { MarginInUse } from "./marginInUse.ts";
import type { TriggerBars } from "./series.ts";
import type { BacktestOptions, RunMode } from "./types.ts";

/** An action queued by the strategy, executed at the next bar's open in call order (the strategy sees them as `ctx.pending`). */
export type Order = PendingOrder;

/** The symbol an order is about. */
export const orderSymbol = (q: Order): string => (q.kind === "open" ? q.order.symbol : q.symbol);

/**
 * Everything one mode's replay shares between its steps (funding clock, order router, intrabar
 * walker, recorder, the strategy's context): the account, its position store read in place (`pos`),
 * its event totals, and per symbol slot the price now, the last funding and the stops.
 */
export class ReplayState {
  readonly market: MarketData;
  readonly n: number;
  readonly symbols: readonly string[];
  readonly account: Account;
  /** the account's positions by slot, read in place (direction, size, entry, isolated, margin, leverage) */
  readonly pos: PositionStoreView;
  readonly totals: EventTotals;
  readonly marginInUse: MarginInUse;
  /** the mode forced on every position, or undefined (hybrid: the strategy's own choice) */
  readonly forced: "cross" | "isolated" | undefined;
  /** fills at the open (and stop fills) worsened by this share */
  readonly slippage: number;

  /** trigger price now (the close after the walk), by slot */
  readonly px: Float64Array;
  /** last settled funding rate per 8 h, by slot (NaN before the first) */
  readonly lastRate: Float64Array;
  /** hours covered by the last settlement, by slot */
  readonly lastInterval: Float64Array;
  /** stop-loss and take-profit trigger levels, by slot (NaN: none); a fresh position starts with none but its order's */
  readonly sl: Float64Array;
  readonly tp: Float64Array;
  /** how far funding moved each position's liquidation price toward the market since it opened */
  readonly drift: Float64Array;
  /** the largest drift seen, in % of the price */
  maxDrift = 0;
  /** the strategy's orders waiting for the next open */
  readonly queue: Order[] = [];

  constructor(o: BacktestOptions, readonly mode: RunMode, readonly trig: readonly TriggerBars[], withHooks: boolean) {
    const market = (this.market = o.market);
    const n = (this.n = market.symbols.length);
    this.symbols = market.symbols.map((s) => s.symbol);
    this.totals = new EventTotals(o.recordEvents !== false, market.from, withHooks);
    this.account = new Account({
      venue: o.venue, balance: o.balance, symbols: this.symbols, ledger: o.ledger ?? "exact", events: this.totals.sink, liquidationSlippage: o.liquidationSlippage,
    });
    this.pos = this.account.store;
    this.marginInUse = new MarginInUse(this.pos, market.from);
    this.forced = mode === "hybrid" ? undefined : mode;
    this.slippage = o.slippage ?? 0;
    this.px = new Float64Array(n);
    this.lastRate = new Float64Array(n).fill(NaN);
    this.lastInterval = new Float64Array(n).fill(NaN);
    this.sl = new Float64Array(n).fill(NaN);
    this.tp = new Float64Array(n).fill(NaN);
    this.drift = new Float64Array(n);
    for (let s = 0; s < n; s++) this.px[s] = firstPrice(trig[s]);
  }

  /** The engine's liquidation price of slot q at prices P, NaN when there is none. */
  liquidationPriceAt(q: number, P: Float64Array): number {
    if (this.pos.dir[q] === 0) return NaN;
    if (this.pos.isolated[q]) { const lp = this.pos.liq[q]; return lp > 0 ? lp : NaN; }
    return this.account.liquidationPrice(this.symbols[q], P) ?? NaN;
  }

  /** A `reject` row in events.csv: an order the engine refused. */
  reject(t: number, symbol: string, detail: string): void {
    this.totals.note({ time: t, type: "reject", symbol, side: "", size: 0, price: 0, amount: 0, walletBalance: this.account.walletBalance, detail });
  }
}

function firstPrice(t: TriggerBars): number {
  for (let i = 0; i < t.open.length; i++) if (t.open[i] === t.open[i]) return t.open[i];
  return NaN;
}
