import type { RandomStream } from "./random/stream.ts";
import { normal } from "./random/ziggurat.ts";

/*
 * Brownian-bridge maths for what happens between two observations of a step.
 * Distances are measured from the barrier on the safe side, so one formula serves every case:
 *   lower barrier b on log price x:  d = x − b      upper barrier:  d = b − x
 *   cross account: the distance of the log prices to the surface D = equity − maintenance = 0, in
 *   standard deviations of the step (`crossBarrierDistance`), variance 1.
 */

/** Beyond this exponent exp(−k) < 4e-18: treated as no crossing (the cheap early-out). */
export const NEGLIGIBLE_EXPONENT = 40;

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

/**
 * The kernels' cheap early-out, before any logarithm: `b0`, `b1` are lower bounds of the log distances
 * at the step's ends (ln a ≥ 1 − 1/a). True when the step ends on the safe side and even these bounds put
 * the bridge's exponent past the negligible level: no crossing, no uniform drawn.
 */
export function farFromBarrier(b0: number, b1: number, variance: number): boolean {
  return b1 > 0 && 2 * b0 * b1 > NEGLIGIBLE_EXPONENT * variance;
}

/**
 * The cross account's early-out: gᵀΣg ≤ (Σ|g_i|)² = bound² for any correlation, so when the exponent is
 * negligible even against bound² the step is safe without computing gᵀΣg (no uniform drawn).
 */
export function farFromBarrierBound(d0: number, d1: number, bound: number): boolean {
  return d1 > 0 && 2 * d0 * d1 > NEGLIGIBLE_EXPONENT * bound * bound;
}

/**
 * Whether the bridge from d0 > 0 to d1 touched the barrier, drawing its uniform from `rng` only when the
 * exponent is not negligible: the decision and the draws of both portfolio kernels (a stream consumed
 * the same way gives the same paths). Ending at or past the barrier is a touch, with no draw.
 */
export function bridgeTouches(d0: number, d1: number, variance: number, rng: RandomStream): boolean {
  if (d1 <= 0) return true;
  const k = 2 * d0 * d1;
  return !(k > NEGLIGIBLE_EXPONENT * variance || rng.next() >= Math.exp(-k / variance));
}

/** σ_D² = gᵀΣg for the cross account's gradient g (scaled by each asset's step sd) and the step's correlation, row-major n × n. */
export function crossVariance(g: Float64Array, correlation: Float64Array, n: number): number {
  let varD = 0;
  for (let i = 0; i < n; i++) {
    if (g[i] === 0) continue;
    let row = 0;
    for (let j = 0; j < n; j++) row += correlation[i * n + j] * g[j];
    varD += g[i] * row;
  }
  return varD;
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
 * The cross account's liquidation surface in log prices: D(x) = equity − maintenance at prices e^x.
 * `slope` holds ∂D/∂price of each position (its first tier; 0 for no position); `excess` evaluates D
 * exactly at given prices (every rule and tier). Both are read only, on steps near the barrier.
 */
export interface CrossBarrier {
  readonly slope: ArrayLike<number>;
  excess(prices: Float64Array): number;
}

/** Newton on the distance stops at a step this small (standard units). */
const DISTANCE_TOLERANCE = 1e-10;
const DISTANCE_ITERATIONS = 12;
/** A distance further than this factor from the first-order one D/|∇D| is not trusted (the first-order one is kept). */
const DISTANCE_RANGE = 4;

/**
 * How far log prices x (where D = d) are from the cross account's surface D = 0, in standard
 * deviations of the step's diffusion (variance `variance`, correlation `correlation`, row-major):
 * the t where D(x − t·u) = 0 along u = Σ∇D/|∇D|_Σ, the most probable direction of a Gaussian move
 * to the surface. That is the Mahalanobis distance to the surface's tangent plane at the touch, so the
 * bridge test on it is exact when the surface is flat in log prices (a book whose other positions are
 * far from mattering, or whose prices move together) and second order in the step's log-volatility
 * otherwise — where the first-order distance D/|∇D|_Σ, the flat arithmetic bridge on D, is off by a
 * relative ½·(log distance) (ln a against 1 − 1/a for one asset). `work` needs 2n floats. Falls back
 * to D/|∇D|_Σ when the walk meets no surface nearby (a hedged book whose D turns before reaching 0).
 */
export function crossBarrierDistance(
  x: ArrayLike<number>, d: number, barrier: CrossBarrier, variance: ArrayLike<number>, correlation: ArrayLike<number>, work: Float64Array,
): number {
  const n = x.length;
  const slope = barrier.slope;
  const prices = work.subarray(n, 2 * n);
  for (let i = 0; i < n; i++) prices[i] = slope[i] * Math.exp(x[i]) * Math.sqrt(variance[i]); // ∇D in standard units, for now
  let norm2 = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += correlation[i * n + j] * prices[j];
    norm2 += prices[i] * row;
    work[i] = Math.sqrt(variance[i]) * row; // (Σ∇D)_i, scaled below
  }
  if (!(norm2 > 0)) return d > 0 ? Infinity : -Infinity;
  const norm = Math.sqrt(norm2);
  for (let i = 0; i < n; i++) work[i] /= norm;
  const first = d / norm;
  let t = first;
  for (let iter = 0; iter < DISTANCE_ITERATIONS; iter++) {
    let fall = 0; // −dD/dt along the walk
    for (let i = 0; i < n; i++) {
      const p = Math.exp(x[i] - t * work[i]);
      prices[i] = p;
      fall += slope[i] * p * work[i];
    }
    if (!(fall > 0)) return first;
    const step = barrier.excess(prices) / fall;
    t += step;
    if (Math.abs(step) < DISTANCE_TOLERANCE) break;
  }
  const ratio = t / first;
  return ratio > 1 / DISTANCE_RANGE && ratio < DISTANCE_RANGE ? t : first;
}

