/*
 * Longer than the house limits because one margin mode's step is one class on purpose: its per-step checks,
 * funding tail and min-equity read the same row layout (the M columns) and private state as its rare-event
 * code, so V8 inlines them into `step` with the fields in registers; spread across modules they would pass
 * that state through arguments on every step of every path.
 */
import { FundingHold, Hold, type Account, type MarginMode, type PositionStoreView } from "../margin/index.ts";
import type { Venue } from "../venues/index.ts";
import {
  bridgeTouches, crossAccountTouches, crossVariance, farFromBarrier, farFromBarrierBound, fundingPayment, sampleCrossingFraction, RandomStream,
  type CrossBarrier,
} from "../paths/index.ts";
import { CrossPieces, mostProbableCrossing } from "./crossPieces.ts";
import type { BookLeg } from "./modeKernel.ts";
import { ModeTally } from "./modeTally.ts";
import { fundingInsideStep } from "./stepFunding.ts";

/** A barrier target just past the liquidation price, so the engine's strict comparison triggers (as ModeKernel). */
const PAST = 1e-12;

/**
 * Columns of the market's row per asset (`FusedStep.market`, 2^`M.Shift` floats a row): the step's start,
 * pre-jump end and end prices, its diffusive variance, the capped funding rate, the log prices at the
 * start, pre-jump end and end. Const enums (here and `K`), so a bundle reads the columns as literals in
 * the per-step loops.
 */
export const enum M {
  S0 = 0,
  SPre = 1,
  S1 = 2,
  V = 3,
  Rate = 4,
  X0 = 5,
  XPre = 6,
  X = 7,
  /** a row is 2^Shift floats: asset i's column at `(i << M.Shift) | column` */
  Shift = 3,
}

/**
 * The mode's own columns in its funding hold's row per slot, after the hold's (`Hold`), from the store
 * at version `derivedAt`: direction (0 flat), direction × size, entry price, the lone cross position's
 * trigger, the cross gradient and excess slopes (crossPieces.ts).
 */
export const enum K {
  Dir = 7, // Hold.Columns, checked below
  Q = 8,
  Entry = 9,
  Trig = 10,
  GradSlope = 11,
  Slope = 12,
  End = 13, // within the hold's power-of-two row
}
if ((K.Dir as number) !== (Hold.Columns as number)) throw new Error("fusedMode: the mode's columns must start where the hold's end");

/** The step's figures as arrays by asset, for the event code and the engine. */
export interface StepArrays {
  readonly x0: Float64Array;
  readonly xPre: Float64Array;
  readonly s0: Float64Array;
  readonly sPre: Float64Array;
  readonly s1: Float64Array;
  readonly variance: Float64Array;
}

/** The step in progress as the fused kernel's market holds it (fusedKernel.ts), read by every mode. */
export interface FusedStep {
  readonly t0Ms: number;
  readonly t1Ms: number;
  /** the step's figures a row per asset (`M` columns), as the per-step code reads them */
  readonly market: Float64Array;
  /** correlation of the step's shocks, row-major n × n */
  readonly correlation: Float64Array;
  /** settlements due in the step, every `settleEvery` hours; `fundingAtEnd` 1 when the only one falls on its end */
  readonly settlements: number;
  readonly settleEvery: number;
  readonly fundingAtEnd: number;
  /** 1 after a jump or a settlement: the step's end is checked as a point */
  readonly atPoint: number;
  /** the same figures as arrays by asset (filled when first asked for in the step: events only) */
  arrays(): StepArrays;
}

/**
 * One margin mode's state on one path, for the fused kernel (fusedKernel.ts): the funding held between
 * the engine's calls (`FundingHold`: the wallet, isolated margins and triggers move there each settlement
 * and go back to the account before the engine acts), with the mode's own figures per slot in the same
 * rows (`K` columns: direction, signed size, entry, the cross pieces, copied from the account's store when
 * the engine changes it), so a step reads one row per slot and one market row per asset; and the code
 * that runs on events only (the engine's liquidations). Mirrors `ModeKernel` (modeKernel.ts, the
 * reference) operation for operation, so the results are the same bytes.
 */
