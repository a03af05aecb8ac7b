import { InputError } from "../market/index.ts";
import { entryRoot, type Dir } from "./algebra.ts";
import type { AccountCore } from "./core.ts";
import { liquidationPriceF } from "./maintenance.ts";
import { FLOAT } from "./numbers.ts";
import type { PositionStore } from "./store.ts";

/**
 * Funding for one account: settled through the ledger at once (`settle`, `credit`), or accrued in
 * floats and posted later as one amount per position (`accrue`, `post`) so a per-step loop never
 * touches the ledger. Cross positions pay from the wallet, isolated ones from their margin (their
 * liquidation price moves).
 */
export class FundingAccrual {
  /** funding accrued per slot and not yet posted (positive = paid), with the price of its latest settlement */
  private readonly pending: Float64Array;
  private readonly pendingPrice: Float64Array;
  /** time of the latest settlement accrued */
  private pendingMs = 0;
  private unposted = false;
  /** the cross wallet as the ledger held it when accrual began */
  private walletBeforeAccrual = 0;

  constructor(private readonly core: AccountCore) {
    this.pending = new Float64Array(core.store.slots);
    this.pendingPrice = new Float64Array(core.store.slots);
  }

  settle(s: number, rate: number, price: number, time: number): number {
    this.post();
    const core = this.core;
    const st = core.store;
    if (Number.isFinite(price) && price > 0) core.last[s] = price;
    if (st.dir[s] === 0 || rate === 0) return 0;
    const got = core.ledger.funding(core.bucketOf(s), st.dir[s], st.size[s], price, rate);
    this.after(time, s, price, got, core.sink ? `rate ${rate}` : "");
    return got;
  }

  credit(time: number, s: number, amount: number, price?: number): number {
    this.post();
    return this.creditNow(time, s, amount, price);
  }

  accrue(s: number, paid: number, price: number, time: number): void {
    const st = this.core.store;
    if (st.dir[s] === 0) return;
    if (!this.unposted) this.walletBeforeAccrual = st.wallet;
    this.pending[s] += paid;
    this.pendingPrice[s] = price;
    this.pendingMs = time;
    this.unposted = true;
    if (st.isolated[s]) {
      st.margin[s] -= paid;
      this.core.moveIsolatedLiquidation(s, paid);
    } else st.wallet -= paid;
    st.version++;
  }

  /** the cross wallet without the funding accrued since the last posting */
  get postedWallet(): number {
    return this.unposted ? this.walletBeforeAccrual : this.core.store.wallet;
  }

  /** Lend what funding moves to `h` (Account.holdFunding): from now on `h` is the truth, the store is stale. */
  hold(h: FundingHold): void {
    const st = this.core.store;
    h.take(st, this.pending, this.pendingPrice, this.pendingMs, this.unposted, this.walletBeforeAccrual);
  }

  /** Take back what `h` accrued (Account.releaseFunding): the account as if each `h.accrue` had been an `accrue`. */
  release(h: FundingHold): void {
    if (!h.moved) return;
    const st = this.core.store;
    st.wallet = h.wallet;
    st.margin.set(h.margin);
    st.liq.set(h.liq);
    st.liqRaw.set(h.liqRaw);
    this.pending.set(h.pending);
    this.pendingPrice.set(h.pendingPrice);
    this.pendingMs = h.pendingMs;
    this.unposted = h.unposted;
    this.walletBeforeAccrual = h.walletBeforeAccrual;
    st.version++;
    h.moved = false;
  }

  post(): void {
    if (!this.unposted) return;
    this.unposted = false;
    const symbols = this.core.store.slots;
    for (let s = 0; s < symbols; s++) {
      const paid = this.pending[s];
      if (paid === 0) continue;
      this.pending[s] = 0;
      if (this.core.store.dir[s] === 0) continue;
      this.creditNow(this.pendingMs, s, -paid, this.pendingPrice[s]);
    }
  }

  private creditNow(time: number, s: number, amount: number, price?: number): number {
    const core = this.core;
    if (!Number.isFinite(amount)) throw new InputError(`${core.symbols[s]}: funding amount must be a finite number (got ${amount})`);
    if (price !== undefined && Number.isFinite(price) && price > 0) core.last[s] = price;
    if (core.store.dir[s] === 0 || amount === 0) return 0;
    const got = core.ledger.fundingAmount(core.bucketOf(s), amount);
    this.after(time, s, price ?? 0, got, "amount");
    return got;
  }