/**
 * P(a cross account that starts the step at log prices x0 (D = d0) and ends it at x1 (D = d1, before
 * any jump) touched D = 0 in between): the bridge probability exp(−2·t0·t1) on the distances of both
 * ends to the surface (`crossBarrierDistance`), the step's variance being 1 in those units. 1 when an
 * end is at or past the barrier.
 */
export function crossAccountCrossingProbability(
  x0: ArrayLike<number>, d0: number, x1: ArrayLike<number>, d1: number, barrier: CrossBarrier,
  variance: ArrayLike<number>, correlation: ArrayLike<number>, work: Float64Array,
): number {
  if (d0 <= 0 || d1 <= 0) return 1;
  const t0 = crossBarrierDistance(x0, d0, barrier, variance, correlation, work);
  const t1 = crossBarrierDistance(x1, d1, barrier, variance, correlation, work);
  return crossingProbability(t0, t1, 1);
}

/**
 * The cross account's `bridgeTouches`: the same gate on the flat bridge on D (exponent 2·d0·d1/varD,
 * varD = gᵀΣg at the step's start) and the same uniform drawn from `rng`, compared with the curved
 * probability (`crossAccountCrossingProbability`) on log prices x0 → x1. Both portfolio kernels call it,
 * so they draw and decide alike. Ending at or past the barrier is a touch, with no draw.
 */
export function crossAccountTouches(
  d0: number, d1: number, varD: number, rng: RandomStream, x0: ArrayLike<number>, x1: ArrayLike<number>, barrier: CrossBarrier,
  variance: ArrayLike<number>, correlation: ArrayLike<number>, work: Float64Array,
): boolean {
  if (d1 <= 0) return true;
  const k = 2 * d0 * d1;
  return !(k > NEGLIGIBLE_EXPONENT * varD || rng.next() >= crossAccountCrossingProbability(x0, d0, x1, d1, barrier, variance, correlation, work));
}

/**
 * When, as a fraction of the step, a Brownian motion that starts at distance d0 > 0 from the barrier
 * and ends at distance |d1| from it (on either side; increment variance `variance`) first touched it,
 * given that it did: an exact draw from the conditional law.
 *
 * By the strong Markov property the first-passage time τ over a step of length T has density
 * ∝ f_{d0}(τ)·p_{T−τ}(0, |d1|) (the Lévy hitting density times the Gaussian kernel from the barrier to
 * the end point), and with r = τ/(T − τ) this becomes ∝ r^{−3/2}·exp(−α²/(2r) − β²r/2),
 * α = d0/√variance, β = |d1|/√variance: the inverse Gaussian IG(mean α/β, shape α²). It is sampled
 * with Michael, Schucany & Haas (1976, The American Statistician 30:88) — one normal, one uniform —
 * with the smaller root written as 4λy/(√(4λy/μ + y²) + y)², which stays exact as μ → ∞ (d1 → 0,
 * where it is the Lévy law λ/y) and as y → 0. Returns τ/T = r/(1 + r) in [0, 1].
 */
