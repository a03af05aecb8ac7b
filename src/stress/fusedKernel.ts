import type { FundingHold, PositionStoreView } from "../margin/index.ts";
import {
  bridgeTouches, crossAccountTouches, crossVariance, farFromBarrier, farFromBarrierBound, fundingPayment, settlementsBetween, HOURS_PER_YEAR, RandomStream, streamKey, SUBSTREAM,
  type FundingProcess, type PathModel,
} from "../paths/index.ts";
import type { StressConfig } from "./config.ts";
import { FusedMode, type StepView } from "./fusedMode.ts";
import { buildMarketModel } from "./marketModel.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { bookLegs, PathSimulator, stressVenue, type PathTrace } from "./simulate.ts";
import { fundingInsideStep, settlesAtStepEndOnly } from "./stepFunding.ts";

const MS_PER_HOUR = 3_600_000;
/** A barrier target just past the liquidation price, so the engine's strict comparison triggers (as ModeKernel). */
const PAST = 1e-12;

/**
 * The portfolio kernel: one pass per path over the steps, the market (model, log prices, funding rates)
 * and every margin mode on the same shocks in the same loop, with the state in typed arrays and plain
 * fields. Per step it does the bridge tests (bridge.ts), funding at each settlement's own time
 * (stepFunding.ts), the checks after jumps and settlements, and min-equity; liquidations, partials and
 * tier changes are the margin engine's (`Account.checkSegment` / `checkLiquidations`, fusedMode.ts).
 * Its results are the same bytes as `PathSimulator` (the reference, simulate.ts + modeKernel.ts), which
 * still runs traced sample paths. Build one per worker; a step allocates nothing.
 */
export class FusedPathSimulator implements StepView {
  readonly modes: number;
  // the step in progress, read by the modes' event code (StepView)
  t0Ms = 0;
  t1Ms = 0;
  /** log prices and prices at the step's start and end (double-buffered: swapped, not copied, each step) */
  x0: Float64Array;
  x: Float64Array;
  s0: Float64Array;
  s1: Float64Array;
  /** at the step's end before any jump: `x` and `s1` themselves unless a jump moved a price */
  xPre: Float64Array;
  sPre: Float64Array;
  readonly variance: Float64Array;
  correlation: Float64Array;
  private readonly xPreJump: Float64Array;
  private readonly sPreJump: Float64Array;
  private readonly r: Float64Array;
  private readonly rates: Float64Array;
  private jumped = false;
  private settlementsNow = 0;

  private readonly model: PathModel;
  private readonly funding: FundingProcess;
  private readonly fundingMoves: boolean;
  private readonly fundingCap: number;
  private readonly settleEvery: number;
  private readonly n: number;
  private readonly steps: number;
  private readonly stepHours: number;
  private readonly dtYears: number;
  private readonly settlements: Uint32Array;
  /** 1 when the step's only settlement falls on its end (stepFunding.ts), decided once per step */
  private readonly settlesAtEnd: Uint8Array;
  private fundingAtEnd = false;
  private readonly kernels: FusedMode[];
  private readonly marketRng = new RandomStream("0");
  private readonly fundingRng = new RandomStream("0");
  private reference: PathSimulator | null = null;

  constructor(private readonly config: StressConfig) {
    const venue = stressVenue(config);
    const built = buildMarketModel(config, venue);
    this.model = built.model;
    this.funding = built.funding;
    this.fundingMoves = built.fundingMoves;
    this.fundingCap = venue.funding.cap8h ?? Infinity;
    const symbols = this.model.symbols;
    const n = (this.n = symbols.length);
    const f = () => new Float64Array(n);
    [this.x0, this.x, this.s0, this.s1, this.xPreJump, this.sPreJump, this.r, this.variance, this.rates] = [f(), f(), f(), f(), f(), f(), f(), f(), f()];
    this.xPre = this.x;
    this.sPre = this.s1;
    this.correlation = this.model.stepCorrelation;
    const legs = bookLegs(config, symbols, this.model.initialPrices);
    this.kernels = config.modes.map((mode) => new FusedMode(mode, venue, symbols, legs, config.initialBalance));
    this.modes = this.kernels.length;
    this.steps = config.steps;
    this.stepHours = config.stepMinutes / 60;
    this.dtYears = this.stepHours / HOURS_PER_YEAR;
    this.settleEvery = this.funding.settleEveryHours;
    this.settlements = new Uint32Array(this.steps);
    this.settlesAtEnd = new Uint8Array(this.steps);
    for (let s = 0; s < this.steps; s++) {
      this.settlements[s] = settlementsBetween(s * this.stepHours, (s + 1) * this.stepHours, this.settleEvery);
      this.settlesAtEnd[s] = settlesAtStepEndOnly((s + 1) * this.stepHours * MS_PER_HOUR, this.settlements[s], this.settleEvery) ? 1 : 0;
    }
  }

