import type { Quantiles } from "../../results/index.ts";

/**
 * Distribution summaries of a per-path money sample (terminal or minimum equity), in the terms of
 * `Quantiles` in src/results/types.ts. Sign convention:
 *   mean, p5      — equity in quote currency (p5 = the 5th percentile of equity);
 *   var95, var99  — value at risk as a POSITIVE LOSS relative to the initial balance:
 *                   initialBalance − (5th / 1st percentile of equity);
 *   es975, es99   — expected shortfall, also a positive loss vs the initial balance: initialBalance −
 *                   the mean equity of the worst 2.5 % / 1 % of paths (fractional tail weight at the
 *                   boundary path, Acerbi–Tasche).
 * Percentiles are the inverse empirical CDF: the ⌈p·N⌉-th smallest value.
 */
export type EquityQuantiles = Quantiles;

/** The ⌈p·N⌉-th smallest of an ascending sample (p in (0, 1]). */
export function lowerQuantile(sortedAscending: ArrayLike<number>, p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return NaN;
  const k = Math.min(n, Math.max(1, Math.ceil(p * n - 1e-9)));
  return sortedAscending[k - 1];
}

/** Mean of the lowest share `tail` of an ascending sample, the boundary value weighted fractionally. */
export function lowerTailMean(sortedAscending: ArrayLike<number>, tail: number): number {
  const n = sortedAscending.length;
  if (n === 0) return NaN;
  const m = tail * n;
  const whole = Math.floor(m + 1e-9);
  let sum = 0;
  for (let i = 0; i < whole && i < n; i++) sum += sortedAscending[i];
  const frac = m - whole;
  if (frac > 1e-9 && whole < n) sum += frac * sortedAscending[whole];
  return m >= 1e-12 ? sum / m : sortedAscending[0];
}

/** Sorted copy (deterministic: the order of equal values does not matter for these summaries). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>).sort();
}

export function equityQuantiles(equity: ArrayLike<number>, initialBalance: number): EquityQuantiles {
  const s = sortedCopy(equity);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  return {
    mean: s.length ? sum / s.length : NaN,
    p5: lowerQuantile(s, 0.05),
    var95: initialBalance - lowerQuantile(s, 0.05),
    var99: initialBalance - lowerQuantile(s, 0.01),
    es975: initialBalance - lowerTailMean(s, 0.025),
    es99: initialBalance - lowerTailMean(s, 0.01),
  };
}

/** Mean and the ⌈0.95·N⌉-th smallest value (e.g. funding paid: mean and p95). */
export function meanAndUpper(values: ArrayLike<number>, p = 0.95): { mean: number; upper: number } {
  const s = sortedCopy(values);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  return { mean: s.length ? sum / s.length : NaN, upper: lowerQuantile(s, p) };
}
