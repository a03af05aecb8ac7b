import type { Venue } from "../venues/index.ts";
import type { StressConfig } from "./config.ts";
import { type FundingProcess, HOURS_PER_YEAR, type PathModel, RandomStream, streamKey, SUBSTREAM } from "../paths/index.ts";
import { buildMarketModel } from "./marketModel.ts";

/**
 * Drives one path's market step by step: the config's model (with its scenario) and funding process,
 * seeded from (seed, path) so any worker reproduces it. The one place where log prices accumulate
 * (x += r, price = exp(x)) and funding rates step and clamp to the venue's cap, so the portfolio kernel
 * and the strategy's synthetic candles see the same closes and rates by construction.
 * Buffers are reused from step to step and path to path; `step` allocates nothing.
 */
export class PathDriver {
  readonly model: PathModel;
  readonly funding: FundingProcess;
  readonly n: number;
  readonly stepHours: number;
  /** log return of each asset over the last step, jump included */
  readonly r: Float64Array;
  /** the jump in that return (0 when none) */
  readonly jump: Float64Array;
  /** diffusive variance of each log return over the last step */
  readonly variance: Float64Array;
  /** log prices and prices at the last step's start, at its end before any jump, at its end */
  readonly x0: Float64Array;
  readonly xPre: Float64Array;
  readonly x: Float64Array;
  readonly s0: Float64Array;
  readonly sPre: Float64Array;
  readonly s1: Float64Array;
  /** funding rate per 8h in force per asset, capped at the venue's cap */
  readonly rates: Float64Array;
  /** a jump moved some price at the end of the last step */
  jumped = false;
  private readonly fundingMoves: boolean;
  private readonly fundingCap: number;
  private readonly dtYears: number;
  private readonly marketRng = new RandomStream("0");
  private readonly fundingRng = new RandomStream("0");

  constructor(private readonly config: StressConfig, venue: Venue) {
    const built = buildMarketModel(config, venue);
    this.model = built.model;
    this.funding = built.funding;
    this.fundingMoves = built.fundingMoves;
    this.fundingCap = venue.funding.cap8h ?? Infinity;
    const n = (this.n = this.model.symbols.length);
    this.stepHours = config.stepMinutes / 60;
    this.dtYears = this.stepHours / HOURS_PER_YEAR;
    const f = () => new Float64Array(n);
    this.r = f();
    this.jump = f();
    this.variance = f();
    this.x0 = f();
    this.xPre = f();
    this.x = f();
    this.s0 = f();
    this.sPre = f();
    this.s1 = f();
    this.rates = f();
  }

  /** Start path `pathIndex` at the model's initial prices (in s1 and x). */
  reset(pathIndex: number): void {
    const seed = this.config.seed;
    this.marketRng.reseed(streamKey(seed, pathIndex, SUBSTREAM.market));
    this.model.reset(this.marketRng);
    this.fundingRng.reseed(streamKey(seed, pathIndex, SUBSTREAM.funding));
    this.funding.reset(this.fundingRng);
    for (let i = 0; i < this.n; i++) {
      this.s1[i] = this.model.initialPrices[i];
      this.x[i] = Math.log(this.s1[i]);
    }
    this.jumped = false;
  }

  /** Advance step `s` (counted from 0): prices, variance, and the funding rate in force after it. */
  step(s: number): void {
    const { model, n, r, x, s1 } = this;
    model.step(this.dtYears, r, this.variance);
    const lastJump = model.lastJump;
    let jumped = false;
    for (let i = 0; i < n; i++) {
      this.x0[i] = x[i];
      this.s0[i] = s1[i];
      const xi = x[i] + r[i];
      x[i] = xi;
      s1[i] = Math.exp(xi);
      const j = lastJump[i];
      this.jump[i] = j;
      if (j !== 0) {
        jumped = true;
        this.xPre[i] = xi - j;
        this.sPre[i] = Math.exp(xi - j);
      } else {
        this.xPre[i] = xi;
        this.sPre[i] = s1[i];
      }
    }
    this.jumped = jumped;
    // a rate that cannot change is set once per path, at the first step
    if (this.fundingMoves || (s === 0 && this.funding.settleEveryHours !== Infinity)) {
      this.funding.step(this.stepHours, r, this.rates);
      const cap = this.fundingCap;
      if (cap !== Infinity) for (let i = 0; i < n; i++) this.rates[i] = Math.max(-cap, Math.min(cap, this.rates[i]));
    }
  }
}
