import type { Bars } from "../market/index.ts";
import { clipToMark, type DetailPlan, type SubBars } from "./detail.ts";
import type { ReplayState } from "./state.ts";

/**
 * The sub-bars of one strategy bar per symbol, as the detail plan says (detail.ts): mark detail
 * candles, last-trade ones, or last-trade ones clipped into the bar's mark candle. `load(i, bar)`
 * points each symbol at its series and first sub-bar; `at(j, ...)` fills the j-th sub-bar of every
 * symbol, a missing one standing still where that symbol's walk got to.
 */
export class SubBarCursor {
  readonly count: number;
  private readonly src: SubBars[];
  private readonly start: Int32Array;
  private readonly clipped: SubBars[];
  private readonly markBar = { open: 0, high: 0, low: 0, close: 0 };
  private readonly none: SubBars;
  /** where each symbol's walk stands */
  readonly walkPx: Float64Array;

  constructor(private readonly state: ReplayState, private readonly plan: DetailPlan, private readonly detailMark: readonly (Bars | undefined)[] | undefined) {
    const n = state.n;
    const count = (this.count = plan.count);
    const arrays = (fill: number) => ({ open: new Float64Array(count).fill(fill), high: new Float64Array(count).fill(fill), low: new Float64Array(count).fill(fill), close: new Float64Array(count).fill(fill) });
    this.src = new Array(n);
    this.start = new Int32Array(n);
    this.clipped = Array.from({ length: n }, () => arrays(0));
    this.none = arrays(NaN);
    this.walkPx = new Float64Array(n);
  }

  /** Point every symbol at bar i's sub-bars; O/H/L/C hold the bar's trigger candle (the levels the clip rule keeps to). */
  load(i: number, O: Float64Array, H: Float64Array, L: Float64Array, C: Float64Array): void {
    const { plan, state } = this;
    const n = state.n;
    for (let s = 0; s < n; s++) {
      const r = plan.rules[plan.rule[i * n + s]];
      const j0 = plan.start[i * n + s];
      if (j0 < 0) { this.src[s] = this.none; this.start[s] = 0; continue; }
      if (r === "mark") { this.src[s] = this.detailMark![s]!; this.start[s] = j0; continue; }
      const last = state.market.symbols[s].detail!;
      if (r === "last") { this.src[s] = last; this.start[s] = j0; continue; }
      const m = this.markBar;
      m.open = O[s]; m.high = H[s]; m.low = L[s]; m.close = C[s];
      clipToMark(m, last, j0, this.count, this.clipped[s]);
      this.src[s] = this.clipped[s];
      this.start[s] = 0;
    }
    this.walkPx.set(state.px);
  }

  /** The j-th sub-bar of every symbol into O/H/L/C. */
  at(j: number, O: Float64Array, H: Float64Array, L: Float64Array, C: Float64Array): void {
    const walkPx = this.walkPx;
    for (let s = 0; s < this.state.n; s++) {
      const d = this.src[s];
      const k = this.start[s] + j;
      if (d.close[k] === d.close[k]) { O[s] = d.open[k]; H[s] = d.high[k]; L[s] = d.low[k]; C[s] = d.close[k]; }
      else O[s] = H[s] = L[s] = C[s] = walkPx[s];
      walkPx[s] = C[s];
    }
  }
}
