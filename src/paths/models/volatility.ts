import type { JumpSizeSpec, JumpSpec, RegimeSpec } from "./types.ts";

/*
 * What `vol` means in the t-garch-jump model. The model's per-asset σ is the diffusive part only; jumps
 * and the stress regime's volatility multiplier add to it. A user reads "vol" as the annual volatility
 * of log returns, so a config may state either that total (`vol`) or the diffusive part (`diffusionVol`),
 * and both are reported. GARCH leaves the long-run variance alone (its normalised variance averages 1),
 * and so does the Student-t mixing (unit variance), so the long-run annual variance is
 *   σ_total² = σ_d² · (1 − π + π·k²) + β² · (λ_m·E[J_m²] + λ_i·E[J_i²]) · (1 − π + π·m)
 * with π the long-run share of time in stress, k the stress volatility multiplier, m the stress jump
 * intensity multiplier, β the asset's jump beta, and E[J²] = 2·(p·η_up² + (1 − p)·η_down²) for a Kou jump.
 */

type Parts = { regimes: RegimeSpec | false; jumps: JumpSpec | false };

/**
 * Long-run share of time in the stress regime: leaving rates a = −ln(stayCalm), b = −ln(stayStress) per
 * day give π = a / (a + b) (the small-step limit of the per-step chain). With neither regime ever left,
 * the path stays where it starts.
 */
export function stressShare(regimes: RegimeSpec | false): number {
  if (!regimes) return 0;
  const a = -Math.log(regimes.stayCalmPerDay), b = -Math.log(regimes.stayStressPerDay);
  if (!(a + b > 0)) return regimes.start === "stress" ? 1 : 0;
  return a / (a + b);
}

/** E[J²] of one Kou double-exponential log jump. */
export function kouSecondMoment(s: JumpSizeSpec): number {
  return 2 * (s.upProbability * s.meanUp * s.meanUp + (1 - s.upProbability) * s.meanDown * s.meanDown);
}

/**
 * Annual variance the jumps add to an asset of jump beta `beta`, over the long-run regime mix;
 * `idiosyncraticRate` is the asset's own idiosyncratic jump rate when it has one.
 */
export function jumpVariancePerYear(beta: number, { regimes, jumps }: Parts, idiosyncraticRate?: number): number {
  if (!jumps) return 0;
  const pi = stressShare(regimes);
  const intensity = 1 - pi + pi * (regimes ? regimes.jumpIntensityMultiplier : 1);
  const idio = idiosyncraticRate ?? jumps.idiosyncratic.ratePerYear;
  const perYear = jumps.market.ratePerYear * kouSecondMoment(jumps.market) + idio * kouSecondMoment(jumps.idiosyncratic);
  return beta * beta * perYear * intensity;
}

/** How much the stress regime raises the diffusive variance on average: 1 − π + π·k². */
export function regimeVarianceUplift(regimes: RegimeSpec | false): number {
  const pi = stressShare(regimes);
  const k = regimes ? regimes.volMultiplier : 1;
  return 1 - pi + pi * k * k;
}

/** The long-run annual volatility of log returns of an asset with diffusive volatility `diffusionVol`. */
export function totalVol(diffusionVol: number, beta: number, parts: Parts, idiosyncraticRate?: number): number {
  return Math.sqrt(diffusionVol * diffusionVol * regimeVarianceUplift(parts.regimes) + jumpVariancePerYear(beta, parts, idiosyncraticRate));
}

/**
 * The diffusive volatility that gives a long-run total of `total`; null when the jumps alone already carry
 * that much variance (the caller says which parameters to lower).
 */
export function diffusionVolFor(total: number, beta: number, parts: Parts, idiosyncraticRate?: number): number | null {
  const rest = total * total - jumpVariancePerYear(beta, parts, idiosyncraticRate);
  if (!(rest > 0)) return null;
  return Math.sqrt(rest / regimeVarianceUplift(parts.regimes));
}
