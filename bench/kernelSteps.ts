/**
 * The fused kernel alone on SSW paths, for profiling (`node --cpu-prof`, `valgrind --tool=callgrind`):
 * `npx tsx bench/kernelSteps.ts [paths] [rounds] [fused|generic|market|model|reset]` prints wall and CPU
 * nanoseconds per path-step per round (`generic`: the fused kernel without its compiled path), and a checksum of the results (the same bytes before and after a
 * change give the same sum). Also the market step alone (model + log prices + funding rates, no margin
 * modes) and the model step alone on the same paths, so the kernel's own share is the difference. For
 * instruction counts, bundle it (`npx esbuild bench/kernelSteps.ts --bundle --platform=node --format=esm
 * --outfile=/tmp/ks.mjs`, with bench/ssw.json beside it) and run it under `valgrind --tool=callgrind`
 * with 3 and 6 rounds: the difference over 3 × paths × 2,160 is the steady state's instructions per step.
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
const sim = new FusedPathSimulator(config, { loop: only === "generic" ? "generic" : "compiled" });
// the kernel's own market step, reached past `private` (a bench of its parts, not an API)
const market = sim as unknown as { reset(p: number): void; marketStep(s: number): void; model: { step(dt: number, r: Float64Array, v: Float64Array): void } };
const out = new Float64Array(paths * config.modes.length * PATH_FIELDS);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) * 1e3; };

function checksum(a: Float64Array): string {
  const b = new Uint32Array(a.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h.toString(16);
}

for (let round = 0; round < rounds; round++) {
  if (only === "" || only === "fused" || only === "generic") {
    const c0 = cpu(), t0 = performance.now();
    for (let p = 0; p < paths; p++) sim.run(p, out, p * config.modes.length * PATH_FIELDS);
    const steps = paths * config.steps;
    console.log(`fused: ${(((performance.now() - t0) * 1e6) / steps).toFixed(0)} ns/step wall, ${((cpu() - c0) / steps).toFixed(0)} CPU; checksum ${checksum(out)}`);
  }
  if (only === "" || only === "market") {
    const c0 = cpu(), t0 = performance.now();
    for (let p = 0; p < paths; p++) {
      market.reset(p);
      for (let s = 0; s < config.steps; s++) market.marketStep(s);
    }
    const steps = paths * config.steps;
    console.log(`market step alone: ${(((performance.now() - t0) * 1e6) / steps).toFixed(0)} ns/step wall, ${((cpu() - c0) / steps).toFixed(0)} CPU`);
  }
  if (only === "reset") {
    const c0 = cpu();
    for (let p = 0; p < paths; p++) market.reset(p);
    console.log(`path start alone (streams, model, every mode's book opened): ${((cpu() - c0) / paths / 1000).toFixed(1)} µs a path, ${((cpu() - c0) / (paths * config.steps)).toFixed(1)} ns a step`);
  }
  if (only === "" || only === "model") {
    const c0 = cpu(), t0 = performance.now();
    const r = new Float64Array(3), v = new Float64Array(3);
    const dt = config.stepMinutes / 60 / (24 * 365);
    for (let p = 0; p < paths; p++) {
      market.reset(p);
      for (let s = 0; s < config.steps; s++) market.model.step(dt, r, v);
    }
    const steps = paths * config.steps;
    console.log(`model step alone: ${(((performance.now() - t0) * 1e6) / steps).toFixed(0)} ns/step wall, ${((cpu() - c0) / steps).toFixed(0)} CPU`);
  }
}
