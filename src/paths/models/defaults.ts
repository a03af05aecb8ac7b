import { baseAsset } from "../../venues/index.ts";
import type { GarchSpec, JumpSpec, RegimeSpec } from "./types.ts";

/*
 * Defaults for the t-garch-jump model, from ../shared/reference/montecarlo.md §1.2, §4 (calm
 * correlations) and §6 (recommended set). They are assumptions to calibrate, every one overridable
 * in the config.
 */

/**
 * Per-asset defaults for the coins the reference covers, keyed by base coin: `BTCUSDT`, `BTC-USD` and
 * `BTC` all get BTC's. `diffusionVol` is the diffusive part of the volatility (the total, with the
 * default jumps and regimes, is reported beside it).
 */
const ASSET_PRESETS: ReadonlyMap<string, AssetPreset> = new Map([
  ["BTC", { diffusionVol: 0.6, jumpBeta: 1 }],
  ["ETH", { diffusionVol: 0.75, jumpBeta: 1.3 }],
  ["SOL", { diffusionVol: 1.0, jumpBeta: 2 }],
]);

export interface AssetPreset {
  diffusionVol: number;
  jumpBeta: number;
}

/** The base coin of a model asset by the venues' one rule (`BTCUSDT` → `BTC`); the name itself when it is no symbol. */
export function baseCoin(symbol: string): string {
  try {
    return baseAsset(symbol);
  } catch {
    return symbol;
  }
}

/** The preset of a symbol's base coin, if the reference covers it. */
export function assetPreset(symbol: string): AssetPreset | undefined {
  return ASSET_PRESETS.get(baseCoin(symbol));
}

/** jump beta of a symbol without a preset */
export const DEFAULT_JUMP_BETA = 1.5;

/** Calm-regime return correlations (§4 "Recommended presets"); other pairs get DEFAULT_PAIR_CORRELATION. */
const CALM_PAIRS: ReadonlyMap<string, number> = new Map([
  ["BTC/ETH", 0.8],
  ["BTC/SOL", 0.7],
  ["ETH/SOL", 0.75],
]);
export const DEFAULT_PAIR_CORRELATION = 0.6;

/** The calm correlation of a pair by base coin, undefined when the reference has none. */
export function presetPairCorrelation(a: string, b: string): number | undefined {
  const x = baseCoin(a), y = baseCoin(b);
  return CALM_PAIRS.get(`${x}/${y}`) ?? CALM_PAIRS.get(`${y}/${x}`);
}

export function defaultCorrelation(symbols: readonly string[]): number[][] {
  return symbols.map((a, i) => symbols.map((b, j) => (i === j ? 1 : presetPairCorrelation(a, b) ?? DEFAULT_PAIR_CORRELATION)));
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
