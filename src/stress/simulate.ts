import { InputError } from "../market/index.ts";
import type { Venue } from "../venues/index.ts";
import { configVenue } from "./venue.ts";
import type { StressConfig } from "./config.ts";
import { settlementsBetween, RandomStream, streamKey, SUBSTREAM } from "../paths/index.ts";
import { tracedLiquidationPrices } from "./legs.ts";
import { ModeKernel, type BookLeg, type StepContext } from "./modeKernel.ts";
import { PathDriver } from "./pathDriver.ts";
import { PATH_FIELDS } from "./pathResult.ts";

const MS_PER_HOUR = 3_600_000;

/**
 * Called at the end of every step of a traced path (sample paths for the report); `equity()` gives the
 * mode's equity then and `liqPrices()` each symbol's liquidation price (NaN: no position, or none above
 * zero), both computed only when asked (a trace keeps a row every few steps), and only during the call.
 */
export type PathTrace = (modeIndex: number, hour: number, equity: () => number, prices: Float64Array, liquidatedNow: boolean, liqPrices: () => Float64Array) => void;

/** The venue a stress config names (its own validation, one-line InputError). */
export function stressVenue(config: StressConfig): Venue {
  return configVenue(config);
}

/** A portfolio's legs in the model's slots: notional = initialBalance × weight × leverage at the initial price. */
export function bookLegs(config: StressConfig, symbols: readonly string[], initialPrices: Float64Array): BookLeg[] {
  if (config.book.kind !== "portfolio")
    throw new InputError("strategy: a strategy book runs on StrategyPathSimulator (simulators.ts chooses by book kind), not on the portfolio kernel");
  return config.book.legs.map((leg) => {
    const slot = symbols.indexOf(leg.symbol);
    return { slot, dir: leg.side === "long" ? 1 : -1, size: (config.initialBalance * leg.weight * leg.leverage) / initialPrices[slot], leverage: leg.leverage };
  });
}

/**
 * Simulates whole paths of a stress config: one market (pathDriver.ts: model, funding process), and one
 * `ModeKernel` per margin mode, all driven by the same shocks (common random numbers). Path i draws only
 * from the streams of (seed, i), so its result does not depend on which worker runs it or in which chunk.
 * Build one per worker; `run` allocates nothing per step.
 */
export class PathSimulator {
  readonly modes: number;
  private readonly driver: PathDriver;
  private readonly kernels: ModeKernel[];
  private readonly bridges: RandomStream[];
  private readonly steps: number;
  private readonly settlements: Uint32Array; // a 16-bit count wrapped at 65 536 settlements per step
  private readonly ctx: StepContext;

  constructor(private readonly config: StressConfig) {
    const venue = stressVenue(config);
    const driver = (this.driver = new PathDriver(config, venue));
    const symbols = driver.model.symbols;
    const legs = bookLegs(config, symbols, driver.model.initialPrices);
    this.bridges = config.modes.map(() => new RandomStream("0"));
    this.kernels = config.modes.map((mode, m) => new ModeKernel(mode, venue, symbols, legs, config.initialBalance, this.bridges[m]));
    this.modes = this.kernels.length;
    this.steps = config.steps;
    const every = driver.funding.settleEveryHours;
    this.settlements = new Uint32Array(this.steps);
    for (let s = 0; s < this.steps; s++) this.settlements[s] = settlementsBetween(s * driver.stepHours, (s + 1) * driver.stepHours, every);
    this.ctx = {
      t0Ms: 0, t1Ms: 0, x0: driver.x0, xPre: driver.xPre, s0: driver.s0, sPre: driver.sPre, s1: driver.s1, variance: driver.variance,
      correlation: driver.model.stepCorrelation, jumped: false, settlements: 0, settleEveryHours: every, rates: driver.rates,
    };
  }

  /**
   * Open the book as path `pathIndex` starts, under every mode, and simulate nothing: where the venue
   * refuses a leg's leverage or the balance cannot carry the book (an InputError), as `run` would at its start.
   */
  openBook(pathIndex = 0): void {
    this.driver.reset(pathIndex);
    for (const k of this.kernels) k.begin(this.driver.s1);
  }

  /**
   * Simulate path `pathIndex` under every mode and write its results at `out[at..]`
   * (modes × PATH_FIELDS floats, in the order of `config.modes`).
   */
  run(pathIndex: number, out: Float64Array, at: number, trace?: PathTrace): void {
    const { ctx, kernels, driver } = this;
    driver.reset(pathIndex);
    const bridgeKey = streamKey(this.config.seed, pathIndex, SUBSTREAM.bridge);
    const s1 = driver.s1;
    // a traced path's questions to each mode, asked of its state when the trace calls them
    const liqs = trace ? new Float64Array(s1.length) : null;
    const equityOf = trace ? kernels.map((k) => () => k.equity(s1)) : [];
    const liqPricesOf = trace ? kernels.map((k) => () => tracedLiquidationPrices(k.engine, driver.model.symbols, s1, liqs!)) : [];
    for (let m = 0; m < kernels.length; m++) {
      this.bridges[m].reseed(bridgeKey); // every mode sees the same bridge uniforms for the same tests
      kernels[m].begin(s1);
      if (trace) trace(m, 0, equityOf[m], s1, false, liqPricesOf[m]);
    }
    const stepHours = driver.stepHours;
    for (let s = 0; s < this.steps; s++) {
      driver.step(s);
      ctx.t0Ms = s * stepHours * MS_PER_HOUR;
      ctx.t1Ms = (s + 1) * stepHours * MS_PER_HOUR;
      ctx.jumped = driver.jumped;
      ctx.correlation = driver.model.stepCorrelation; // the Σ in force for this step: regime, or a scenario's spike
      ctx.settlements = this.settlements[s];
      let open = false;
      for (let m = 0; m < kernels.length; m++) {
        const k = kernels[m];
        if (!k.hasPositions) continue;
        const before = k.liquidations;
        k.step(ctx);
        if (trace) trace(m, (s + 1) * stepHours, equityOf[m], s1, k.liquidations > before, liqPricesOf[m]);
        open ||= k.hasPositions;
      }
      if (!open) break; // every mode is flat: nothing more can happen on this path
    }
    for (let m = 0; m < kernels.length; m++) kernels[m].finish(s1, out, at + m * PATH_FIELDS);
  }
}
