/**
 * The standard stress workload (bench/ssw.json exactly: 10,000 paths × 2,160 hourly steps × 3 assets,
 * Student-t shocks, hourly funding, cross and isolated on common random numbers) through the runner
 * with 2 workers, start-up of the pool included. Target: ≥ 10 M asset-steps/s (the run in < 6.5 s).
 * Baseline: the same runner on one thread in this process (1,000 paths), so the ratio is the pool's gain.
 */
import { readFileSync } from "node:fs";
import { parseStressConfig, runStress, simulateAll } from "../src/montecarlo/index.ts";

export default async function (): Promise<void> {
  const { config } = parseStressConfig(JSON.parse(readFileSync(new URL("./ssw.json", import.meta.url), "utf8")), "bench/ssw.json");
  const assetSteps = (paths: number) => paths * config.steps * config.model.assets.length;

  const basePaths = 1000;
  await simulateAll({ ...config, paths: 200 }, { workers: 1 }); // warm up
  const b0 = performance.now();
  await simulateAll({ ...config, paths: basePaths }, { workers: 1 });
  const base = assetSteps(basePaths) / ((performance.now() - b0) / 1000);

  const t0 = performance.now();
  const result = await runStress(config, { workers: 2 });
  const seconds = (performance.now() - t0) / 1000;
  const rate = assetSteps(config.paths) / seconds;
  const m = (x: number) => `${(x / 1e6).toFixed(1)} M`;
  console.log(`one thread (baseline, ${basePaths} paths):  ${m(base)} asset-steps/s`);
  console.log(`ssw, 2 workers, start-up included:   ${m(rate)} asset-steps/s  (×${(rate / base).toFixed(2)} baseline)  whole run ${seconds.toFixed(2)} s (simulate ${result.timings.simulate.toFixed(2)} s, statistics and files ${result.timings.aggregate.toFixed(2)} s); target ≥ 10 M, < 6.5 s`);
  const [cross, iso] = result.summary.runs;
  console.log(`liquidated: cross ${cross.liquidationProbability}, isolated ${iso.liquidationProbability}`);
}
