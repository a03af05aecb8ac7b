import type { RandomStream } from "./random/stream.ts";

/*
 * Brownian-bridge maths for what happens between two observations of a step.
 * Distances are measured from the barrier on the safe side, so one formula serves every case:
 *   lower barrier b on log price x:  d = x − b      upper barrier:  d = b − x
 *   cross account: d = equity − maintenance margin (arithmetic), variance σ_D²·Δt with σ_D² = gᵀΣg.
 */

/** Beyond this exponent exp(−k) < 4e-18: treated as no crossing (the cheap early-out). */
const NEGLIGIBLE_EXPONENT = 40;

/**
 * P(the bridge from d0 to d1 touches 0) for a Brownian motion whose increment over the step has
 * variance `variance`: exp(−2·d0·d1/variance), 1 when either end is already at or past the barrier.
 */
export function crossingProbability(d0: number, d1: number, variance: number): number {
  if (d0 <= 0 || d1 <= 0) return 1;
  if (!(variance > 0)) return 0;
  const k = (2 * d0 * d1) / variance;
  return k > NEGLIGIBLE_EXPONENT ? 0 : Math.exp(-k);
}

/**
 * Whether the bridge crossed, given a uniform `u` in [0, 1): the same decision as comparing the
 * sampled bridge extreme with the barrier. Skips the exponential when the product is far from the
 * barrier, which is almost every step.
 */
export function bridgeCrossed(d0: number, d1: number, variance: number, u: number): boolean {
  if (d0 <= 0 || d1 <= 0) return true;
  const twoProduct = 2 * d0 * d1;
  if (twoProduct > NEGLIGIBLE_EXPONENT * variance) return false;
  return u < Math.exp(-twoProduct / variance);
}

/** The lower-barrier crossing probability on log prices: exp(−2(x0−b)(x1−b)/(σ²Δt)). */
export function lowerBarrierProbability(x0: number, x1: number, barrier: number, variance: number): number {
  return crossingProbability(x0 - barrier, x1 - barrier, variance);
}

/** The upper-barrier crossing probability on log prices. */
export function upperBarrierProbability(x0: number, x1: number, barrier: number, variance: number): number {
  return crossingProbability(barrier - x0, barrier - x1, variance);
}

/**
 * The step's minimum of a Brownian bridge from 0 to x (log-return x, increment variance `variance`),
 * by inverse CDF with uniform u ∈ (0, 1] (QuantLib's BarrierPathPricer): ½(x − √(x² − 2·var·ln u)).
 */
export function sampleBridgeMin(x: number, variance: number, u: number): number {
  return 0.5 * (x - Math.sqrt(x * x - 2 * variance * Math.log(u)));
}

/** The step's maximum, likewise: ½(x + √(x² − 2·var·ln u)). */
export function sampleBridgeMax(x: number, variance: number, u: number): number {
  return 0.5 * (x + Math.sqrt(x * x - 2 * variance * Math.log(u)));
}

/**
 * The exact joint (min, max) of a Brownian bridge from 0 to x over a step with increment variance
 * `variance`, written to out[0] (min) and out[1] (max), both as log offsets from the open.
 * The max is drawn from its marginal; the min from its law given the max, by bisection on the
 * reflection series of the bridge confined to a strip. Exact (Parkinson's E[ln(H/L)²] = 4 ln2·σ²Δt
 * holds) but ~50× the cost of the marginal samplers: use it for candles a strategy reads, and the
 * marginals (or `bridgeCrossed`) for liquidation checks, which need only one side.
 */
export function sampleBridgeExtremes(x: number, variance: number, rng: RandomStream, out: Float64Array): void {
  if (!(variance > 0)) {
    out[0] = Math.min(0, x);
    out[1] = Math.max(0, x);
    return;
  }
  // Work on a standardised bridge (variance 1) and scale back.
  const sd = Math.sqrt(variance);
  const xs = x / sd;
  const b = sampleBridgeMax(xs, 1, rng.nextOpen());
  const target = rng.next();
  const top = Math.min(0, xs);
  let lo = top - 7; // P(min below) < e^-98 for the standardised bridge
  let hi = top;
  const density = maxDensity(b, xs);
  if (density > 0) {
    for (let iter = 0; iter < 44 && hi - lo > 1e-12; iter++) {
      const mid = 0.5 * (lo + hi);
      if (minCdfGivenMax(mid, b, xs, density) < target) lo = mid;
      else hi = mid;
    }
  }
  out[0] = 0.5 * (lo + hi) * sd;
  out[1] = b * sd;
}

/** Density of the max M = b of a standard bridge from 0 to x: 2(2b−x)·exp(−2b(b−x)). */
function maxDensity(b: number, x: number): number {
  return 2 * (2 * b - x) * Math.exp(-2 * b * (b - x));
}

/**
 * P(min ≤ a | max = b) for a standard bridge from 0 to x, from
 * F(a, b) = P(a < min, max < b) = Σ_k [exp(−2kw(kw − x)) − exp(−2u_k(u_k − x))], w = b − a, u_k = b − kw,
 * as 1 − ∂F/∂b ÷ (density of the max).
 */
function minCdfGivenMax(a: number, b: number, x: number, density: number): number {
  const w = b - a;
  let dF = reflectionTerm(0, w, b, x);
  for (let k = 1; k < 400; k++) {
    const c = reflectionTerm(k, w, b, x) + reflectionTerm(-k, w, b, x);
    dF += c;
    if (Math.abs(c) < 1e-17 * density && k >= 2) break;
  }
  return 1 - dF / density;
}

/** ∂/∂b of the k-th pair of image terms of F(a, b) (see minCdfGivenMax). */
function reflectionTerm(k: number, w: number, b: number, x: number): number {
  const kw = k * w;
  const ea = -2 * kw * (kw - x);
  const termA = k === 0 || ea < -745 ? 0 : Math.exp(ea) * -(4 * k * kw - 2 * k * x);
  const u = b - kw;
  const eb = -2 * u * (u - x);
  const termB = k === 1 || eb < -745 ? 0 : Math.exp(eb) * -2 * (2 * u - x) * (1 - k);
  return termA - termB;
}
