import type { ReplayState } from "./state.ts";
import type { EquityTrace } from "./types.ts";

/** time, equity, drawdownPct, fundingPaid, feesPaid: the columns before the per-symbol ones */
const FIXED = 5;

/**
 * Step 4 of a bar: mark to market at the close and record. Equity, its peak and the worst drawdown
 * always; with `keepRows`, one row per bar (EquityTrace): the fixed columns, then per symbol the
 * price, the liquidation price and the margin ratio (NaN when flat).
 */
export class Recorder {
  equity: number;
  peak: number;
  maxDrawdownPct = 0;
  private readonly stride: number;
  private readonly rows: Float64Array | null;

  constructor(private readonly state: ReplayState, balance: number, keepRows: boolean) {
    this.equity = this.peak = balance;
    this.stride = FIXED + 3 * state.n;
    this.rows = keepRows ? new Float64Array(state.market.length * this.stride) : null;
  }

  /** Bar i (open time t) has closed at C: move the prices there and record. */
  close(i: number, t: number, C: Float64Array): void {
    const st = this.state;
    const { px, n, account, symbols, totals } = st;
    const dir = st.pos.dir;
    for (let s = 0; s < n; s++) px[s] = C[s];
    const equity = (this.equity = account.equity(px));
    if (equity > this.peak) this.peak = equity;
    const dd = this.peak > 0 ? ((this.peak - equity) / this.peak) * 100 : 0;
    if (dd > this.maxDrawdownPct) this.maxDrawdownPct = dd;
    const rec = this.rows;
    if (!rec) return;
    const r = i * this.stride;
    rec[r] = t; rec[r + 1] = equity; rec[r + 2] = dd; rec[r + 3] = totals.funding; rec[r + 4] = totals.fees;
    for (let s = 0; s < n; s++) {
      const c = r + FIXED + 3 * s;
      rec[c] = px[s];
      if (dir[s] === 0) { rec[c + 1] = NaN; rec[c + 2] = NaN; }
      else {
        rec[c + 1] = account.liquidationPrice(symbols[s], px) ?? NaN;
        rec[c + 2] = account.marginRatio(symbols[s], px);
      }
    }
  }

  /** the rows kept, or null */
  trace(): EquityTrace | null {
    return this.rows ? { symbols: this.state.symbols, stride: this.stride, rows: this.state.market.length, data: this.rows } : null;
  }
}
