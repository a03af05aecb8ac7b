import { type Account, type EventSink, type MarginMode, type PositionStoreView } from "../margin/index.ts";
import type { Venue } from "../venues/index.ts";
import { crossAccountTouches, sampleCrossingFraction, type CrossBarrier, type RandomStream } from "../paths/index.ts";
import { CrossPieces, mostProbableCrossing } from "./crossPieces.ts";
import { stepFunding } from "./stepFunding.ts";
import { ModeTally } from "./modeTally.ts";

/** Beyond this bridge exponent exp(−k) < 4e-18: no crossing, no uniform drawn (as in bridge.ts). */
const NEGLIGIBLE_EXPONENT = 40;
/** A barrier target just past the liquidation price, so the engine's strict comparison triggers. */
const PAST = 1e-12;

/** One static leg of the book, in the model's asset slots. */
export interface BookLeg {
  slot: number;
  dir: 1 | -1;
  /** size in units of the asset, opened at the model's initial price */
  size: number;
  leverage: number;
}

/** What one step hands to every mode (shared: the same shocks for every mode). */
export interface StepContext {
  t0Ms: number;
  t1Ms: number;
  /** log prices at the start of the step and at its end before any jump */
  x0: Float64Array;
  xPre: Float64Array;
  /** prices at the start, at the end before any jump, at the end */
  s0: Float64Array;
  sPre: Float64Array;
  s1: Float64Array;
  /** diffusive variance of each log return over the step */
  variance: Float64Array;
  /** correlation of the step's shocks, row-major n × n */
  correlation: Float64Array;
  /** a jump moved some price at the end of the step */
  jumped: boolean;
  /** funding settlements at the end of the step (0 most steps) */
  settlements: number;
  settleEveryHours: number;
  /** rate per 8h in force per asset, already capped */
  rates: Float64Array;
}

/**
 * One margin mode's account on one path: the margin engine's `Account` (float ledger) holds the money
 * and the positions and does every liquidation; this kernel reads the account's position store in
 * place, keeps only what it derives from it (linear pieces of the cross excess, the lone cross
 * position's trigger), accrues funding into the account each settlement (`accrueFunding`, posted to
 * the ledger before the engine acts) and calls the engine only on events.
 *
 * Checks between steps use the Brownian-bridge crossing probability: per position on its log price
 * (isolated, and a cross account with one position, whose liquidation price is exact), and for a
 * cross account of several positions on the distance of the log prices to the surface
 * D = equity − maintenance = 0 (bridge.ts `crossAccountCrossingProbability`; the flat bridge on D,
 * σ_D² = gᵀΣg, only decides which steps are near enough to test).
 */
export class ModeKernel {
  readonly isolated: boolean;
  private readonly n: number;
  private readonly scratch: Float64Array;
  private readonly rest: Float64Array;
  private readonly gradient: Float64Array;
  /** D's surface in log prices for the curved cross test (bridge.ts), and its 2n floats of work */
  private readonly barrier: CrossBarrier;
  private readonly barrierWork: Float64Array;
  private account!: Account;
  private store!: PositionStoreView;
  /** trigger price of each position for the per-position checks: the store's isolated liquidation prices, or `cross.trigger` */
  private triggers!: ArrayLike<number>;
  /** derived from the store at version `derivedAt` (cross only): linear pieces, gradient terms, the lone position's trigger */
  private readonly cross: CrossPieces;
  private derivedAt = -1;
  /** cross D at the end of the last step (multi-position cross only) */
  private excess = Infinity;
  /** the account's opening and this path's tallies (funding, lowest equity, liquidations) */
  private readonly tally: ModeTally;

  constructor(
    readonly mode: MarginMode,
    venue: Venue,
    symbols: readonly string[],
    legs: readonly BookLeg[],
    initialBalance: number,
    private readonly bridge: RandomStream,
    /** every engine event of the path as it happens (tests, debugging); none in the hot path */
    engineEvents?: EventSink,
  ) {
    this.isolated = mode === "isolated";
    this.tally = new ModeTally(mode, venue, symbols, legs, initialBalance, engineEvents);
    const n = (this.n = symbols.length);
    this.scratch = new Float64Array(n);
    this.rest = new Float64Array(n);
    this.gradient = new Float64Array(n);
    this.cross = new CrossPieces(n);
    this.barrier = { slope: this.cross.gradSlope, excess: (prices) => this.crossExcess(prices) };
    this.barrierWork = new Float64Array(2 * n);
  }

