import type { RandomStream } from "./stream.ts";
import { fillNormals, normal } from "./ziggurat.ts";
import { gammaThenNormals } from "./fastDraws.ts";
import { logGamma } from "../math.ts";

/** Exponential with mean 1. */
export function exponential(rng: RandomStream): number {
  return -Math.log(rng.nextOpen());
}

/**
 * Gamma(shape, 1) by Marsaglia & Tsang (2000), with the constants of one shape precomputed so a draw
 * allocates nothing. Shapes below 1 use the boost Gamma(a) = Gamma(a+1)·U^(1/a).
 */
export class GammaSampler {
  /** Marsaglia & Tsang's d = a − 1/3 and c = 1/√(9d), a the (boosted) shape */
  readonly d: number;
  readonly c: number;
  private readonly invShape: number;
  /** shape < 1: a draw is Gamma(shape + 1) times U^(1/shape) */
  readonly boosted: boolean;

  constructor(readonly shape: number) {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    this.boosted = shape < 1;
    const a = this.boosted ? shape + 1 : shape;
    this.d = a - 1 / 3;
    this.c = 1 / Math.sqrt(9 * this.d);
    this.invShape = 1 / shape;
  }

  /**
   * The last draw of `draw()`. Hot loops call `draw` and read it here: a double returned from a call
   * that is not inlined is boxed in a fresh heap number, a typed-array slot is not.
   */
  readonly result = new Float64Array(1);

  /** One draw into `result[0]`. */
  draw(rng: RandomStream): void {
    const { d, c } = this;
    let g: number;
    for (;;) {
      const x = normal(rng);
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = rng.nextOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        g = d * v;
        break;
      }
    }
    this.result[0] = this.boosted ? g * Math.pow(rng.nextOpen(), this.invShape) : g;
  }

  sample(rng: RandomStream): number {
    this.draw(rng);
    return this.result[0];
  }
}

/** Chi-square with `dof` degrees of freedom: 2·Gamma(dof/2). */
export class ChiSquareSampler {
  private readonly gamma: GammaSampler;
  /** the last draw of `draw()` (see GammaSampler.result) */
  readonly result = new Float64Array(1);
  constructor(readonly dof: number) {
    this.gamma = new GammaSampler(dof / 2);
  }
  /** One draw into `result[0]`. */
  draw(rng: RandomStream): void {
    this.gamma.draw(rng);
    this.result[0] = 2 * this.gamma.result[0];
  }

  /** Marsaglia & Tsang's constants of the underlying Gamma(dof/2) draw (not boosted: dof ≥ 2) */
  gammaConstants(): { d: number; c: number } {
    if (this.gamma.boosted) throw new RangeError("chi-square: dof < 2 has no plain Marsaglia–Tsang constants");
    return { d: this.gamma.d, c: this.gamma.c };
  }

  /**
   * One draw into `out[count]`, then `count` standard normals into `out[0..count)`: the same draws as
   * `draw` then `fillNormals(rng, out, count)`, with the generator stepped in locals (fastDraws.ts) when
   * dof ≥ 2 (every Student-t model: ν > 2).
   */
  drawThenNormals(rng: RandomStream, out: Float64Array, count: number): void {
    const gamma = this.gamma;
    if (gamma.boosted) {
      this.draw(rng);
      out[count] = this.result[0];
      fillNormals(rng, out, count);
      return;
    }
    gammaThenNormals(rng, gamma.d, gamma.c, out, count);
    out[count] = 2 * out[count];
  }
  sample(rng: RandomStream): number {
    this.draw(rng);
    return this.result[0];
  }
}

/**
 * Poisson(mean): sequential inversion for small means (the jump counts of one step), Hörmann's PTRS
 * transformed rejection (1993) above 30.
 */
export function poisson(rng: RandomStream, mean: number): number {
  meanSlot[0] = mean;
  return poissonAt(rng, meanSlot, 0);
}

const meanSlot = new Float64Array(1);

/**
 * `poissonAt(rng, means, at)` with e^−mean read from `zeroProbabilities[at]` (Math.exp(−means[at]),
 * computed once by the caller): the same draws and counts, one exp fewer per count. The t-garch-jump
 * model draws n + 1 counts every step from means fixed per step length.
 */
export function poissonAtWithZero(rng: RandomStream, means: Float64Array, zeroProbabilities: Float64Array, at: number): number {
  const mean = means[at];
  if (!(mean > 0)) return 0;
  if (!(mean < 30)) return poissonAt(rng, means, at);
  return poissonByInversion(rng, mean, zeroProbabilities[at]);
}

/** Poisson(mean) for a small mean by inverting its CDF from P(0) = `zero` (= e^−mean) on one uniform. */
function poissonByInversion(rng: RandomStream, mean: number, zero: number): number {
  let p = zero;
  let cdf = p;
  const u = rng.next();
  let k = 0;
  while (u > cdf) {
    k++;
    p *= mean / k;
    cdf += p;
    if (p < 1e-300 && cdf >= u - 1e-15) break;
  }
  return k;
}

/**
 * `poisson(rng, means[at])`, the same draws: the mean read from a typed array rather than passed, because
 * a double passed to a call that is not inlined is boxed in a fresh heap number (16 bytes per jump count
 * of every step in the t-garch-jump model).
 */
export function poissonAt(rng: RandomStream, means: Float64Array, at: number): number {
  const mean = means[at];
  if (!(mean > 0)) return 0;
  if (mean < 30) return poissonByInversion(rng, mean, Math.exp(-mean));
  const slam = Math.sqrt(mean);
  const loglam = Math.log(mean);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.nextOpen();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - logGamma(k + 1)) return k;
  }
}
