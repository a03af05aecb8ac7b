import {
  settlementsBetween, HOURS_PER_YEAR, RandomStream, streamKey, SUBSTREAM, type FundingProcess, type PathModel,
} from "../paths/index.ts";
import type { StressConfig } from "./config.ts";
import { compilePath, MAX_COMPILED_ASSETS, MAX_COMPILED_MODES, type CompiledPath, type UniformSettlement } from "./compiledPath.ts";
import { modeStateSize, MarketCell, type CompiledPathHost } from "./compiledPathState.ts";
import { FusedMode, M, type StepArrays } from "./fusedMode.ts";
import { buildMarketModel } from "./marketModel.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { FusedTrace } from "./fusedTrace.ts";
import { marketAhead, type MarketAhead } from "./lanes/laneMarketAhead.ts";
import { bookLegs, stressVenue, type PathTrace } from "./simulate.ts";
import { settlesAtStepEndOnly } from "./stepFunding.ts";

const MS_PER_HOUR = 3_600_000;

/**
 * The settlements of every step when the schedule is the same at each (no funding, or a whole number of
 * settlements a step): decided by the step length and the interval alone, so a warm-up's shorter copy of
 * the book (loopWarmUp.ts) gets the same loop, and checked against the per-step tables it stands for.
 */
export function uniformSettlement(stepHours: number, every: number, settlementsAt: Uint32Array, settlesAtEnd: Uint8Array): UniformSettlement | null {
  const perStep = every === Infinity ? 0 : stepHours / every;
  if (!Number.isInteger(perStep) || settlementsAt.length === 0) return null;
  const count = settlementsAt[0], atEnd = settlesAtEnd[0];
  if (count !== perStep) return null;
  for (let s = 1; s < settlementsAt.length; s++) if (settlementsAt[s] !== count || settlesAtEnd[s] !== atEnd) return null;
  return { count, atEnd: atEnd !== 0 };
}

/**
 * The portfolio kernel: one pass per path over the steps, the market (model, log prices, funding rates)
 * and every margin mode on the same shocks in the same loop, with the state in typed arrays and plain
 * fields: the market a row of floats per asset (fusedMode.ts `M`), each mode a row per slot. Per step each
 * mode (fusedMode.ts) does the bridge tests (bridge.ts), funding at each
 * settlement's own time (stepFunding.ts) on its funding hold, the checks after jumps and settlements, and
 * min-equity; liquidations, partials and tier changes are the margin engine's (`Account.checkSegment` /
 * `checkLiquidations`). The loop runs compiled for the book's shape (compiledPath.ts: the quiet steps on
 * locals), with this class as its host for every other step; books of many assets run the generic loop
 * below. Its results are the same bytes as `PathSimulator` (the reference, simulate.ts + modeKernel.ts),
 * traced sample paths' rows too (fusedTrace.ts). Build one per worker; a step allocates nothing.
 */
export class FusedPathSimulator implements CompiledPathHost {
  readonly modes: number;
  // the step in progress, read by the modes (FusedStep); set before every read. Not 0 at first: a field V8
  // first sees holding a small integer is laid out as one, and re-laid out (a new hidden class) when a path
  // passes 2^31 ms (step 596 of one-hour steps); a loop compiled on the warm-up's shorter paths
  // (loopWarmUp.ts) then deoptimised on the run's first long one, its host of the old class
  t0Ms = Number.NaN;
  t1Ms = Number.NaN;
  /** a row per asset (fusedMode.ts `M` columns): prices, log prices, variance and rate of the step in progress */
  readonly market: Float64Array;
  correlation: Float64Array;
  settlements = 0;
  fundingAtEnd = 0;
  atPoint = 0;
  readonly settleEvery: number;
  /** the step's figures as arrays, filled from `market` when an event asks (`arrays`), and the step they hold */
  private readonly views: StepArrays;
  private viewsStep = -1;
  stepSerial = 0;
  /** the model's log returns and variances of the step */
  readonly r: Float64Array;
  readonly variance: Float64Array;
  private readonly rates: Float64Array;