  /** Path `pathIndex` under every mode into `out[at..]` (modes × PATH_FIELDS, as PathSimulator.run). */
  run(pathIndex: number, out: Float64Array, at: number, trace?: PathTrace): void {
    if (trace) {
      // traced sample paths (a handful per run) read the engine after every step: the reference kernel
      this.reference ??= new PathSimulator(this.config);
      this.reference.run(pathIndex, out, at, trace);
      return;
    }
    this.reset(pathIndex);
    const kernels = this.kernels;
    const modes = kernels.length;
    for (let s = 0; s < this.steps; s++) {
      this.marketStep(s);
      const settlements = this.settlementsNow;
      const atPoint = this.jumped || settlements > 0;
      let open = false;
      for (let m = 0; m < modes; m++) {
        const k = kernels[m];
        const st = k.store;
        if (st.open === 0) continue;
        if (k.isolated || st.open === 1) this.checkPositions(k, st);
        else this.checkCrossAccount(k);
        if (st.open > 0 && settlements > 0) this.settleFunding(k, st);
        if (st.open > 0 && atPoint) this.checkPoint(k, st);
        const e = equity(st, k.hold, this.s1);
        if (e < k.tally.minEquity) k.tally.minEquity = e;
        if (st.open > 0) open = true;
      }
      if (!open) break; // every mode is flat: nothing more can happen on this path
    }
    for (let m = 0; m < modes; m++) kernels[m].finish(this.s1, out, at + m * PATH_FIELDS);
  }

  /** Start path `pathIndex`: the streams of (seed, path), the model's initial prices, every mode's book opened. */
  private reset(pathIndex: number): void {
    const seed = this.config.seed;
    this.marketRng.reseed(streamKey(seed, pathIndex, SUBSTREAM.market));
    this.model.reset(this.marketRng);
    this.fundingRng.reseed(streamKey(seed, pathIndex, SUBSTREAM.funding));
    this.funding.reset(this.fundingRng);
    const p0 = this.model.initialPrices;
    for (let i = 0; i < this.n; i++) {
      this.s1[i] = p0[i];
      this.x[i] = Math.log(this.s1[i]);
    }
    this.jumped = false;
    const bridgeKey = streamKey(seed, pathIndex, SUBSTREAM.bridge);
    for (const k of this.kernels) {
      k.bridge.reseed(bridgeKey); // every mode sees the same bridge uniforms for the same tests
      k.begin(this.s1);
    }
  }

  /** Advance the market by step `s`: log returns, prices (one exp each, two for a jumped asset), funding rates. */
  private marketStep(s: number): void {
    const n = this.n;
    const r = this.r;
    this.model.step(this.dtYears, r, this.variance);
    this.correlation = this.model.stepCorrelation; // the Σ in force for this step: regime, or a scenario's spike
    const x0 = this.x, s0 = this.s1, x = this.x0, s1 = this.s0; // the end of the last step is this one's start
    this.x0 = x0;
    this.s0 = s0;
    this.x = x;
    this.s1 = s1;
    const lastJump = this.model.lastJump;
    let jumped = false;
    for (let i = 0; i < n; i++) {
      const xi = x0[i] + r[i];
      x[i] = xi;
      s1[i] = Math.exp(xi);
      if (lastJump[i] !== 0) jumped = true;
    }
    this.jumped = jumped;
    if (jumped) {
      const xp = this.xPreJump, sp = this.sPreJump;
      for (let i = 0; i < n; i++) {
        const j = lastJump[i];
        if (j !== 0) {
          xp[i] = x[i] - j;
          sp[i] = Math.exp(x[i] - j);
        } else {
          xp[i] = x[i];
          sp[i] = s1[i];
        }
      }
      this.xPre = xp;
      this.sPre = sp;
    } else {
      this.xPre = x;
      this.sPre = s1;
    }
    // a rate that cannot change is set once per path, at the first step
    if (this.fundingMoves || (s === 0 && this.settleEvery !== Infinity)) {
      this.funding.step(this.stepHours, r, this.rates);
      const cap = this.fundingCap;
      if (cap !== Infinity) for (let i = 0; i < n; i++) this.rates[i] = Math.max(-cap, Math.min(cap, this.rates[i]));
    }
    this.t0Ms = s * this.stepHours * MS_PER_HOUR;
    this.t1Ms = (s + 1) * this.stepHours * MS_PER_HOUR;
    this.settlementsNow = this.settlements[s];
    this.fundingAtEnd = this.settlesAtEnd[s] === 1;
  }

