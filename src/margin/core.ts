import { liquidationFeeRate, type Venue } from "../venues/index.ts";
import { entryRoot, isLinearRule, liquidationRoot, maintenance, rootPerAvailable, unrealisedPnl, type Dir } from "./algebra.ts";
import type { EventSink, EventType } from "./events.ts";
import type { Ledger } from "./ledger.ts";
import { bankruptcyPriceF, liquidationPriceF, maintenanceMargin } from "./maintenance.ts";
import { FLOAT } from "./numbers.ts";
import type { PositionStore } from "./store.ts";
import { sideOf, type Side } from "./types.ts";

/** Ledger bucket of the cross wallet; isolated slot s is bucket s + 1. */
export const CROSS = 0;

/** a liquidated piece, kept until the liquidation fee on the whole liquidation is charged */
export interface Liquidated {
  readonly symbol: string;
  readonly dir: Dir;
  readonly size: number;
  readonly price: number;
  /** the symbol's liquidation fee rate in its margin mode, from the table in force (Binance's per-symbol rate, else the venue's) */
  readonly rate: number;
}

/**
 * The account's state and the small moves every operation is made of: balances read back from the
 * ledger, cached isolated liquidation prices, events, fees, the end of a liquidated bucket. Shared by
 * the trading API (account.ts), funding (funding.ts) and liquidation (liquidation.ts); not exported
 * from the room.
 */
export class AccountCore {
  /** latest price seen per slot (fills, liquidation checks, funding), for margin checks of new orders */
  readonly last: Float64Array;
  cooldownUntil = -Infinity;

  constructor(
    readonly venue: Venue,
    readonly ledger: Ledger,
    readonly symbols: readonly string[],
    readonly store: PositionStore,
    readonly sink: EventSink | undefined,
    readonly slippage: number,
  ) {
    this.last = new Float64Array(symbols.length);
  }

  bucketOf(s: number): number {
    return this.store.isolated[s] ? s + 1 : CROSS;
  }

  /** wallet (and the slot's isolated margin) as the ledger holds them */
  readBalances(s: number): void {
    const st = this.store;
    st.wallet = this.ledger.balance(CROSS);
    if (st.isolated[s]) st.margin[s] = this.ledger.balance(s + 1);
    st.version++;
  }

  /** recompute an isolated position's cached liquidation and bankruptcy prices */
  refresh(s: number): void {
    const st = this.store;
    if (st.dir[s] === 0 || !st.isolated[s]) return;
    const dir = st.dir[s] as Dir;
    const rule = st.rules[s];
    const root = liquidationRoot(FLOAT, rule, dir, st.size[s], st.entry[s], st.margin[s]);
    st.liqRaw[s] = root;
    st.liq[s] = root > 0 ? root : 0;
    st.liqPerMargin[s] = isLinearRule(rule) ? rootPerAvailable(FLOAT, rule.family, rule.tiers[0], dir, st.size[s]) : 0;
    if (rule.family === "mm-at-entry") st.mmAtEntry[s] = maintenance(FLOAT, rule, st.size[s], st.entry[s], st.entry[s]);
    st.bankrupt[s] = bankruptcyPriceF(dir, st.size[s], st.entry[s], st.margin[s]);
  }

  shrink(s: number, size: number, full: boolean): void {
    if (full) this.store.closeAt(s);
    else {
      this.store.size[s] -= size;
      this.store.version++;
      this.refresh(s);
    }
  }

  /** wallet + isolated margins + every position's unrealised PnL at these prices */
  equity(prices: ArrayLike<number>): number {
    const st = this.store;
    let e = st.wallet;
    for (let s = 0; s < st.slots; s++) {
      const d = st.dir[s];
      if (d !== 0) e += st.margin[s] + d * st.size[s] * (prices[s] - st.entry[s]); // unrealisedPnl, written out: the kernel calls this every step
    }
    return e;
  }

  /** cross wallet + Σ over cross positions (but `except`) of unrealised PnL − maintenance at these prices */
  crossExcess(prices: ArrayLike<number>, except = -1, wallet = this.store.wallet): number {
    const st = this.store;
    let g = wallet;
    for (let s = 0; s < st.slots; s++) {
      const d = st.dir[s];
      if (d === 0 || st.isolated[s] || s === except) continue;
      const px = prices[s];
      g += d * st.size[s] * (px - st.entry[s]) - maintenance(FLOAT, st.rules[s], st.size[s], st.entry[s], px); // positionExcess, written out (per step)
    }
    return g;
  }

  /** the cross excess at fraction u of the straight segment from `from` to `to` (allocation-free) */
  crossExcessAlong(u: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    const st = this.store;
    let g = st.wallet;
    for (let s = 0; s < st.slots; s++) {
      const d = st.dir[s];
      if (d === 0 || st.isolated[s]) continue;
      const px = from[s] + u * (to[s] - from[s]);
      g += d * st.size[s] * (px - st.entry[s]) - maintenance(FLOAT, st.rules[s], st.size[s], st.entry[s], px); // positionExcess, written out (per step)
    }
    return g;
  }

  /** Free cross collateral: wallet + cross uPnL − cross initial margin, at the latest prices seen. */
  freeCollateral(): number {
    const st = this.store;
    let f = st.wallet;
    for (let s = 0; s < st.slots; s++) {
      const d = st.dir[s];
      if (d === 0 || st.isolated[s]) continue;
      const px = this.last[s] || st.entry[s];
      f += unrealisedPnl(FLOAT, d as Dir, st.size[s], st.entry[s], px) - (st.size[s] * px) / st.leverage[s];
    }
    return f;
  }

