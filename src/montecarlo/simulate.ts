import { InputError } from "../market/errors.ts";
import { getVenue, type CustomVenueSpec, type Venue } from "../venues/index.ts";
import type { StressConfig } from "./config.ts";
import { settlementsBetween, type FundingProcess } from "./funding.ts";
import { buildMarketModel } from "./marketModel.ts";
import { HOURS_PER_YEAR, type PathModel } from "./models/types.ts";
import { ModeKernel, type BookLeg, type StepContext } from "./modeKernel.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { RandomStream, streamKey, SUBSTREAM } from "./random/stream.ts";
import { StrategyPathSimulator } from "./strategyPaths.ts";

const MS_PER_HOUR = 3_600_000;

/** Called at the end of every step of a traced path (sample paths for the report). */
export type PathTrace = (modeIndex: number, hour: number, equity: number, prices: Float64Array, liquidatedNow: boolean) => void;

/** The venue a stress config names (its own validation, one-line InputError). */
export function stressVenue(config: StressConfig): Venue {
  return getVenue(config.venue as string | CustomVenueSpec);
}

/** A portfolio's legs in the model's slots: notional = initialBalance × weight × leverage at the initial price. */
export function bookLegs(config: StressConfig, symbols: readonly string[], initialPrices: Float64Array): BookLeg[] {
  if (config.book.kind !== "portfolio")
    throw new InputError("strategy: a strategy book runs on StrategyPathSimulator (createSimulator chooses by book kind), not on the portfolio kernel");
  return config.book.legs.map((leg) => {
    const slot = symbols.indexOf(leg.symbol);
    return { slot, dir: leg.side === "long" ? 1 : -1, size: (config.initialBalance * leg.weight * leg.leverage) / initialPrices[slot], leverage: leg.leverage };
  });
}

/** What the pool and the outputs use of a simulator: path i under every mode, into pathResult.ts's layout. */
export type PathRunner = Pick<PathSimulator, "modes" | "run">;

/**
 * The simulator for a config's book: the portfolio kernel for static legs, the backtester's replay on
 * synthetic candles for a strategy (load it first with `prepareBook`, from strategyPaths.ts).
 */
export function createSimulator(config: StressConfig): PathRunner {
  return config.book.kind === "strategy" ? new StrategyPathSimulator(config) : new PathSimulator(config);
}

/**
 * Simulates whole paths of a stress config: one model, one funding process, and one `ModeKernel` per
 * margin mode, all driven by the same shocks (common random numbers). Path i draws only from the
 * streams of (seed, i), so its result does not depend on which worker runs it or in which chunk.
 * Build one per worker; `run` allocates nothing per step.
 */
export class PathSimulator {
  readonly modes: number;
  private readonly model: PathModel;
  private readonly funding: FundingProcess;
  private readonly kernels: ModeKernel[];
  private readonly bridges: RandomStream[];
  private readonly market = new RandomStream("0");
  private readonly fundingRng = new RandomStream("0");
  private readonly n: number;
  private readonly steps: number;
  private readonly dtYears: number;
  private readonly stepHours: number;
  private readonly settlements: Uint16Array;
  private readonly hasJumps: boolean;
  /** the rate changes from step to step (else it is set once per path) */
  private readonly fundingMoves: boolean;
  private readonly fundingCap: number;
  private readonly ctx: StepContext;
  private readonly x: Float64Array;
  private readonly r: Float64Array;

