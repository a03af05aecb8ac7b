import { cholesky, toSquareMatrix } from "../../src/paths/correlation.ts";
import type { RandomStream } from "../../src/paths/random/stream.ts";
import { normal } from "../../src/paths/random/ziggurat.ts";
import type { GbmSpec, PathModel } from "../../src/paths/models/types.ts";

/** GBM as it was before its step was compiled (issue 13: compiledStep.ts): the reference of modelBits.test.ts. */
export class ReferenceGbmModel implements PathModel {
  readonly symbols: readonly string[];
  readonly initialPrices: Float64Array;
  readonly lastJump: Float64Array;
  readonly stressed = 0;
  readonly stepCorrelation: Float64Array;
  private readonly n: number;
  private readonly vol: Float64Array;
  private readonly drift: Float64Array;
  private readonly chol: Float64Array;
  private readonly z: Float64Array;
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
    this.z = new Float64Array(this.n);
    this.lastJump = new Float64Array(this.n);
    this.logDrift = new Float64Array(this.n);
    this.scale = new Float64Array(this.n);
    this.variance = new Float64Array(this.n);
  }

  reset(rng: RandomStream): void {
    this.rng = rng;
  }

  step(dtYears: number, logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    const rng = this.rng!;
    const n = this.n;
    if (dtYears !== this.cachedDt) this.prepare(dtYears);
    const z = this.z;
    for (let i = 0; i < n; i++) z[i] = normal(rng);
    const l = this.chol;
    for (let i = 0; i < n; i++) {
      let e = 0;
      const row = i * n;
      for (let k = 0; k <= i; k++) e += l[row + k] * z[k];
      logReturnOut[i] = this.logDrift[i] + this.scale[i] * e;
      stepVarianceOut[i] = this.variance[i];
    }
  }

  private prepare(dt: number): void {
    for (let i = 0; i < this.n; i++) {
      const s = this.vol[i];
      this.logDrift[i] = (this.drift[i] - 0.5 * s * s) * dt;
      this.scale[i] = s * Math.sqrt(dt);
      this.variance[i] = s * s * dt;
    }
    this.cachedDt = dt;
  }
}
