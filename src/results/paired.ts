/**
 * The paired difference of two proportions measured on the same trials — the definition shared by the
 * stress runner that writes `paired.difference` and the report that re-derives it for older summaries.
 */

/** z of a two-sided 95 % interval */
const Z95 = 1.959963984540054;

export interface PairedDifference {
  estimate: number;
  ci95: [number, number];
}

/**
 * p₁ − p₂ on n paired trials from the discordant counts: b = trials where only the first succeeded,
 * c = only the second. The interval is Tango's score interval (Tango 1998, Stat Med 17:891–908): every
 * Δ whose score statistic
 *   T(Δ) = (b − c − nΔ) / √(n·(2·q̂(Δ) + Δ(1 − Δ)))
 * lies within ±z, with q̂(Δ) the constrained maximum-likelihood estimate of P(only second):
 *   q̂ = (√(B² − 4AC) − B)/(2A), A = 2n, B = −b − c + (2n − b + c)Δ, C = −cΔ(1 − Δ).
 * Unlike the Wald interval d ± z·se it does not collapse to [0, 0] when no trial is discordant: then the
 * bounds are ±z²/(n + z²). T is decreasing in Δ, so each bound is found by bisection.
 */
export function pairedDifference(onlyFirst: number, onlySecond: number, trials: number, z = Z95): PairedDifference {
  if (!(trials > 0)) return { estimate: 0, ci95: [-1, 1] };
  const b = onlyFirst, c = onlySecond, n = trials;
  const estimate = (b - c) / n;
  const score = (delta: number): number => {
    const B = -b - c + (2 * n - b + c) * delta;
    const C = -c * delta * (1 - delta);
    const q = (Math.sqrt(Math.max(0, B * B - 8 * n * C)) - B) / (4 * n);
    const variance = n * (2 * q + delta * (1 - delta));
    const numerator = b - c - n * delta;
    if (!(variance > 0)) return numerator === 0 ? 0 : numerator > 0 ? Infinity : -Infinity;
    return numerator / Math.sqrt(variance);
  };
  // lower bound: the Δ ≤ estimate where T falls to +z; upper: the Δ ≥ estimate where T reaches −z
  const lower = bisect(score, -1, estimate, z);
  const upper = bisect(score, estimate, 1, -z);
  return { estimate, ci95: [lower, upper] };
}

/** The Δ in [lo, hi] where the decreasing function f crosses `target` (an end when it never does). */
function bisect(f: (x: number) => number, lo: number, hi: number, target: number): number {
  if (f(lo) <= target) return lo;
  if (f(hi) >= target) return hi;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