  get hasPositions(): boolean {
    return this.store.open > 0;
  }

  /** liquidation actions so far on this path (a trace marks the step where it grows) */
  get liquidations(): number {
    return this.tally.liquidationEvents;
  }

  /** Start a path: a fresh account with the book opened at `prices` (time 0). */
  begin(prices: Float64Array): void {
    const account = this.tally.open(prices);
    this.account = account;
    this.store = account.store;
    this.triggers = this.isolated ? this.store.liq : this.cross.trigger;
    this.cross.reset();
    this.derive();
    if (!this.isolated) this.excess = this.store.open > 0 ? this.crossExcess(prices) : Infinity;
  }

  /** Check liquidations over one step, settle funding due at its end, track equity. */
  step(c: StepContext): void {
    const st = this.store;
    if (st.open === 0) return;
    if (this.isolated || st.open === 1) this.checkPositions(c);
    else this.checkCrossAccount(c);
    if (st.open > 0 && c.settlements > 0) this.settleFunding(c);
    if (st.open > 0 && (c.jumped || c.settlements > 0)) this.checkPoint(c);
    const e = this.equity(c.s1);
    if (e < this.tally.minEquity) this.tally.minEquity = e;
  }

  get engine(): Account { return this.account; } // traced sample paths read liquidation prices from it (legs.ts)

  /** Write this path's result for this mode at `out[at..]`, `prices` being the last prices. */
  finish(prices: Float64Array, out: Float64Array, at: number): void {
    this.tally.write(this.account, prices, out, at);
  }

  /** Equity at these prices (wallet + isolated margins + unrealised PnL, funding accrued included). */
  equity(prices: Float64Array): number {
    return this.account.equity(prices);
  }

  // ---------------------------------------------------------------- checks

  /** Log-price bridge per position: isolated positions, or the lone position of a cross account. */
  private checkPositions(c: StepContext): void {
    const dir = this.store.dir;
    for (let i = 0; i < this.n; i++) {
      const d = dir[i];
      if (d === 0) continue;
      const liq = this.triggers[i];
      // ln a ≥ 1 − 1/a bounds the log distances from below without a logarithm: most steps stop here
      const b0 = d > 0 ? 1 - liq / c.s0[i] : 1 - c.s0[i] / liq;
      if (b0 <= 0) {
        this.liquidateAlong(c, c.sPre); // past the trigger from the step's start: the engine fills at its open
        continue;
      }
      const b1 = d > 0 ? 1 - liq / c.sPre[i] : 1 - c.sPre[i] / liq;
      const v = c.variance[i];
      if (b1 > 0 && 2 * b0 * b1 > NEGLIGIBLE_EXPONENT * v) continue;
      const ll = Math.log(liq);
      const d0 = d > 0 ? c.x0[i] - ll : ll - c.x0[i];
      const d1 = d > 0 ? c.xPre[i] - ll : ll - c.xPre[i];
      if (d1 > 0) {
        const k = 2 * d0 * d1;
        if (k > NEGLIGIBLE_EXPONENT * v || this.bridge.next() >= Math.exp(-k / v)) continue;
      }
      const to = this.scratch;
      to.set(c.s0);
      to[i] = liq * (1 - d * PAST);
      let rest: Float64Array | null = null;
      if (d1 <= 0) {
        rest = this.rest; // ended past the trigger: the engine walks on from the touch to the step's end
        rest.set(to);
        rest[i] = c.sPre[i];
      }
      this.liquidateAt(c, to, this.touchTime(c, d0, d1, v), rest);
    }
  }

  /** Cross account of several positions: the bridge on the log prices' distance to D = equity − maintenance = 0. */
  private checkCrossAccount(c: StepContext): void {
    const d0 = this.excess;
    if (d0 <= 0) {
      this.liquidateAlong(c, c.sPre);
      return;
    }
    const d1 = this.crossExcess(c.sPre);
    if (d1 > 0) this.excess = d1; // the next step's start, unless a jump or funding moves it (checkPoint recomputes)
    const g = this.gradient;
    const n = this.n;
    let bound = 0;
    for (let i = 0; i < n; i++) {
      const gi = this.cross.gradSlope[i] * c.s0[i] * Math.sqrt(c.variance[i]);
      g[i] = gi;
      bound += gi < 0 ? -gi : gi;
    }
    const k = 2 * d0 * d1;
    if (d1 > 0 && k > NEGLIGIBLE_EXPONENT * bound * bound) return; // gᵀΣg ≤ (Σ|g_i|)² for any correlation
    let varD = 0;
    const r = c.correlation;
    for (let i = 0; i < n; i++) {
      if (g[i] === 0) continue;
      let row = 0;
      for (let j = 0; j < n; j++) row += r[i * n + j] * g[j];
      varD += g[i] * row;
    }
    if (!(varD > 0)) {
      if (d1 <= 0) this.liquidateAlong(c, c.sPre);
      return;
    }
    // the flat bridge on D gates the test (its uniform drawn as always); the probability is the curved surface's
    if (!crossAccountTouches(d0, d1, varD, this.bridge, c.x0, c.xPre, this.barrier, c.variance, c.correlation, this.barrierWork)) return;
    this.liquidateAt(c, mostProbableCrossing(c, this.gradient, d0, varD, this.account, this.scratch), this.touchTime(c, d0, d1, varD), d1 <= 0 ? c.sPre : null);
  }

