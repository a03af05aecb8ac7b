/**
 * An independent reference for Tango's paired score interval: the constrained maximum-likelihood
 * estimate is found by maximising the multinomial likelihood numerically (golden section), not by the
 * closed-form root the code uses, and the variance of b − c is written from the multinomial directly:
 * Var(b − c) = n·(p₁₂ + p₂₁ − (p₁₂ − p₂₁)²).
 */
export function scoreStatistic(b: number, c: number, n: number, delta: number): number {
  const rest = n - b - c;
  const logLik = (q: number) => (b ? b * Math.log(q + delta) : 0) + (c ? c * Math.log(q) : 0) + (rest ? rest * Math.log(1 - 2 * q - delta) : 0);
  let lo = Math.max(0, -delta), hi = (1 - delta) / 2;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 300; i++) {
    const x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    if (logLik(x1) < logLik(x2)) lo = x1;
    else hi = x2;
  }
  const q = (lo + hi) / 2;
  const p12 = q + delta;
  return (b - c - n * delta) / Math.sqrt(n * (p12 + q - delta * delta));
}

/** log of the multinomial probability of (b, c, rest) discordant/concordant counts. */
export function logMultinomial(n: number, b: number, c: number, p12: number, p21: number): number {
  const rest = n - b - c;
  const lf = (k: number) => { let s = 0; for (let i = 2; i <= k; i++) s += Math.log(i); return s; };
  const term = (k: number, p: number) => (k === 0 ? 0 : p <= 0 ? -Infinity : k * Math.log(p));
  return lf(n) - lf(b) - lf(c) - lf(rest) + term(b, p12) + term(c, p21) + term(rest, 1 - p12 - p21);
}