  private after(time: number, s: number, price: number, got: number, detail: string): void {
    const core = this.core;
    core.readBalances(s);
    if (core.store.isolated[s]) core.refresh(s);
    if (core.sink) core.emit(time, "funding", s, core.store.size[s], price, got, detail);
  }
}

/**
 * What funding moves in an account (the cross wallet, each isolated margin and liquidation price, the
 * amounts accrued and not yet posted), lent to a per-step loop: `Account.holdFunding(h)` copies it in,
 * `h.accrue` moves it exactly as `Account.accrueFunding` moves the account (same floats, same order), and
 * `Account.releaseFunding(h)` hands it back in one go before the engine acts. While held, the loop reads
 * the wallet, margins and triggers here and not in the account's store. Allocates nothing after construction.
 */
export class FundingHold {
  /** cross wallet, funding accrued included */
  wallet = 0;
  /** isolated margin by slot, funding accrued included */
  readonly margin: Float64Array;
  /** isolated liquidation price by slot (0: none for a long, every price for a short), moved by funding */
  readonly liq: Float64Array;
  /** the linear root before clamping at 0, and how it moves per unit of margin (0: solved again) */
  readonly liqRaw: Float64Array;
  readonly liqPerMargin: Float64Array;
  /** funding accrued per slot and not yet posted, the price of its latest settlement, the time of the latest */
  readonly pending: Float64Array;
  readonly pendingPrice: Float64Array;
  pendingMs = 0;
  unposted = false;
  walletBeforeAccrual = 0;
  /** something was accrued since the hold was taken */
  moved = false;
  private store: PositionStore | null = null;

  constructor(readonly slots: number) {
    const f = () => new Float64Array(slots);
    [this.margin, this.liq, this.liqRaw, this.liqPerMargin, this.pending, this.pendingPrice] = [f(), f(), f(), f(), f(), f()];
  }

  /** @internal the copy-in (FundingAccrual.hold) */
  take(st: PositionStore, pending: Float64Array, pendingPrice: Float64Array, pendingMs: number, unposted: boolean, walletBeforeAccrual: number): void {
    if (st.slots !== this.slots) throw new Error(`a funding hold of ${this.slots} slots for an account of ${st.slots}`);
    this.store = st;
    this.wallet = st.wallet;
    this.margin.set(st.margin);
    this.liq.set(st.liq);
    this.liqRaw.set(st.liqRaw);
    this.liqPerMargin.set(st.liqPerMargin);
    this.pending.set(pending);
    this.pendingPrice.set(pendingPrice);
    this.pendingMs = pendingMs;
    this.unposted = unposted;
    this.walletBeforeAccrual = walletBeforeAccrual;
    this.moved = false;
  }

  /** `Account.accrueFunding(s, paid, price, time)` on the held figures (`FundingAccrual.accrue`, `AccountCore.moveIsolatedLiquidation`). */
  accrue(s: number, paid: number, price: number, time: number): void {
    const st = this.store!;
    if (st.dir[s] === 0) return;
    if (!this.unposted) this.walletBeforeAccrual = this.wallet;
    this.pending[s] += paid;
    this.pendingPrice[s] = price;
    this.pendingMs = time;
    this.unposted = true;
    this.moved = true;
    if (st.isolated[s] === 0) {
      this.wallet -= paid;
      return;
    }
    this.margin[s] -= paid;
    const slope = this.liqPerMargin[s];
    if (slope !== 0) {
      const raw = (this.liqRaw[s] -= paid * slope);
      this.liq[s] = raw > 0 ? raw : 0;
    } else this.liq[s] = solvedTrigger(st, s, this.margin[s]);
  }
}

/** An isolated trigger off the linear piece, solved again on the margin (as AccountCore.moveIsolatedLiquidation). */
function solvedTrigger(st: PositionStore, s: number, margin: number): number {
  const dir = st.dir[s] as Dir;
  if (st.rules[s].family === "mm-at-entry") {
    const root = entryRoot(FLOAT, dir, st.size[s], st.entry[s], margin, st.mmAtEntry[s]);
    return root > 0 ? root : 0;
  }
  return liquidationPriceF(st.rules[s], dir, st.size[s], st.entry[s], margin);
}