  /** Log-price bridge per position: isolated positions, or the lone position of a cross account. */
  private checkPositions(k: FusedMode, st: PositionStoreView): void {
    const dir = st.dir;
    for (let i = 0; i < this.n; i++) {
      const d = dir[i];
      if (d === 0) continue;
      const liq = k.triggers[i];
      const s0 = this.s0[i];
      // ln a ≥ 1 − 1/a bounds the log distances from below without a logarithm: most steps stop here
      const b0 = d > 0 ? 1 - liq / s0 : 1 - s0 / liq;
      if (b0 <= 0) {
        k.liquidateAlong(this, this.sPre); // past the trigger from the step's start: the engine fills at its open
        continue;
      }
      const sPre = this.sPre[i];
      const b1 = d > 0 ? 1 - liq / sPre : 1 - sPre / liq;
      const v = this.variance[i];
      if (farFromBarrier(b0, b1, v)) continue;
      const ll = Math.log(liq);
      const d0 = d > 0 ? this.x0[i] - ll : ll - this.x0[i];
      const d1 = d > 0 ? this.xPre[i] - ll : ll - this.xPre[i];
      if (!bridgeTouches(d0, d1, v, k.bridge)) continue;
      this.touchPosition(k, i, d, liq, d0, d1, v);
    }
  }

  /** The bridge touched position i's trigger: the engine liquidates at the touch, then walks on if the step ended past it. */
  private touchPosition(k: FusedMode, i: number, d: number, liq: number, d0: number, d1: number, v: number): void {
    const to = k.scratch;
    to.set(this.s0);
    to[i] = liq * (1 - d * PAST);
    let rest: Float64Array | null = null;
    if (d1 <= 0) {
      rest = k.rest;
      rest.set(to);
      rest[i] = this.sPre[i];
    }
    k.liquidateAt(this, to, k.touchTime(this, d0, d1, v), rest);
  }

  /** Cross account of several positions: the bridge on the log prices' distance to D = equity − maintenance = 0 (bridge.ts). */
  private checkCrossAccount(k: FusedMode): void {
    const d0 = k.excess;
    if (d0 <= 0) {
      k.liquidateAlong(this, this.sPre);
      return;
    }
    const d1 = k.crossExcess(this.sPre);
    if (d1 > 0) k.excess = d1; // the next step's start, unless a jump or funding moves it (checkPoint recomputes)
    const g = k.gradient;
    const slope = k.cross.gradSlope;
    const n = this.n;
    let bound = 0;
    for (let i = 0; i < n; i++) {
      const gi = slope[i] * this.s0[i] * Math.sqrt(this.variance[i]);
      g[i] = gi;
      bound += gi < 0 ? -gi : gi;
    }
    if (farFromBarrierBound(d0, d1, bound)) return;
    const varD = crossVariance(g, this.correlation, n);
    if (!(varD > 0)) {
      if (d1 <= 0) k.liquidateAlong(this, this.sPre);
      return;
    }
    if (!crossAccountTouches(d0, d1, varD, k.bridge, this.x0, this.xPre, k.barrier, this.variance, this.correlation, k.barrierWork)) return;
    k.liquidateAt(this, k.crossingPoint(this, d0, varD), k.touchTime(this, d0, d1, varD), d1 <= 0 ? this.sPre : null);
  }

  /** Funding due inside the step, each settlement at its own time (stepFunding.ts), accrued into the account. */
  private settleFunding(k: FusedMode, st: PositionStoreView): void {
    const rates = this.rates;
    const s1 = this.s1;
    const atEnd = this.fundingAtEnd;
    let walletMoved = false;
    for (let i = 0; i < this.n; i++) {
      const d = st.dir[i];
      if (d === 0 || rates[i] === 0) continue;
      const signedSize = d * st.size[i];
      const paid = atEnd
        ? fundingPayment(signedSize * s1[i], rates[i], this.settleEvery)
        : fundingInsideStep(this.t0Ms, this.t1Ms, this.settlementsNow, this.settleEvery, rates[i], this.x0[i], this.xPre[i], this.variance[i], s1[i], signedSize);
      k.tally.fundingPaid += paid;
      k.hold.accrue(i, paid, s1[i], this.t1Ms);
      if (!k.isolated) walletMoved = true;
    }
    if (walletMoved && st.open === 1) k.setCrossTrigger();
  }

  /** After a jump or a funding settlement: liquidate whatever is past its trigger at the step's end. */
  private checkPoint(k: FusedMode, st: PositionStoreView): void {
    let past = false;
    if (k.isolated || st.open === 1) {
      const dir = st.dir;
      const s1 = this.s1;
      for (let i = 0; i < this.n; i++) {
        const d = dir[i];
        if (d !== 0 && (d > 0 ? s1[i] < k.triggers[i] : s1[i] > k.triggers[i])) past = true;
      }
    } else {
      k.excess = k.crossExcess(this.s1);
      past = k.excess < 0;
    }
    if (past) k.liquidateAtEnd(this);
  }
}

/** wallet + isolated margins + unrealised PnL at these prices, funding held included (the engine's `equity`, in the same order of operations) */
function equity(st: PositionStoreView, hold: FundingHold, prices: Float64Array): number {
  let e = hold.wallet;
  for (let s = 0; s < st.slots; s++) {
    const d = st.dir[s];
    if (d !== 0) e += hold.margin[s] + d * st.size[s] * (prices[s] - st.entry[s]);
  }
  return e;
}