export function sampleCrossingFraction(d0: number, d1: number, variance: number, rng: RandomStream): number {
  if (!(d0 > 0) || !(variance > 0)) return 0;
  const lambda = (d0 * d0) / variance;
  const mu = d0 / Math.abs(d1); // Infinity when the step ends on the barrier
  const z = normal(rng);
  const y = z * z;
  let r = y > 0 ? (4 * lambda * y) / (Math.sqrt((4 * lambda * y) / mu + y * y) + y) ** 2 : mu;
  // keep the smaller root with probability μ/(μ + r), else take the larger one, μ²/r
  if (rng.next() >= 1 / (1 + r / mu)) r = (mu / r) * mu;
  return Number.isFinite(r) ? r / (1 + r) : 1;
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
 * The max is drawn from its marginal (one `nextOpen`); the min by inverting its law given the max
 * (one `next`), the reflection series of the bridge confined to a strip, with safeguarded Newton
 * steps from the single-barrier closed form (about 3 series evaluations a bar, against 44 for
 * bisection). Exact to ~1e-12 of a standard deviation (Parkinson's E[ln(H/L)²] = 4 ln2·σ²Δt, the
 * double-barrier law and Kuiper's range law all hold) but still ~6× the cost of the two marginal
 * samplers: use it for candles a strategy reads, and the marginals (or `bridgeCrossed`) for
 * liquidation checks, which need only one side.
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
  out[0] = sampleMinGivenMax(xs, b, rng.next()) * sd;
  out[1] = b * sd;
}

/** The search floor below min(0, x): a standard bridge's min is lower with probability < e^-98. */
const SEARCH_DEPTH = 7;
/** Newton stops after a step this small (standard units): quadratic convergence leaves ~1e-14. */
const STEP_TOLERANCE = 1e-7;
const MAX_ITERATIONS = 80;
/**
 * Series terms whose exponent is this far below ln(target) are skipped: with their polynomial
 * factors (< e^8 for any bar that can occur) they move S by less than e^-42 ≈ 6e-19 of the target.
 */
const SKIP_MARGIN = 50;
/** Enough images for a strip as narrow as 0.02 standard units (the terms fall like e^{-2k²w²}). */
const MAX_IMAGES = 400;

/**
 * The min of a standard bridge from 0 to x whose max is b, as the root a of
 * S(a) = u · f(b) with S(a) = f(b) · P(min ≤ a | max = b) and f the density of the max.
 * Newton runs on ln S for u ≤ ½ and in log-log near the top for u > ½ (see the two step functions),
 * inside a bracket that falls back to bisection, so it converges for any (x, b, u).
 */
function sampleMinGivenMax(x: number, b: number, u: number): number {
  const top = Math.min(0, x);
  const floor = top - SEARCH_DEPTH;
  const density = maxDensity(b, x);
  // f(b) = 0 only when x = b = 0 exactly, where the conditional law degenerates: use the marginal.
  if (!(density > 0)) return sampleBridgeMin(x, 1, 1 - u);
  const target = u * density;
  if (!(target > 0)) return floor;
  const lnTarget = Math.log(target);
  const skipBelow = lnTarget - SKIP_MARGIN;
  // The lower half of the law is a Gaussian-like tail (ln S nearly quadratic in a); the upper half
  // ends at min(0, x) like a power of the distance to it, so there Newton runs in log-log.
  const upper = target > 0.5 * density;
  const lnRest = upper ? Math.log(density - target) : 0;
  let lo = floor;
  let hi = top;
  let a = singleBarrierGuess(x, b, lnTarget);
  if (!(a > lo && a < hi)) a = 0.5 * (lo + hi);
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    const s = strip(a, b, x, skipBelow);
    const slope = stripSlope;
    if (s < target) lo = a;
    else hi = a;
    const newton = upper ? nearTopStep(a, top, density - s, slope, lnRest) : tailStep(s, slope, lnTarget);
    // A step this small lands on the root (to ~step²) even if it crosses a bracket end.
    if (Math.abs(newton) < STEP_TOLERANCE) return a + newton;
    const next = a + newton;
    a = next > lo && next < hi ? next : 0.5 * (lo + hi);
    if (hi - lo < STEP_TOLERANCE) break;
  }
  return a;
}

/** The Newton step on ln S: S(a)·(ln target − ln S(a)) / S'(a); NaN when it cannot be taken. */
function tailStep(s: number, slope: number, lnTarget: number): number {
  return s > 0 && slope > 0 ? ((lnTarget - Math.log(s)) * s) / slope : NaN;
}

