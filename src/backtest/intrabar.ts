import type { Bars } from "../market/index.ts";
import { lowFirst } from "../market/index.ts";
import type { DetailPlan } from "./detail.ts";
import type { FundingClock } from "./fundingClock.ts";
import type { ReplayState } from "./state.ts";
import { SubBarCursor } from "./subBars.ts";
import type { IntrabarPolicy } from "./types.ts";

/**
 * Step 3 of a bar: the intrabar walker. Bar i is walked on the trigger series, open → nearer
 * extreme → farther extreme → close per symbol (`worst`: every position at its adverse extreme at
 * once), or sub-bar by sub-bar where the detail plan has finer candles. Each straight piece of the
 * path is split at the funding settlements due inside it (paid at their own time on the path's
 * price there) and at the first stop it crosses (filled there, a gap at the gap price); the engine
 * checks liquidations along each piece. After the walk, `O/H/L/C` hold the bar's trigger candle and
 * `C` its close.
 */
export class IntrabarWalker {
  /** bars where `path` and `worst` would disagree on liquidating the cross account */
  differingBars = 0;
  readonly O: Float64Array;
  readonly H: Float64Array;
  readonly L: Float64Array;
  readonly C: Float64Array;
  private readonly sub: SubBarCursor | null;
  // scratch: the path's points, a piece's ends, a split point, the probe of the path/worst test
  private readonly pts: Float64Array[];
  private readonly segA: Float64Array;
  private readonly segB: Float64Array;
  private readonly fa: Float64Array;
  private readonly fb: Float64Array;
  private readonly probe: Float64Array;
  private readonly d: Float64Array[];
  private stopSlot = -1;

  constructor(
    private readonly state: ReplayState,
    private readonly funding: FundingClock,
    private readonly policy: IntrabarPolicy,
    private readonly plan: DetailPlan | null,
    detailMark: readonly (Bars | undefined)[] | undefined,
  ) {
    const f = () => new Float64Array(state.n);
    [this.O, this.H, this.L, this.C] = [f(), f(), f(), f()];
    this.pts = [f(), f(), f(), f()];
    [this.segA, this.segB, this.fa, this.fb, this.probe] = [f(), f(), f(), f(), f()];
    this.d = [f(), f(), f(), f()];
    this.sub = plan ? new SubBarCursor(state, plan, detailMark) : null;
  }

  /** Walk bar i (open time t, length intervalMs) and leave its trigger candle in O/H/L/C. */
  walkBar(i: number, t: number, intervalMs: number): void {
    const { state: st, O, H, L, C } = this;
    for (let s = 0; s < st.n; s++) {
      const tb = st.trig[s];
      if (tb.close[i] === tb.close[i]) { O[s] = tb.open[i]; H[s] = tb.high[i]; L[s] = tb.low[i]; C[s] = tb.close[i]; }
      else O[s] = H[s] = L[s] = C[s] = st.px[s];
    }
    const sub = this.sub;
    if (!sub || !this.plan!.use[i]) {
      if (this.walk(t, t + intervalMs, O, H, L, C)) this.differingBars++;
      return;
    }
    sub.load(i, O, H, L, C);
    const dIv = this.plan!.intervalMs;
    const [dO, dH, dL, dC] = this.d;
    let differs = false;
    for (let j = 0; j < sub.count; j++) {
      sub.at(j, dO, dH, dL, dC);
      if (this.walk(t + j * dIv, t + (j + 1) * dIv, dO, dH, dL, dC)) differs = true;
    }
    if (differs) this.differingBars++;
    // a bar absent on the trigger series (a hole resampling dropped) closes where its sub-bars did
    for (let s = 0; s < st.n; s++) if (!(st.trig[s].close[i] === st.trig[s].close[i])) C[s] = sub.walkPx[s];
  }

  /**
   * Walk one candle per symbol; returns whether `path` and `worst` would disagree on liquidating the
   * cross account on this candle (judged before the walk, on the positions held then).
   */
  private walk(t0: number, t1: number, O: Float64Array, H: Float64Array, L: Float64Array, C: Float64Array): boolean {
    const st = this.state;
    const differs = this.pathAndWorstDiffer(O, H, L, C);
    const { pos: { dir }, n } = st;
    const pts = this.pts;
    const dt = t1 - t0;
    if (this.policy === "worst") {
      for (let s = 0; s < n; s++) pts[1][s] = dir[s] === 0 ? O[s] : dir[s] === 1 ? L[s] : H[s];
      this.leg(t0, t0 + dt / 3, O, pts[1]);
      this.leg(t0 + dt / 3, t1, pts[1], C);
      return differs;
    }
    for (let s = 0; s < n; s++) {
      const lf = lowFirst(O[s], H[s], L[s]);
      pts[1][s] = lf ? L[s] : H[s];
      pts[2][s] = lf ? H[s] : L[s];
    }
    this.leg(t0, t0 + dt / 3, O, pts[1]);
    this.leg(t0 + dt / 3, t0 + (2 * dt) / 3, pts[1], pts[2]);
    this.leg(t0 + (2 * dt) / 3, t1, pts[2], C);
    return differs;
  }