  readonly model: PathModel;
  private readonly funding: FundingProcess;
  private readonly fundingMoves: boolean;
  private readonly fundingCap: number;
  private readonly n: number;
  readonly steps: number;
  readonly stepHours: number;
  private readonly dtYears: number;
  /** per step: settlements due in it, and 1 when its only settlement falls on its end (stepFunding.ts) */
  readonly settlementsAt: Uint32Array;
  readonly settlesAtEnd: Uint8Array;
  readonly kernels: FusedMode[];
  /** the path loop compiled for this book's shape (compiledPath.ts), or null: the generic loop below */
  private readonly compiled: CompiledPath | null;
  /** what the compiled loop hands across when the host acts (compiledPathState.ts): each mode's figures, the step's market */
  readonly modeState: Float64Array[];
  readonly marketState: Float64Array;
  readonly marketRng = new RandomStream("0");
  private readonly fundingRng = new RandomStream("0");
  /** the trace of the path in progress when it is traced (sample paths), else null */
  tracer: FusedTrace | null = null;
  /** the market of two paths drawn ahead on WebAssembly's lanes (lanes/laneMarketAhead.ts) for a plain model, else null */
  private readonly ahead: MarketAhead | null;
  /** the paths whose markets `ahead` holds, lane 0 and 1 */
  private aheadPaths = [-1, -1];
  private readonly pairRng = new RandomStream("0");
  /** each asset's log price at a path's start, and where the lanes' last fill started both paths */
  private readonly startX: Float64Array;
  private readonly filledX: Float64Array;
  aheadFigures: Float64Array = new Float64Array(0);
  aheadLane = 0;
  /** the steps a call of the compiled loop runs, and where it stopped (compiledPathState.ts) */
  firstStep = 0;
  lastStep = 0;
  stoppedAt = 0;

  /**
   * `loop: "generic"` runs every step through the modes' own code (the loop the compiled path falls back to; benches
   * and tests); `market: "inline"` has the compiled loop draw a plain model's market itself, not ahead on the lanes.
   */
  constructor(private readonly config: StressConfig, options: { loop?: "compiled" | "generic"; market?: "ahead" | "inline" } = {}) {
    const venue = stressVenue(config);
    const built = buildMarketModel(config, venue);
    this.model = built.model;
    this.funding = built.funding;
    this.fundingMoves = built.fundingMoves;
    this.fundingCap = venue.funding.cap8h ?? Infinity;
    const symbols = this.model.symbols;
    const n = (this.n = symbols.length);
    const f = () => new Float64Array(n);
    [this.r, this.variance, this.rates] = [f(), f(), f()];
    this.views = { x0: f(), xPre: f(), s0: f(), sPre: f(), s1: f(), variance: f() };
    this.market = new Float64Array(n << M.Shift);
    this.correlation = this.model.stepCorrelation;
    const legs = bookLegs(config, symbols, this.model.initialPrices);
    this.kernels = config.modes.map((mode) => new FusedMode(mode, venue, symbols, legs, config.initialBalance));
    this.modes = this.kernels.length;
    this.steps = config.steps;
    this.stepHours = config.stepMinutes / 60;
    this.dtYears = this.stepHours / HOURS_PER_YEAR;
    this.settleEvery = this.funding.settleEveryHours;
    this.settlementsAt = new Uint32Array(this.steps);
    this.settlesAtEnd = new Uint8Array(this.steps);
    for (let s = 0; s < this.steps; s++) {
      this.settlementsAt[s] = settlementsBetween(s * this.stepHours, (s + 1) * this.stepHours, this.settleEvery);
      this.settlesAtEnd[s] = settlesAtStepEndOnly((s + 1) * this.stepHours * MS_PER_HOUR, this.settlementsAt[s], this.settleEvery) ? 1 : 0;
    }
    this.modeState = this.kernels.map(() => new Float64Array(modeStateSize(n)));
    this.marketState = new Float64Array(n * MarketCell.Stride);
    this.startX = f();
    this.filledX = f();
    const compiles = n <= MAX_COMPILED_ASSETS && this.modes <= MAX_COMPILED_MODES && options.loop !== "generic";
    const modelStep = compiles ? this.model.inlineStep?.(this.dtYears) ?? null : null;
    // a moving funding rate reads each step's returns, which the figures drawn ahead do not keep
    this.ahead = modelStep !== null && !this.fundingMoves && options.market !== "inline" ? marketAhead(modelStep.plain, this.steps) : null;
    if (this.ahead) this.aheadFigures = this.ahead.figures;
    this.compiled = compiles
      ? compilePath({
        assets: n, isolated: this.kernels.map((k) => k.isolated),
        dtYears: this.dtYears, stepHours: this.stepHours, settleEvery: this.settleEvery, fundingMoves: this.fundingMoves,
        settlement: uniformSettlement(this.stepHours, this.settleEvery, this.settlementsAt, this.settlesAtEnd),
        market: this.ahead !== null ? { kind: "ahead" } : modelStep !== null ? { kind: "inline", step: modelStep } : { kind: "call" },
      })
      : null;
  }

