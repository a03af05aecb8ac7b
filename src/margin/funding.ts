import { InputError } from "../market/index.ts";
import type { AccountCore } from "./core.ts";

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
