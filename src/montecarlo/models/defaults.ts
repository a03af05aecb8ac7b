import type { GarchSpec, JumpSpec, RegimeSpec } from "./types.ts";

/*
 * Defaults for the t-garch-jump model, from ../shared/reference/montecarlo.md §1.2, §4 (calm
 * correlations) and §6 (recommended set). They are assumptions to calibrate, every one overridable
 * in the config.
 */

/** Per-asset defaults for the symbols the reference covers. */
export const ASSET_PRESETS: Readonly<Record<string, { vol: number; jumpBeta: number }>> = {
  BTC: { vol: 0.6, jumpBeta: 1 },
  ETH: { vol: 0.75, jumpBeta: 1.3 },
  SOL: { vol: 1.0, jumpBeta: 2 },
};

/** jump beta of a symbol without a preset */
export const DEFAULT_JUMP_BETA = 1.5;

/** Calm-regime return correlations (§4 "Recommended presets"); other pairs get DEFAULT_PAIR_CORRELATION. */
const CALM_PAIRS: Readonly<Record<string, number>> = {
  "BTC/ETH": 0.8,
  "BTC/SOL": 0.7,
  "ETH/SOL": 0.75,
};
export const DEFAULT_PAIR_CORRELATION = 0.6;

export function defaultCorrelation(symbols: readonly string[]): number[][] {
  return symbols.map((a, i) =>
    symbols.map((b, j) => (i === j ? 1 : CALM_PAIRS[`${a}/${b}`] ?? CALM_PAIRS[`${b}/${a}`] ?? DEFAULT_PAIR_CORRELATION)),
  );
}

export const DEFAULT_NU = 4;

/** daily-scale GARCH(1,1): α ≈ 0.12, β ≈ 0.85 (§6) */
export const DEFAULT_GARCH: GarchSpec = { alpha: 0.12, beta: 0.85, hours: 24 };

/** calm/stress: stay 0.99/day calm, 0.9/day stress; stress σ×2.5, correlation blended 0.9 toward 0.95 (§1.2, §6) */
export const DEFAULT_REGIMES: RegimeSpec = {
  stayCalmPerDay: 0.99,
  stayStressPerDay: 0.9,
  volMultiplier: 2.5,
  stressCorrelation: 0.95,
  blend: 0.9,
  jumpIntensityMultiplier: 5,
  start: "calm",
};

/** Kou jumps: market λ 20/yr, p_up 0.3, mean down 7 % (§6); idiosyncratic alt jumps smaller and rarer */
export const DEFAULT_JUMPS: JumpSpec = {
  market: { ratePerYear: 20, upProbability: 0.3, meanUp: 0.04, meanDown: 0.07 },
  idiosyncratic: { ratePerYear: 6, upProbability: 0.4, meanUp: 0.03, meanDown: 0.05 },
};