  /** an isolated position would be liquidatable at `price` with this margin */
  liquidatableAt(s: number, price: number, margin: number): boolean {
    const st = this.store;
    return margin + unrealisedPnl(FLOAT, st.dir[s] as Dir, st.size[s], st.entry[s], price) < maintenanceMargin(st.rules[s], st.size[s], st.entry[s], price);
  }

  /** isolated liquidation price after a funding payment taken from the margin: moved along the linear root, or solved again */
  moveIsolatedLiquidation(s: number, paid: number): void {
    const st = this.store;
    const slope = st.liqPerMargin[s];
    if (slope !== 0) {
      st.liqRaw[s] -= paid * slope;
      st.liq[s] = st.liqRaw[s] > 0 ? st.liqRaw[s] : 0;
    } else if (st.rules[s].family === "mm-at-entry") {
      // liquidationRoot with the maintenance at entry it would compute again
      const root = entryRoot(FLOAT, st.dir[s] as Dir, st.size[s], st.entry[s], st.margin[s], st.mmAtEntry[s]);
      st.liq[s] = root > 0 ? root : 0;
    } else st.liq[s] = liquidationPriceF(st.rules[s], st.dir[s] as Dir, st.size[s], st.entry[s], st.margin[s]);
  }

  // ---------------------------------------------------------------- money moves

  chargeFee(time: number, s: number, size: number, price: number, maker: boolean): void {
    const rate = maker ? this.venue.makerFee : this.venue.takerFee;
    if (rate === 0) return;
    const fee = this.ledger.fee(CROSS, size, price, rate);
    this.store.wallet = this.ledger.balance(CROSS);
    this.store.version++;
    this.emit(time, "fee", s, size, price, -fee, maker ? "maker" : "taker");
  }

  moveMargin(time: number, s: number, amount: number, detail: string): void {
    const moved = this.ledger.transfer(CROSS, s + 1, amount);
    this.readBalances(s);
    this.emit(time, "margin", s, this.store.size[s], 0, moved, detail);
  }

  /** realise a liquidated part into its bucket (no fee: charged once for everything liquidated together) */
  realiseLiquidated(time: number, s: number, bucket: number, size: number, fill: number, detail: string): Liquidated {
    const dir = this.store.dir[s] as Dir;
    const pnl = this.ledger.realize(bucket, dir, size, this.store.entry[s], fill);
    this.readBalances(s);
    this.emit(time, "liquidation", s, size, fill, pnl, detail);
    return { symbol: this.symbols[s], dir, size, price: fill, rate: this.liquidationFeeRate(s, bucket !== CROSS, time) };
  }

  /** slot s's liquidation fee rate at `time`: its symbol's own in the table in force, else the venue's for the mode */
  liquidationFeeRate(s: number, isolated: boolean, time: number): number {
    return liquidationFeeRate(this.venue.table(this.symbols[s], time), isolated);
  }

  /** the liquidation fee on the total liquidated (each part at its rate), capped once at what is left in the bucket, attributed pro rata */
  chargeLiquidationFees(time: number, bucket: number, parts: readonly Liquidated[], s: number): void {
    if (!parts.some((x) => x.rate > 0)) return;
    const fees = this.ledger.liquidationFee(bucket, parts);
    this.store.wallet = this.ledger.balance(CROSS);
    this.store.version++;
    if (s >= 0) this.readBalances(s);
    for (let i = 0; i < parts.length; i++) {
      const x = parts[i];
      if (fees[i] > 0) this.emitRaw(time, "fee", x.symbol, sideOf(x.dir), x.size, x.price, -fees[i], "liquidation");
    }
  }

  /** after a full liquidation of an isolated position: forfeit or return what is left, write off a deficit */
  endBucket(time: number, s: number, forfeit: boolean): void {
    const bucket = s + 1;
    const size = this.store.size[s];
    const kept = forfeit ? this.ledger.forfeit(bucket) : 0;
    if (kept > 0) this.emit(time, "liquidation", s, 0, 0, -kept, "forfeit");
    const bad = this.ledger.writeOff(bucket);
    if (bad > 0) this.emit(time, "bad-debt", s, size, 0, bad, "isolated");
    const back = this.ledger.transfer(bucket, CROSS, null);
    this.readBalances(s);
    if (back !== 0) this.emit(time, "margin", s, size, 0, -back, "release");
    this.shrink(s, size, true);
  }

  /** after a cross liquidation: the venue keeps what is left (backstop, takeover), then absorbs a negative wallet */
  settleCrossDeficit(time: number, forfeit: boolean): void {
    if (forfeit) {
      const kept = this.ledger.forfeit(CROSS);
      this.store.wallet = this.ledger.balance(CROSS);
      this.store.version++;
      if (kept > 0) this.emitRaw(time, "liquidation", "", "long", 0, 0, -kept, "forfeit");
    }
    const bad = this.ledger.writeOff(CROSS);
    this.store.wallet = this.ledger.balance(CROSS);
    this.store.version++;
    if (bad > 0) this.emitRaw(time, "bad-debt", "", "long", 0, 0, bad, "cross");
  }

  // ---------------------------------------------------------------- events

  emit(time: number, type: EventType, s: number, size: number, price: number, amount: number, detail: string): void {
    if (this.sink) this.emitRaw(time, type, this.symbols[s], sideOf(this.store.dir[s] || 1), size, price, amount, detail);
  }

  emitRaw(time: number, type: EventType, symbol: string, side: Side, size: number, price: number, amount: number, detail: string): void {
    if (this.sink) this.sink({ time, type, symbol, side, size, price, amount, walletBalance: this.store.wallet, detail });
  }
}
