/**
 * The fused kernel alone on SSW paths, for profiling (`node --cpu-prof`, `valgrind --tool=callgrind`):
 * `npx tsx bench/kernelSteps.ts [paths] [rounds]` prints wall and CPU nanoseconds per path-step per
 * round, and a checksum of the results (the same bytes before and after a change give the same sum).
 * Also the market step alone (model + log prices + funding rates, no margin modes) on the same paths,
 * so the kernel's own share is the difference.
 */
import { readFileSync } from "node:fs";
import { parseStressConfig } from "../src/stress/config.ts";
import { FusedPathSimulator } from "../src/stress/fusedKernel.ts";
import { PATH_FIELDS } from "../src/stress/pathResult.ts";

const paths = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const only = process.argv[4] ?? "";
const raw = JSON.parse(readFileSync(new URL("./ssw.json", import.meta.url), "utf8"));
const { config } = parseStressConfig(raw, "bench/ssw.json", { paths });
const sim = new FusedPathSimulator(config);
// the kernel's own market step, reached past `private` (a bench of its parts, not an API)
const market = sim as unknown as { reset(p: number): void; marketStep(s: number): void };
const out = new Float64Array(paths * config.modes.length * PATH_FIELDS);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1e3; };

function checksum(a: Float64Array): string {
  const b = new Uint32Array(a.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h.toString(16);
}

for (let round = 0; round < rounds; round++) {
  if (only !== "market") {
    const c0 = cpu(), t0 = performance.now();
    for (let p = 0; p < paths; p++) sim.run(p, out, p * config.modes.length * PATH_FIELDS);
    const steps = paths * config.steps;
    console.log(`fused: ${(((performance.now() - t0) * 1e6) / steps).toFixed(0)} ns/step wall, ${((cpu() - c0) / steps).toFixed(0)} CPU; checksum ${checksum(out)}`);
  }
  if (only !== "fused") {
    const c0 = cpu(), t0 = performance.now();
    for (let p = 0; p < paths; p++) {
      market.reset(p);
      for (let s = 0; s < config.steps; s++) market.marketStep(s);
    }
    const steps = paths * config.steps;
    console.log(`market step alone: ${(((performance.now() - t0) * 1e6) / steps).toFixed(0)} ns/step wall, ${((cpu() - c0) / steps).toFixed(0)} CPU`);
  }
}