export class FusedMode {
  readonly isolated: boolean;
  readonly n: number;
  /** the mode's bridge uniforms (every mode of a path reseeds it with the same key) */
  readonly bridge = new RandomStream("0");
  account!: Account;
  store!: PositionStoreView;
  readonly hold: FundingHold;
  /** the hold's rows (`Hold` then `K` columns), slot i at `i << shift` (read and written by the compiled path, compiledPath.ts) */
  readonly rows: Float64Array;
  private readonly shift: number;
  /** the column of the per-position checks' trigger: the held isolated price, or the lone cross position's */
  private readonly trigger: number;
  /** derived from the store (cross only): linear pieces, gradient terms, the lone position's trigger */
  readonly cross: CrossPieces;
  private readonly gradient: Float64Array;
  /** D's surface in log prices for the curved cross test (bridge.ts), and its 2n floats of work */
  private readonly barrier: CrossBarrier;
  private readonly barrierWork: Float64Array;
  private readonly scratch: Float64Array;
  private readonly rest: Float64Array;
  private derivedAt = -1;
  /** cross D at the end of the last step (multi-position cross; the compiled path keeps it while it runs the quiet steps) */
  excess = Infinity;
  /** the account's opening and this path's tallies (funding, lowest equity, liquidations) */
  readonly tally: ModeTally;

  constructor(readonly mode: MarginMode, venue: Venue, symbols: readonly string[], legs: readonly BookLeg[], initialBalance: number) {
    this.isolated = mode === "isolated";
    this.tally = new ModeTally(mode, venue, symbols, legs, initialBalance);
    const n = (this.n = symbols.length);
    const f = () => new Float64Array(n);
    this.cross = new CrossPieces(n);
    this.hold = new FundingHold(n, K.End - K.Dir);
    this.rows = this.hold.data;
    this.shift = this.hold.shift;
    this.trigger = this.isolated ? Hold.Liq : K.Trig;
    [this.gradient, this.scratch, this.rest] = [f(), f(), f()];
    this.barrier = { slope: this.cross.gradSlope, excess: (prices) => this.crossExcess(prices) };
    this.barrierWork = new Float64Array(2 * n);
  }

  /** Start a path: a fresh account with the book opened at `prices` (time 0). */
  begin(prices: Float64Array): void {
    const account = this.tally.open(prices);
    this.account = account;
    this.store = account.store;
    account.holdFunding(this.hold);
    this.cross.reset();
    this.derive();
    if (!this.isolated) this.excess = this.store.open > 0 ? this.crossExcess(prices) : Infinity;
  }

  /** Write this path's result for this mode at `out[at..]`, `prices` being the last prices. */
  finish(prices: Float64Array, out: Float64Array, at: number): void {
    this.account.releaseFunding(this.hold);
    this.tally.write(this.account, prices, out, at);
  }

  /**
   * One step: the bridge checks, the funding due, the step's end as a point after a jump or a settlement,
   * the lowest equity (ModeKernel.step). Returns the positions left open.
   */
  step(c: FusedStep): number {
    const st = this.store;
    if (st.open === 0) return 0;
    if (this.isolated || st.open === 1) this.checkPositions(c);
    else this.checkCrossAccount(c);
    if (st.open === 0) this.trackEquity(c);
    else if (this.isolated) this.isolatedTail(c);
    else if (st.open > 1 && this.cross.linear) this.crossTail(c);
    else {
      if (c.settlements > 0) this.settleFunding(c);
      if (c.atPoint !== 0) this.checkPoint(c);
      this.trackEquity(c);
    }
    return st.open;
  }

  // ---------------------------------------------------------------- the checks of every step

  /** Log-price bridge per position: isolated positions, or the lone position of a cross account. */
  private checkPositions(c: FusedStep): void {
    const n = this.n, rows = this.rows, shift = this.shift, trigger = this.trigger, mk = c.market;
    for (let i = 0; i < n; i++) {
      const r = i << shift, m = i << M.Shift;
      const d = rows[r | K.Dir];
      if (d === 0) continue;
      const liq = rows[r | trigger];
      // ln a ≥ 1 − 1/a bounds the log distances from below without a logarithm: most steps stop here
      const a = mk[m | M.S0];
      const b0 = d > 0 ? 1 - liq / a : 1 - a / liq;
      if (b0 <= 0) {
        this.liquidateAlong(c, c.arrays().sPre); // past the trigger from the step's start: the engine fills at its open
        continue;
      }
      const p = mk[m | M.SPre];
      if (farFromBarrier(b0, d > 0 ? 1 - liq / p : 1 - p / liq, mk[m | M.V])) continue;
      this.nearTrigger(c, i, d, liq);
    }
  }