  constructor(private readonly config: StressConfig) {
    const venue = stressVenue(config);
    const market = buildMarketModel(config, venue);
    this.model = market.model;
    const symbols = this.model.symbols;
    const n = (this.n = symbols.length);
    this.funding = market.funding;
    const legs = bookLegs(config, symbols, this.model.initialPrices);
    this.bridges = config.modes.map(() => new RandomStream("0"));
    this.kernels = config.modes.map((mode, m) => new ModeKernel(mode, venue, symbols, legs, config.initialBalance, this.bridges[m]));
    this.modes = this.kernels.length;
    this.steps = config.steps;
    this.stepHours = config.stepMinutes / 60;
    this.dtYears = this.stepHours / HOURS_PER_YEAR;
    this.settlements = new Uint16Array(this.steps);
    for (let s = 0; s < this.steps; s++) this.settlements[s] = settlementsBetween(s * this.stepHours, (s + 1) * this.stepHours, this.funding.settleEveryHours);
    this.fundingCap = venue.funding.cap8h ?? Infinity;
    this.fundingMoves = market.fundingMoves;
    const spec = config.model;
    this.hasJumps = spec.type === "t-garch-jump" && spec.jumps !== false;
    const f = () => new Float64Array(n);
    this.ctx = {
      t0Ms: 0, t1Ms: 0, x0: f(), xPre: f(), s0: f(), sPre: f(), s1: f(), variance: f(), correlation: this.model.stepCorrelation,
      jumped: false, settlements: 0, settleEveryHours: this.funding.settleEveryHours, rates: f(),
    };
    this.x = f();
    this.r = f();
  }

  /**
   * Simulate path `pathIndex` under every mode and write its results at `out[at..]`
   * (modes × PATH_FIELDS floats, in the order of `config.modes`).
   */
  run(pathIndex: number, out: Float64Array, at: number, trace?: PathTrace): void {
    const { n, ctx, x, r, kernels, model } = this;
    const seed = this.config.seed;
    this.market.reseed(streamKey(seed, pathIndex, SUBSTREAM.market));
    model.reset(this.market);
    this.fundingRng.reseed(streamKey(seed, pathIndex, SUBSTREAM.funding));
    this.funding.reset(this.fundingRng);
    const bridgeKey = streamKey(seed, pathIndex, SUBSTREAM.bridge);
    const s1 = ctx.s1;
    for (let i = 0; i < n; i++) {
      s1[i] = model.initialPrices[i];
      x[i] = Math.log(s1[i]);
    }
    for (let m = 0; m < kernels.length; m++) {
      this.bridges[m].reseed(bridgeKey); // every mode sees the same bridge uniforms for the same tests
      kernels[m].begin(s1);
      if (trace) trace(m, 0, kernels[m].equity(s1), s1, false);
    }
    const lastJump = model.lastJump;
    const cap = this.fundingCap;
    for (let s = 0; s < this.steps; s++) {
      model.step(this.dtYears, r, ctx.variance);
      ctx.t0Ms = s * this.stepHours * MS_PER_HOUR;
      ctx.t1Ms = (s + 1) * this.stepHours * MS_PER_HOUR;
      let jumped = false;
      for (let i = 0; i < n; i++) {
        ctx.x0[i] = x[i];
        ctx.s0[i] = s1[i];
        const xi = x[i] + r[i];
        x[i] = xi;
        s1[i] = Math.exp(xi);
        const j = this.hasJumps ? lastJump[i] : 0;
        if (j !== 0) {
          jumped = true;
          ctx.xPre[i] = xi - j;
          ctx.sPre[i] = Math.exp(xi - j);
        } else {
          ctx.xPre[i] = xi;
          ctx.sPre[i] = s1[i];
        }
      }
      ctx.jumped = jumped;
      ctx.correlation = model.stepCorrelation; // the Σ in force for this step: regime, or a scenario's spike
      const settle = this.settlements[s];
      ctx.settlements = settle;
      if (this.fundingMoves || (s === 0 && this.funding.settleEveryHours !== Infinity)) {
        this.funding.step(this.stepHours, r, ctx.rates);
        if (cap !== Infinity) for (let i = 0; i < n; i++) ctx.rates[i] = Math.max(-cap, Math.min(cap, ctx.rates[i]));
      }
      let open = false;
      for (let m = 0; m < kernels.length; m++) {
        const k = kernels[m];
        if (!k.hasPositions) continue;
        const before = k.liquidations;
        k.step(ctx);
        if (trace) trace(m, (s + 1) * this.stepHours, k.equity(s1), s1, k.liquidations > before);
        open ||= k.hasPositions;
      }
      if (!open) break; // every mode is flat: nothing more can happen on this path
    }
    for (let m = 0; m < kernels.length; m++) kernels[m].finish(s1, out, at + m * PATH_FIELDS);
  }
}
