import type { Calibration } from "./calibrate.ts";

/**
 * The model file `perpsim calibrate` writes: a stress-config fragment (`description`, `model`,
 * `funding`) that `parseStressConfig` accepts once a venue, balance and portfolio are added, with the
 * data's own statistics and the rules used kept beside it under `calibration` in a separate file.
 */
export function modelFile(c: Calibration, symbolsArg: string): { model: string; calibration: string } {
  const description = `calibrated by perpsim calibrate --symbols ${symbolsArg} on ${c.stats.from} → ${c.stats.to} (${c.stats.hours} h); see calibration.json for the data's statistics and the rules`;
  const body: Record<string, unknown> = { description, model: { ...c.model, assets: Object.fromEntries(c.model.assets.map(({ symbol, price, vol, drift, jumpBeta, idiosyncraticJumpsPerYear }) => [symbol, { price, diffusionVol: vol, drift, jumpBeta, idiosyncraticJumpsPerYear }])) } };
  if (c.funding) body.funding = c.funding;
  return { model: JSON.stringify(body, null, 2) + "\n", calibration: JSON.stringify(c.stats, null, 2) + "\n" };
}
