import type { StressConfig } from "../stress/index.ts";

/**
 * One terminal line with each model asset's annual volatility: the total that returns realise (jumps and
 * stress regimes included) and, where it differs, the diffusive part the model's σ is. Null for models
 * without parametric assets (bootstrap).
 */
export function modelVolLine(model: StressConfig["model"]): string | null {
  if (!("assets" in model) || !Array.isArray(model.assets)) return null;
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const parts = model.assets.map((a) => {
    const total = a.totalVol ?? a.vol;
    return Math.abs(total - a.vol) > 5e-4 ? `${a.symbol} ${pct(total)} (diffusion ${pct(a.vol)})` : `${a.symbol} ${pct(total)}`;
  });
  return `annual vol: ${parts.join(", ")}`;
}