/**
 * The Newton step on ln Q against ln d, with d = min(0, x) − a the distance to the top and
 * Q = f(b) − S the mass above a (≈ c·d^p near the top, so the step is near exact there).
 */
function nearTopStep(a: number, top: number, rest: number, slope: number, lnRest: number): number {
  const d = top - a;
  if (!(rest > 0 && slope > 0 && d > 0)) return NaN;
  const power = (d * slope) / rest;
  return d - d * Math.exp((lnRest - Math.log(rest)) / power);
}

/**
 * The first guess: keep only the leading image (the one nearer the end point), which alone is the
 * min's law given the max when the lower barrier does not feel the upper one:
 * P(min ≤ a | max = b) ≈ 2y·exp(−(y² − x²)/2) / f(b), y = 2(b − a) − |x| (exactly 1 at a = min(0, x)).
 * Solved for y on its decreasing branch (y ≥ 1, where y² − 2 ln y = L with L = x² + 2 ln 2 − 2 ln(u·f(b))).
 */
function singleBarrierGuess(x: number, b: number, lnTarget: number): number {
  const l = x * x + 2 * Math.LN2 - 2 * lnTarget;
  const atTop = 2 * b - x; // y at a = min(0, x)
  let y = l > 1 ? Math.max(Math.sqrt(l + Math.log(l)), atTop) : atTop;
  // Newton on y² − 2 ln y = l: convex and increasing for y > 1, so from the left one step overshoots
  // to the right and the next comes back monotonically; two are plenty for a first guess.
  if (y > 1.05) {
    for (let i = 0; i < 2; i++) y -= (y * y - 2 * Math.log(y) - l) / (2 * y - 2 / y);
  }
  return b - 0.5 * (Math.max(y, atTop) + Math.abs(x));
}

/** Density of the max M = b of a standard bridge from 0 to x: 2(2b−x)·exp(−2b(b−x)). */
function maxDensity(b: number, x: number): number {
  return 2 * (2 * b - x) * Math.exp(-2 * b * (b - x));
}

/** dS/da from the last `strip` call (a second return value without allocating). */
let stripSlope = 0;

/**
 * S(a) = f(b)·P(min ≤ a | max = b) for a standard bridge from 0 to x, and its slope dS/da in
 * `stripSlope`. From the strip law (Anderson 1960; Borodin–Salminen 1.15.8)
 *   F(a, b) = P(a < min, max < b) = Σ_k [A_k − B_k],  A_k = exp(−2kw(kw − x)),  B_k = exp(−2u_k(u_k − x)),
 * w = b − a, u_k = b − kw, S = −∂F/∂b minus the k = 0 image (which is f(b) itself):
 *   S = Σ_{k≠0} [2k(2kw − x)·A_k − 2(1−k)(2u_k − x)·B_k]
 *   dS/da = Σ_{k≠0} [4k²((2kw − x)² − 1)·A_k + 4k(1−k)((2u_k − x)² − 1)·B_k].
 * Summing S directly (rather than f(b) − ∂F/∂b) keeps its relative precision deep in the tail.
 * Each of the four image families decays monotonically in |k|, so the sum stops at the first k ≥ 2
 * whose images are all negligible.
 */
function strip(a: number, b: number, x: number, skipBelow: number): number {
  const w = b - a;
  let s = 0;
  let slope = 0;
  for (let k = 1; k <= MAX_IMAGES; k++) {
    let live = false;
    for (let sign = 1; sign >= -1; sign -= 2) {
      const j = sign * k;
      const jw = j * w;
      const ea = -2 * jw * (jw - x);
      if (ea > skipBelow) {
        const e = Math.exp(ea);
        const m = 2 * jw - x;
        s += 2 * j * m * e;
        slope += 4 * j * j * (m * m - 1) * e;
        live = true;
      }
      if (j === 1) continue; // B_1 = exp(−2a(a − x)) does not depend on b
      const uj = b - jw;
      const eb = -2 * uj * (uj - x);
      if (eb > skipBelow) {
        const e = Math.exp(eb);
        const m = 2 * uj - x;
        s -= 2 * (1 - j) * m * e;
        slope += 4 * j * (1 - j) * (m * m - 1) * e;
        live = true;
      }
    }
    if (!live && k >= 2) break;
  }
  stripSlope = slope;
  return s;
}