  /** The first-passage time inside the step, drawn from its exact law given the ends (bridge.ts), on the mode's bridge stream. */
  private touchTime(c: StepContext, d0: number, d1: number, variance: number): number {
    return c.t0Ms + sampleCrossingFraction(d0, d1, variance, this.bridge) * (c.t1Ms - c.t0Ms);
  }

  /** After a jump or a funding settlement: liquidate whatever is past its trigger at the step's end. */
  private checkPoint(c: StepContext): void {
    let past = false;
    if (this.isolated || this.store.open === 1) {
      const dir = this.store.dir;
      for (let i = 0; i < this.n; i++) {
        const d = dir[i];
        if (d !== 0 && (d > 0 ? c.s1[i] < this.triggers[i] : c.s1[i] > this.triggers[i])) past = true;
      }
    } else {
      this.excess = this.crossExcess(c.s1);
      past = this.excess < 0;
    }
    if (!past) return;
    this.account.checkLiquidations(c.t1Ms, c.s1);
    this.afterEvent(c, c.s1);
  }

  /** Let the engine walk the straight segment from the step's start to `to` and liquidate on it. */
  private liquidateAlong(c: StepContext, to: Float64Array): void {
    this.account.checkSegment(c.t0Ms, c.t1Ms, c.s0, to);
    this.afterEvent(c, to);
  }

  /**
   * Liquidate at a touch the bridge found: the engine walks from the step's start to `touch` (just past
   * the trigger), reached at `touchMs`, so the liquidation is stamped at the sampled first passage; then,
   * when the step ended past the trigger, on from there to `rest` by the step's end (a partial
   * liquidation's remainder can be liquidated again on the way).
   */
  private liquidateAt(c: StepContext, touch: Float64Array, touchMs: number, rest: Float64Array | null): void {
    this.account.checkSegment(c.t0Ms, touchMs, c.s0, touch);
    if (rest) this.account.checkSegment(touchMs, c.t1Ms, touch, rest);
    this.afterEvent(c, touch); // the equity right after the liquidation; the step end is tracked by step()
  }

  private afterEvent(c: StepContext, prices: Float64Array): void {
    if (this.store.version !== this.derivedAt) this.derive();
    if (!this.isolated && this.store.open > 1) this.excess = this.crossExcess(c.s1);
    const e = this.account.equity(prices);
    if (e < this.tally.minEquity) this.tally.minEquity = e;
  }

  // ---------------------------------------------------------------- funding

  /** Funding due inside the step, each settlement at its own time (stepFunding.ts); isolated from the margin (its liquidation price creeps). */
  private settleFunding(c: StepContext): void {
    const st = this.store;
    let walletMoved = false;
    for (let i = 0; i < this.n; i++) {
      const d = st.dir[i];
      if (d === 0 || c.rates[i] === 0) continue;
      const paid = stepFunding(c, i, d * st.size[i]);
      this.tally.fundingPaid += paid;
      this.account.accrueFunding(i, paid, c.s1[i], c.t1Ms);
      if (!this.isolated) walletMoved = true;
    }
    if (walletMoved && st.open === 1) this.cross.setTrigger(st);
  }

  // ---------------------------------------------------------------- derived from the store

  /** Recompute what the checks derive from the positions (after the engine changed them). */
  private derive(): void {
    this.derivedAt = this.store.version;
    if (!this.isolated) this.cross.derive(this.store);
  }

  /** cross account value minus maintenance at these prices, funding accrued included */
  private crossExcess(prices: Float64Array): number {
    return this.cross.excess(this.store.wallet, this.account, prices);
  }
}