  /** Position i's step ends near its trigger: the bridge on the log distances, and the engine at a touch. */
  private nearTrigger(c: FusedStep, i: number, d: number, liq: number): void {
    const m = i << M.Shift, mk = c.market;
    const ll = Math.log(liq);
    const d0 = d > 0 ? mk[m | M.X0] - ll : ll - mk[m | M.X0];
    const d1 = d > 0 ? mk[m | M.XPre] - ll : ll - mk[m | M.XPre];
    const v = mk[m | M.V];
    if (!bridgeTouches(d0, d1, v, this.bridge)) return;
    // the engine liquidates at the touch, then walks on if the step ended past it
    const a = c.arrays();
    const to = this.scratch;
    to.set(a.s0);
    to[i] = liq * (1 - d * PAST);
    let rest: Float64Array | null = null;
    if (d1 <= 0) {
      rest = this.rest;
      rest.set(to);
      rest[i] = a.sPre[i];
    }
    this.liquidateAt(c, to, this.touchTime(c, d0, d1, v), rest);
  }

  /**
   * Cross account of several positions: the bridge on the log prices' distance to D = equity − maintenance = 0
   * (bridge.ts): D at the step's end (`crossExcess`, on the linear pieces when the rules are) and the bound
   * on its step's spread in one pass.
   */
  private checkCrossAccount(c: FusedStep): void {
    const d0 = this.excess;
    if (d0 <= 0) {
      this.liquidateAlong(c, c.arrays().sPre);
      return;
    }
    const n = this.n, rows = this.rows, shift = this.shift, mk = c.market, cross = this.cross;
    let d1 = this.hold.wallet + cross.constant;
    let bound = 0;
    for (let i = 0; i < n; i++) {
      const r = i << shift, m = i << M.Shift;
      d1 += rows[r | K.Slope] * mk[m | M.SPre];
      const gi = rows[r | K.GradSlope] * mk[m | M.S0] * Math.sqrt(mk[m | M.V]);
      bound += gi < 0 ? -gi : gi;
    }
    if (!cross.linear) d1 = this.account.crossExcess(c.arrays().sPre, this.hold.wallet);
    if (d1 > 0) this.excess = d1; // the next step's start, unless a jump or funding moves it (checkPoint recomputes)
    if (!farFromBarrierBound(d0, d1, bound)) this.nearCrossBarrier(c, d0, d1);
  }

  /** The cross account's step ends near D = 0: σ_D² = gᵀΣg, the curved test, and the engine at a touch. */
  private nearCrossBarrier(c: FusedStep, d0: number, d1: number): void {
    const a = c.arrays();
    const g = this.gradient, slope = this.cross.gradSlope;
    for (let i = 0; i < this.n; i++) g[i] = slope[i] * a.s0[i] * Math.sqrt(a.variance[i]); // as the check's bound had them
    const varD = crossVariance(g, c.correlation, this.n);
    if (!(varD > 0)) {
      if (d1 <= 0) this.liquidateAlong(c, a.sPre);
      return;
    }
    if (!crossAccountTouches(d0, d1, varD, this.bridge, a.x0, a.xPre, this.barrier, a.variance, c.correlation, this.barrierWork)) return;
    this.liquidateAt(c, this.crossingPoint(c, d0, varD), this.touchTime(c, d0, d1, varD), d1 <= 0 ? a.sPre : null);
  }

  // ---------------------------------------------------------------- funding, the step's end, equity

  /**
   * Every position isolated: each slot's funding moves only its own margin and trigger, so the funding,
   * the end-point check and the equity go in one pass (the same floats as settleFunding, checkPoint and
   * trackEquity one after the other).
   */
  private isolatedTail(c: FusedStep): void {
    const n = this.n, rows = this.rows, shift = this.shift, mk = c.market, hold = this.hold;
    const funding = c.settlements > 0, atEnd = c.fundingAtEnd !== 0, atPoint = c.atPoint !== 0, every = c.settleEvery, t1 = c.t1Ms;
    const tally = this.tally;
    let paidSum = tally.fundingPaid;
    let e = hold.wallet;
    let past = false;
    for (let i = 0; i < n; i++) {
      const r = i << shift, m = i << M.Shift;
      const d = rows[r | K.Dir];
      if (d === 0) continue;
      const q = rows[r | K.Q];
      const p1 = mk[m | M.S1];
      const rate = mk[m | M.Rate];
      if (funding && rate !== 0) {
        const paid = atEnd ? fundingPayment(q * p1, rate, every) : this.paidInside(c, m, rate, q);
        paidSum += paid;
        hold.accrue(i, paid, p1, t1);
      }
      if (atPoint && (d > 0 ? p1 < rows[r | Hold.Liq] : p1 > rows[r | Hold.Liq])) past = true;
      e += rows[r | Hold.Margin] + q * (p1 - rows[r | K.Entry]);
    }
    tally.fundingPaid = paidSum;
    if (past) {
      this.liquidateAtEnd(c);
      this.trackEquity(c);
    } else if (e < tally.minEquity) tally.minEquity = e;
  }