  /** Whether the compiled loop reads a plain model's market drawn ahead on the lanes (`drawAhead`). */
  get marketAhead(): boolean {
    return this.ahead !== null;
  }

  /** The compiled path loop this simulator runs, one per source in a thread (compiledPath.ts), or null: the generic loop. */
  get loop(): CompiledPath | null {
    return this.compiled;
  }

  /**
   * Path `pathIndex` under every mode into `out[at..]` (modes × PATH_FIELDS, as PathSimulator.run). A
   * traced path (`trace`: samples.csv) gives the trace the rows it keeps (fusedTrace.ts: every
   * `traceEvery`-th step, the last, the liquidations) on the same loops; its results are the same bytes.
   */
  run(pathIndex: number, out: Float64Array, at: number, trace?: PathTrace, traceEvery = 1): void {
    this.reset(pathIndex);
    const tracer = trace ? new FusedTrace(this, trace, Math.max(1, Math.floor(traceEvery)), this.model.symbols) : null;
    this.tracer = tracer;
    try {
      if (this.compiled === null || (this.ahead !== null && !this.drawAhead(pathIndex))) this.genericLoop(tracer);
      else if (tracer !== null) this.tracedLoop(this.compiled, tracer);
      else {
        this.firstStep = 0;
        this.lastStep = this.steps - 1;
        this.compiled(this);
      }
    } finally {
      this.tracer = null;
    }
    const kernels = this.kernels;
    const last = this.arrays().s1;
    for (let m = 0; m < kernels.length; m++) kernels[m].finish(last, out, at + m * PATH_FIELDS);
  }

  /**
   * A traced path on the compiled loop, a stretch at a time: each call runs the steps up to the next one
   * the trace keeps and leaves every mode in the host, which gives the trace their rows there (a
   * liquidation's row inside a stretch comes from the step the host ran: compiledPathState.ts). The
   * loop between stretches is the one every path runs, its state handed across as at a path's start and
   * end; what it computes is the same.
   */
  private tracedLoop(loop: CompiledPath, tracer: FusedTrace): void {
    const kernels = this.kernels;
    for (let first = 0, kept = tracer.begin(); ; first = kept + 1, kept = tracer.nextKept(kept)) {
      this.firstStep = first;
      this.lastStep = kept;
      loop(this);
      if (this.stoppedAt < kept) return; // every mode flat before the stretch's end (the loop leaves after a step, or past the last)
      let open = 0;
      for (let m = 0; m < kernels.length; m++) {
        tracer.after(m, kept, true);
        open += kernels[m].store.open;
      }
      if (open === 0 || kept === this.steps - 1) return;
    }
  }

  /**
   * The path's market on its lane (`aheadLane`), drawn with the next path's when neither lane holds it: a run's paths
   * come in order, so the next call finds its own. False when the lane's figures are not exact (a log price out of
   * exp's range): the path then runs the generic loop, whose market is drawn step by step.
   */
  private drawAhead(pathIndex: number): boolean {
    const ahead = this.ahead!, paths = this.aheadPaths;
    let lane = paths[0] === pathIndex ? 0 : paths[1] === pathIndex && this.startsAsFilled() ? 1 : -1;
    if (lane < 0) {
      this.pairRng.reseed(streamKey(this.config.seed, pathIndex + 1, SUBSTREAM.market));
      // the second path starts where this one does (a plain model's initial prices are the same on every path; checked when it runs)
      ahead.fill(this.marketRng, this.pairRng, this.startX, this.steps);
      this.filledX.set(this.startX);
      paths[0] = pathIndex;
      paths[1] = pathIndex + 1;
      lane = 0;
    }
    this.aheadLane = lane;
    return ahead.inRange(lane as 0 | 1);
  }

  /** Whether this path starts at the log prices the lanes were filled from. */
  private startsAsFilled(): boolean {
    for (let i = 0; i < this.n; i++) if (this.startX[i] !== this.filledX[i]) return false;
    return true;
  }

  /** Every step through the modes' own code (books the compiled loop does not take, and `loop: "generic"`). */
  private genericLoop(tracer: FusedTrace | null): void {
    const kernels = this.kernels;
    const modes = kernels.length;
    tracer?.begin();
    for (let s = 0; s < this.steps; s++) {
      this.marketStep(s);
      let open = 0;
      for (let m = 0; m < modes; m++) open += kernels[m].step(this);
      if (tracer !== null) {
        const kept = tracer.keeps(s);
        for (let m = 0; m < modes; m++) tracer.after(m, s, kept);
      }
      if (open === 0) break; // every mode is flat: nothing more can happen on this path
    }
  }

