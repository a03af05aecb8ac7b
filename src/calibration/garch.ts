import { logGamma } from "../paths/index.ts";

/**
 * GARCH(1,1) by Gaussian quasi-maximum likelihood with variance targeting (ω = s²(1 − α − β)), on a
 * coarse-to-fine grid of (α, α + β): robust and dependency-free. Returns the step-scale parameters.
 */
export function fitGarch(r: ArrayLike<number>): { alpha: number; beta: number; conditionalSd: Float64Array } {
  const n = r.length;
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += r[i] * r[i];
  s2 /= n;
  const loglik = (alpha: number, persistence: number): number => {
    const beta = persistence - alpha;
    const omega = s2 * (1 - persistence);
    let h = s2, ll = 0;
    for (let i = 0; i < n; i++) {
      ll -= Math.log(h) + (r[i] * r[i]) / h;
      h = omega + alpha * r[i] * r[i] + beta * h;
    }
    return ll;
  };
  let best = { alpha: 0.05, p: 0.95, ll: -Infinity };
  let aStep = 0.03, pStep = 0.02;
  let aLo = 0.01, aHi = 0.31, pLo = 0.8, pHi = 0.999;
  for (let round = 0; round < 3; round++) {
    for (let a = aLo; a <= aHi + 1e-12; a += aStep) {
      for (let p = pLo; p <= pHi + 1e-12; p += pStep) {
        if (a >= p) continue;
        const ll = loglik(a, p);
        if (ll > best.ll) best = { alpha: a, p, ll };
      }
    }
    aLo = Math.max(0.001, best.alpha - aStep); aHi = best.alpha + aStep; aStep /= 5;
    pLo = Math.max(0.5, best.p - pStep); pHi = Math.min(0.9995, best.p + pStep); pStep /= 5;
  }
  const beta = best.p - best.alpha;
  const conditionalSd = new Float64Array(n);
  let h = s2;
  for (let i = 0; i < n; i++) {
    conditionalSd[i] = Math.sqrt(h);
    h = s2 * (1 - best.p) + best.alpha * r[i] * r[i] + beta * h;
  }
  return { alpha: best.alpha, beta, conditionalSd };
}

/** Student-t degrees of freedom (unit variance) by maximum likelihood over a grid, for standardised residuals. */
export function fitStudentNu(z: ArrayLike<number>): number {
  let best = 30, bestLl = -Infinity;
  for (let nu = 2.2; nu <= 30 + 1e-9; nu += nu < 6 ? 0.05 : 0.5) {
    const c = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2));
    let ll = 0;
    for (let i = 0; i < z.length; i++) ll += c - ((nu + 1) / 2) * Math.log(1 + (z[i] * z[i]) / (nu - 2));
    if (ll > bestLl) { bestLl = ll; best = nu; }
  }
  return Math.round(best * 100) / 100;
}