  /** Cross account of several positions on linear rules: the funding, then D and the equity at the step's end in one pass. */
  private crossTail(c: FusedStep): void {
    if (c.settlements > 0) this.settleFunding(c);
    if (c.atPoint === 0) {
      this.trackEquity(c);
      return;
    }
    const n = this.n, rows = this.rows, shift = this.shift, mk = c.market, wallet = this.hold.wallet;
    let g = wallet + this.cross.constant;
    let e = wallet;
    for (let i = 0; i < n; i++) {
      const r = i << shift, m = i << M.Shift;
      const p1 = mk[m | M.S1];
      g += rows[r | K.Slope] * p1;
      if (rows[r | K.Dir] !== 0) e += rows[r | Hold.Margin] + rows[r | K.Q] * (p1 - rows[r | K.Entry]);
    }
    this.excess = g;
    if (g < 0) {
      this.liquidateAtEnd(c);
      this.trackEquity(c);
    } else if (e < this.tally.minEquity) this.tally.minEquity = e;
  }

  /** Funding due inside the step, each settlement at its own time (stepFunding.ts), accrued on the hold. */
  private settleFunding(c: FusedStep): void {
    const n = this.n, rows = this.rows, shift = this.shift, mk = c.market, hold = this.hold, t1 = c.t1Ms, every = c.settleEvery;
    const atEnd = c.fundingAtEnd !== 0;
    let paidSum = this.tally.fundingPaid;
    let accrued = false;
    for (let i = 0; i < n; i++) {
      const r = i << shift, m = i << M.Shift;
      const rate = mk[m | M.Rate];
      if (rows[r | K.Dir] === 0 || rate === 0) continue;
      const q = rows[r | K.Q];
      const p1 = mk[m | M.S1];
      const paid = atEnd ? fundingPayment(q * p1, rate, every) : this.paidInside(c, m, rate, q);
      paidSum += paid;
      hold.accrue(i, paid, p1, t1);
      accrued = true;
    }
    this.tally.fundingPaid = paidSum;
    if (accrued && !this.isolated && this.store.open === 1) this.setLoneTrigger(); // the wallet moved
  }

  /** The funding of signed size `q` over the settlements inside the step (stepFunding.ts), for the asset of market row `m`. */
  private paidInside(c: FusedStep, m: number, rate: number, q: number): number {
    const mk = c.market;
    return fundingInsideStep(c.t0Ms, c.t1Ms, c.settlements, c.settleEvery, rate, mk[m | M.X0], mk[m | M.XPre], mk[m | M.V], mk[m | M.S1], q);
  }

  /** After a jump or a funding settlement: liquidate whatever is past its trigger at the step's end. */
  private checkPoint(c: FusedStep): void {
    let past = false;
    if (this.isolated || this.store.open === 1) {
      const n = this.n, rows = this.rows, shift = this.shift, trigger = this.trigger, mk = c.market;
      for (let i = 0; i < n; i++) {
      const r = i << shift, m = i << M.Shift;
        const d = rows[r | K.Dir];
        const p1 = mk[m | M.S1];
        if (d !== 0 && (d > 0 ? p1 < rows[r | trigger] : p1 > rows[r | trigger])) past = true;
      }
    } else {
      this.excess = this.crossExcess(c.arrays().s1);
      past = this.excess < 0;
    }
    if (past) this.liquidateAtEnd(c);
  }