  /** The step's figures as arrays by asset (FusedStep.arrays): copied from the market rows once per step, when an event first asks. */
  arrays(): StepArrays {
    if (this.viewsStep === this.stepSerial) return this.views;
    this.viewsStep = this.stepSerial;
    const v = this.views, mk = this.market;
    for (let i = 0; i < this.n; i++) {
      const m = i << M.Shift;
      v.x0[i] = mk[m | M.X0];
      v.xPre[i] = mk[m | M.XPre];
      v.s0[i] = mk[m | M.S0];
      v.sPre[i] = mk[m | M.SPre];
      v.s1[i] = mk[m | M.S1];
      v.variance[i] = mk[m | M.V];
    }
    return v;
  }

  /** Start path `pathIndex`: the streams of (seed, path), the model's initial prices, every mode's book opened. */
  reset(pathIndex: number): void {
    const seed = this.config.seed;
    this.marketRng.reseed(streamKey(seed, pathIndex, SUBSTREAM.market));
    this.model.reset(this.marketRng);
    this.fundingRng.reseed(streamKey(seed, pathIndex, SUBSTREAM.funding));
    this.funding.reset(this.fundingRng);
    const p0 = this.model.initialPrices, mk = this.market;
    for (let i = 0; i < this.n; i++) {
      const m = i << M.Shift;
      mk[m | M.S1] = p0[i];
      mk[m | M.X] = this.startX[i] = Math.log(p0[i]);
    }
    this.stepSerial++; // the rows now hold the opening prices, not the last step's
    // a rate that cannot change (constant funding reads neither the returns nor a stream) is set once per
    // path, here: the compiled loop then never calls into the funding process, whose code it would inline
    // before that code has type feedback (a deoptimisation and a second compile in 4 threads of 10)
    if (!this.fundingMoves && this.settleEvery !== Infinity) this.fundingStep();
    const opening = this.arrays().s1;
    const bridgeKey = streamKey(seed, pathIndex, SUBSTREAM.bridge);
    for (const k of this.kernels) {
      k.bridge.reseed(bridgeKey); // every mode sees the same bridge uniforms for the same tests
      k.begin(opening);
    }
  }

  /** Advance the market by step `s`: log returns, prices (one exp each, two for a jumped asset), funding rates. */
  private marketStep(s: number): void {
    const n = this.n, r = this.r, variance = this.variance, mk = this.market;
    this.model.step(this.dtYears, r, variance);
    this.correlation = this.model.stepCorrelation; // the Σ in force for this step: regime, or a scenario's spike
    const lastJump = this.model.lastJump;
    let jumped = false;
    for (let i = 0; i < n; i++) {
      const m = i << M.Shift;
      const x0 = mk[m | M.X]; // the end of the last step is this one's start
      mk[m | M.X0] = x0;
      mk[m | M.S0] = mk[m | M.S1];
      const x = x0 + r[i];
      const p1 = Math.exp(x);
      mk[m | M.X] = x;
      mk[m | M.XPre] = x;
      mk[m | M.S1] = p1;
      mk[m | M.SPre] = p1;
      mk[m | M.V] = variance[i];
      if (lastJump[i] !== 0) jumped = true;
    }
    if (jumped) this.preJump(lastJump);
    if (this.fundingMoves) this.fundingStep();
    this.t0Ms = s * this.stepHours * MS_PER_HOUR;
    this.t1Ms = (s + 1) * this.stepHours * MS_PER_HOUR;
    const settlements = this.settlementsAt[s];
    this.settlements = settlements;
    this.fundingAtEnd = this.settlesAtEnd[s];
    this.atPoint = jumped || settlements > 0 ? 1 : 0;
    this.stepSerial++;
  }

  /** A jump moved some price at the step's end: the ends before the jumps, one more exp per jumped asset. */
  preJump(lastJump: Float64Array): void {
    const mk = this.market;
    for (let i = 0; i < this.n; i++) {
      const m = i << M.Shift;
      const j = lastJump[i];
      if (j === 0) continue;
      const x = mk[m | M.X];
      mk[m | M.XPre] = x - j;
      mk[m | M.SPre] = Math.exp(x - j);
    }
  }

  /** The funding rates after the step, capped at the venue's cap. */
  fundingStep(): void {
    const rates = this.rates, mk = this.market;
    this.funding.step(this.stepHours, this.r, rates);
    const cap = this.fundingCap;
    if (cap !== Infinity) for (let i = 0; i < this.n; i++) rates[i] = Math.max(-cap, Math.min(cap, rates[i]));
    for (let i = 0; i < this.n; i++) mk[(i << M.Shift) | M.Rate] = rates[i];
  }
}
