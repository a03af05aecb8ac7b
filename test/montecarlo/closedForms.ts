/** Closed forms the Monte Carlo tests hold the simulation to (written from the textbook, not the code). */
import { FIELD } from "../../src/stress/pathResult.ts";
import { normCdf } from "../../src/paths/math.ts";
import { PATH_FIELDS } from "../../src/stress/index.ts";

const YEAR_HOURS = 365 * 24;

/**
 * P(min over `hours` of a zero-drift GBM log price ≤ b), log drift μ = −σ²/2:
 * Φ((b − μT)/(σ√T)) + e^{2μb/σ²}·Φ((b + μT)/(σ√T)).
 */
export function firstPassage(vol: number, hours: number, b: number): number {
  const t = hours / YEAR_HOURS;
  const mu = -0.5 * vol * vol;
  const s = vol * Math.sqrt(t);
  return normCdf((b - mu * t) / s) + Math.exp((2 * mu * b) / (vol * vol)) * normCdf((b + mu * t) / s);
}

/**
 * ln(L/E) of a fresh isolated long with margin = notional / leverage and no fees, maintenance at the
 * liquidation price: m + q(L − E) = mmr·q·L  ⇒  L/E = (1 − 1/leverage)/(1 − mmr).
 */
export function isolatedLongBarrier(leverage: number, mmr: number): number {
  return Math.log((1 - 1 / leverage) / (1 - mmr));
}

/** Share of paths liquidated under mode `mode` in a runner's per-path results. */
export function liquidationShare(results: Float64Array, paths: number, modes: number, mode: number): number {
  let k = 0;
  for (let p = 0; p < paths; p++) k += results[(p * modes + mode) * PATH_FIELDS + FIELD.liquidated];
  return k / paths;
}