  /** the lowest equity so far: wallet + isolated margins + unrealised PnL, funding held included (the engine's `equity`, same order of operations) */
  private trackEquity(c: FusedStep): void {
    const n = this.n, rows = this.rows, shift = this.shift, mk = c.market;
    let e = this.hold.wallet;
    for (let i = 0; i < n; i++) {
      const r = i << shift, m = i << M.Shift;
      if (rows[r | K.Dir] !== 0) e += rows[r | Hold.Margin] + rows[r | K.Q] * (mk[m | M.S1] - rows[r | K.Entry]);
    }
    if (e < this.tally.minEquity) this.tally.minEquity = e;
  }

  // ---------------------------------------------------------------- events (rare): the engine acts

  /** Let the engine walk the straight segment from the step's start to `to` and liquidate on it. */
  private liquidateAlong(c: FusedStep, to: Float64Array): void {
    this.account.releaseFunding(this.hold);
    this.account.checkSegment(c.t0Ms, c.t1Ms, c.arrays().s0, to);
    this.afterEvent(c, to);
  }

  /** The engine walks to the touch the bridge found (stamped at the sampled first passage), then on to `rest` when the step ended past it. */
  private liquidateAt(c: FusedStep, touch: Float64Array, touchMs: number, rest: Float64Array | null): void {
    this.account.releaseFunding(this.hold);
    this.account.checkSegment(c.t0Ms, touchMs, c.arrays().s0, touch);
    if (rest) this.account.checkSegment(touchMs, c.t1Ms, touch, rest);
    this.afterEvent(c, touch);
  }

  /** After a jump or a funding settlement moved something past its trigger at the step's end. */
  private liquidateAtEnd(c: FusedStep): void {
    const s1 = c.arrays().s1;
    this.account.releaseFunding(this.hold);
    this.account.checkLiquidations(c.t1Ms, s1);
    this.afterEvent(c, s1);
  }

  /** The first-passage time inside the step, from its exact law given the ends (bridge.ts), on this mode's bridge stream. */
  private touchTime(c: FusedStep, d0: number, d1: number, variance: number): number {
    return c.t0Ms + sampleCrossingFraction(d0, d1, variance, this.bridge) * (c.t1Ms - c.t0Ms);
  }

  /** Where the account most likely touched D = 0 from the step's start (crossPieces.ts), on the posted wallet; uses `gradient` as the check left it. */
  private crossingPoint(c: FusedStep, d0: number, varD: number): Float64Array {
    this.account.releaseFunding(this.hold); // the posted wallet is the account's to know
    const a = c.arrays();
    return mostProbableCrossing({ s0: a.s0, variance: a.variance, correlation: c.correlation }, this.gradient, d0, varD, this.account, this.scratch);
  }

  /** After the engine acted: the hold taken again, the derived pieces, the equity right after. */
  private afterEvent(c: FusedStep, prices: Float64Array): void {
    this.account.holdFunding(this.hold);
    if (this.store.version !== this.derivedAt) this.derive();
    if (!this.isolated && this.store.open > 1) this.excess = this.crossExcess(c.arrays().s1);
    const e = this.account.equity(prices);
    if (e < this.tally.minEquity) this.tally.minEquity = e;
  }

  // ---------------------------------------------------------------- derived from the store

  /** Recompute what the checks read of the positions (after the engine changed them). */
  private derive(): void {
    const st = this.store, rows = this.rows, shift = this.shift;
    this.derivedAt = st.version;
    for (let i = 0; i < this.n; i++) {
      const r = i << shift;
      const d = st.dir[i];
      rows[r | K.Dir] = d;
      rows[r | K.Q] = d * st.size[i];
      rows[r | K.Entry] = st.entry[i];
    }
    if (this.isolated) return;
    const cross = this.cross;
    cross.derive(st);
    for (let i = 0; i < this.n; i++) {
      const r = i << shift;
      rows[r | K.GradSlope] = cross.gradSlope[i];
      rows[r | K.Slope] = cross.slope[i];
      rows[r | K.Trig] = cross.trigger[i];
    }
  }

  /** the lone cross position's trigger against the held wallet (after funding moved it) */
  private setLoneTrigger(): void {
    this.cross.setTrigger(this.store, this.hold.wallet);
    for (let i = 0; i < this.n; i++) this.rows[(i << this.shift) | K.Trig] = this.cross.trigger[i];
  }

  /** cross account value minus maintenance at these prices, funding held included */
  private crossExcess(prices: Float64Array): number {
    return this.cross.excess(this.hold.wallet, this.account, prices);
  }
}