  /** With two or more cross positions: would `worst` liquidate where `path` does not, or the reverse? */
  private pathAndWorstDiffer(O: Float64Array, H: Float64Array, L: Float64Array, C: Float64Array): boolean {
    const { pos, n, account } = this.state;
    if (pos.crossOpen < 2) return false;
    const { dir, isolated } = pos;
    const probe = this.probe;
    for (let s = 0; s < n; s++) probe[s] = dir[s] !== 0 && !isolated[s] ? (dir[s] === 1 ? L[s] : H[s]) : C[s];
    const worstLiq = account.crossExcess(probe) < 0;
    let pathLiq = account.crossExcess(O) < 0 || account.crossExcess(C) < 0;
    for (let k = 1; k <= 2 && !pathLiq; k++) {
      for (let s = 0; s < n; s++) probe[s] = lowFirst(O[s], H[s], L[s]) === (k === 1) ? L[s] : H[s];
      pathLiq = account.crossExcess(probe) < 0;
    }
    return worstLiq !== pathLiq;
  }

  /** A path piece A→B over [t0, t1], split at the settlements due inside it. */
  private leg(t0: number, t1: number, A: Float64Array, B: Float64Array): void {
    const funding = this.funding;
    if (!(funding.next < t1)) return this.segment(t0, t1, A, B);
    const { fa, fb } = this;
    let ts = t0;
    fa.set(A);
    while (funding.next < t1) {
      const tau = funding.next;
      if (tau > ts) {
        const c = (tau - t0) / (t1 - t0);
        for (let s = 0; s < this.state.n; s++) fb[s] = A[s] + c * (B[s] - A[s]);
        this.segment(ts, tau, fa, fb);
        fa.set(fb);
        ts = tau;
      }
      funding.settleUpTo(tau, fa);
    }
    this.segment(ts, t1, fa, B);
  }

  /** A piece with no settlement inside: liquidation checks along it, split at each stop it fires. */
  private segment(t0: number, t1: number, A: Float64Array, B: Float64Array): void {
    const st = this.state;
    const { n, account, sl, tp, totals } = st;
    const dir = st.pos.dir;
    const { segA, segB } = this;
    let u = 0;
    for (let guard = 0; guard < 4 * n + 4; guard++) {
      const c = this.firstStop(u, A, B);
      for (let s = 0; s < n; s++) segA[s] = A[s] + u * (B[s] - A[s]);
      if (c === Infinity) {
        account.checkSegment(t0 + u * (t1 - t0), t1, segA, B);
        st.marginInUse.track(totals.eventTime);
        break;
      }
      const s = this.stopSlot;
      for (let k = 0; k < n; k++) segB[k] = A[k] + c * (B[k] - A[k]);
      const tc = t0 + c * (t1 - t0);
      if (c > u) account.checkSegment(t0 + u * (t1 - t0), tc, segA, segB);
      else account.checkLiquidations(tc, segA);
      st.marginInUse.track(totals.eventTime);
      if (dir[s] !== 0) this.fireStop(s, tc, segB[s]);
      sl[s] = NaN;
      tp[s] = NaN;
      u = c;
    }
  }

  /** Close slot s at the stop's price p (time tc), worsened by the slippage. */
  private fireStop(s: number, tc: number, p: number): void {
    const st = this.state;
    const d = st.pos.dir[s];
    const isStop = d === 1 ? p <= st.sl[s] : p >= st.sl[s];
    const fill = p * (1 - d * st.slippage);
    st.totals.note({ time: tc, type: "stop", symbol: st.symbols[s], side: d === 1 ? "long" : "short", size: 0, price: p, amount: 0, walletBalance: st.account.walletBalance, detail: isStop ? "stop-loss" : "take-profit" });
    st.account.close(tc, st.symbols[s], fill);
    st.marginInUse.track(tc);
  }

  /** The earliest stop crossing in [u, 1] of the piece A→B (its slot in stopSlot), or Infinity. */
  private firstStop(u: number, A: Float64Array, B: Float64Array): number {
    const { n, sl, tp } = this.state;
    const dir = this.state.pos.dir;
    let best = Infinity;
    this.stopSlot = -1;
    for (let s = 0; s < n; s++) {
      if (dir[s] === 0) continue;
      const a = A[s];
      const b = B[s];
      const pu = a + u * (b - a);
      for (let k = 0; k < 2; k++) {
        const level = k === 0 ? sl[s] : tp[s];
        if (!(level === level)) continue;
        // stop-loss fires when price moves against the position to the level; take-profit in favour
        const down = (k === 0) === (dir[s] === 1);
        let c: number;
        if (down ? pu <= level : pu >= level) c = u;
        else if (down ? b <= level : b >= level) c = (level - a) / (b - a);
        else continue;
        if (c < best) { best = c; this.stopSlot = s; }
      }
    }
    return best;
  }
}
