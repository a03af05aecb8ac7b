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

  /** What `o` (the accrual of an account with as many slots) has accrued and not posted, for an account snapshot. */
  copyFrom(o: FundingAccrual): void {
    this.pending.set(o.pending);
    this.pendingPrice.set(o.pendingPrice);
    this.pendingMs = o.pendingMs;
    this.unposted = o.unposted;
    this.walletBeforeAccrual = o.walletBeforeAccrual;
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
    h.give(st, this.pending, this.pendingPrice);
    this.pendingMs = h.pendingMs;
    this.unposted = true;
    this.walletBeforeAccrual = h.walletBeforeAccrual;
    st.version++;
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
 * Columns of a funding hold's row per slot (`FundingHold.data`, `stride` floats a row): 0 flat / 1 cross /
 * 2 isolated, the isolated margin, its liquidation price (0: none for a long, every price for a short),
 * the linear root before clamping at 0 and how it moves per unit of margin (0: solved again), the funding
 * accrued and not yet posted, the price of its latest settlement. Columns from `Hold.Columns` on are the
 * borrower's own (`extraColumns`). A const enum, so a bundle reads them as literals in a hot loop.
 */
export const enum Hold {
  /** `HoldKind` */
  Kind = 0,
  Margin = 1,
  Liq = 2,
  LiqRaw = 3,
  LiqPerMargin = 4,
  Pending = 5,
  PendingPrice = 6,
  Columns = 7,
}

/** What a slot holds (the `Hold.Kind` column). */
export const enum HoldKind {
  Flat = 0,
  Cross = 1,
  Isolated = 2,
}

/**
 * What funding moves in an account (the cross wallet, each isolated margin and liquidation price, the
 * amounts accrued and not yet posted), lent to a per-step loop: `Account.holdFunding(h)` copies it in,
 * `h.accrue` moves it exactly as `Account.accrueFunding` moves the account (same floats, same order), and
 * `Account.releaseFunding(h)` hands it back in one go before the engine acts. While held, the loop reads
 * the wallet, margins and triggers here and not in the account's store. The figures per slot are one
 * row of `data` (`Hold` columns), so a loop reads a slot in one place. Allocates nothing after construction.
 */
export class FundingHold {
  /** cross wallet, funding accrued included */
  wallet = 0;
  /** rows of `stride` = 2^`shift` floats by slot (slot s at `s << shift`): the `Hold` columns, then the borrower's own */
  readonly data: Float64Array;
  readonly shift: number;
  readonly stride: number;
  /** time of the latest settlement accrued */
  pendingMs = 0;
  /** the cross wallet before the first accrual not yet posted (the account's `postedWallet` once something accrued) */
  walletBeforeAccrual = 0;
  /** something was accrued since the hold was taken */
  moved = false;
  private store: PositionStore | null = null;

  constructor(readonly slots: number, extraColumns = 0) {
    // a power of two, so a row's column is `(s << shift) | column`: integer ops a JIT need not check for overflow
    this.shift = Math.ceil(Math.log2(Hold.Columns + extraColumns));
    this.stride = 1 << this.shift;
    this.data = new Float64Array(slots * this.stride);
  }

  /** isolated margin of slot `s`, funding accrued included */
  marginAt(s: number): number {
    return this.data[(s << this.shift) | Hold.Margin];
  }

  /** isolated liquidation price of slot `s` as funding moved it */
  liqAt(s: number): number {
    return this.data[(s << this.shift) | Hold.Liq];
  }

  /** @internal the copy-in (FundingAccrual.hold) */
  take(st: PositionStore, pending: Float64Array, pendingPrice: Float64Array, pendingMs: number, unposted: boolean, walletBeforeAccrual: number): void {
    if (st.slots !== this.slots) throw new Error(`a funding hold of ${this.slots} slots for an account of ${st.slots}`);
    this.store = st;
    this.wallet = st.wallet;
    const data = this.data;
    for (let s = 0, r = 0; s < this.slots; s++, r += this.stride) {
      data[r + Hold.Kind] = st.dir[s] === 0 ? HoldKind.Flat : st.isolated[s] ? HoldKind.Isolated : HoldKind.Cross;
      data[r + Hold.Margin] = st.margin[s];
      data[r + Hold.Liq] = st.liq[s];
      data[r + Hold.LiqRaw] = st.liqRaw[s];
      data[r + Hold.LiqPerMargin] = st.liqPerMargin[s];
      data[r + Hold.Pending] = pending[s];
      data[r + Hold.PendingPrice] = pendingPrice[s];
    }
    this.pendingMs = pendingMs;
    // the wallet the first accrual would find, unless one is already pending (the wallet moves only by accruals while held)
    this.walletBeforeAccrual = unposted ? walletBeforeAccrual : st.wallet;
    this.moved = false;
  }

  /** @internal the copy-back (FundingAccrual.release) */
  give(st: PositionStore, pending: Float64Array, pendingPrice: Float64Array): void {
    st.wallet = this.wallet;
    const data = this.data;
    for (let s = 0, r = 0; s < this.slots; s++, r += this.stride) {
      st.margin[s] = data[r + Hold.Margin];
      st.liq[s] = data[r + Hold.Liq];
      st.liqRaw[s] = data[r + Hold.LiqRaw];
      pending[s] = data[r + Hold.Pending];
      pendingPrice[s] = data[r + Hold.PendingPrice];
    }
    this.moved = false;
  }

  /** `Account.accrueFunding(s, paid, price, time)` on the held figures (`FundingAccrual.accrue`, `AccountCore.moveIsolatedLiquidation`). */
  accrue(s: number, paid: number, price: number, time: number): void {
    const data = this.data;
    const r = s << this.shift;
    const kind = data[r | Hold.Kind];
    if (kind === HoldKind.Flat) return;
    data[r | Hold.Pending] += paid;
    data[r | Hold.PendingPrice] = price;
    this.pendingMs = time;
    this.moved = true;
    if (kind === HoldKind.Cross) {
      this.wallet -= paid;
      return;
    }
    const margin = (data[r | Hold.Margin] -= paid);
    const slope = data[r | Hold.LiqPerMargin];
    if (slope !== 0) {
      const raw = (data[r | Hold.LiqRaw] -= paid * slope);
      data[r | Hold.Liq] = raw > 0 ? raw : 0;
    } else data[r | Hold.Liq] = solvedTrigger(this.store!, s, margin);
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
