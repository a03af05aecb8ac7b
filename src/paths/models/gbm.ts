import { cholesky, toSquareMatrix } from "../correlation.ts";
import type { RandomStream } from "../random/stream.ts";
import { compileGbmStep, inlineGbmStep, type CompiledStep, type GbmConstants, type InlineStep } from "./compiledStep.ts";
import type { GbmSpec, PathModel } from "./types.ts";

/** Correlated geometric Brownian motion: the analytic baseline. */
export class GbmModel implements PathModel {
  readonly symbols: readonly string[];
  readonly initialPrices: Float64Array;
  readonly lastJump: Float64Array;
  readonly stressed = 0;
  readonly stepCorrelation: Float64Array;
  private readonly n: number;
  private readonly vol: Float64Array;
  private readonly drift: Float64Array;
  private readonly chol: Float64Array;
  /** the step of the current step length, compiled (compiledStep.ts): the same draws and bits as n normals and the product */
  private compiled: CompiledStep | null = null;
  private rng: RandomStream | null = null;
  private cachedDt = NaN;
  private readonly logDrift: Float64Array;
  private readonly scale: Float64Array;
  private readonly variance: Float64Array;

  constructor(spec: GbmSpec) {
    this.n = spec.assets.length;
    this.symbols = spec.assets.map((a) => a.symbol);
    this.initialPrices = Float64Array.from(spec.assets, (a) => a.price);
    this.vol = Float64Array.from(spec.assets, (a) => a.vol);
    this.drift = Float64Array.from(spec.assets, (a) => a.drift);
    const correlation = toSquareMatrix(spec.correlation);
    this.stepCorrelation = Float64Array.from(correlation.data);
    const l = cholesky(correlation);
    if (!l) throw new RangeError("gbm: correlation matrix is not positive semi-definite");
    this.chol = l;
    this.lastJump = new Float64Array(this.n);
    this.logDrift = new Float64Array(this.n);
    this.scale = new Float64Array(this.n);
    this.variance = new Float64Array(this.n);
  }

  reset(rng: RandomStream): void {
    this.rng = rng;
  }

  step(dtYears: number, logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    if (dtYears !== this.cachedDt) this.prepare(dtYears);
    this.compiled!(this.rng!, logReturnOut, stepVarianceOut);
  }

  inlineStep(dtYears: number): InlineStep {
    if (dtYears !== this.cachedDt) this.prepare(dtYears);
    return inlineGbmStep(this.constants());
  }

  private prepare(dt: number): void {
    for (let i = 0; i < this.n; i++) {
      const s = this.vol[i];
      this.logDrift[i] = (this.drift[i] - 0.5 * s * s) * dt;
      this.scale[i] = s * Math.sqrt(dt);
      this.variance[i] = s * s * dt;
    }
    this.compiled = compileGbmStep(this.constants());
    this.cachedDt = dt;
  }

  private constants(): GbmConstants {
    return { n: this.n, chol: this.chol, logDrift: this.logDrift, scale: this.scale, variance: this.variance };
  }
}
