/**
 * Path generation speed: the standard stress workload's model (bench/ssw.json: 3 assets, Student-t
 * shocks, no GARCH/jumps/regimes, hourly steps) in asset-steps per second on one core, against a
 * plain Math.random Box–Muller correlated GBM measured in the same process. Also the per-step bridge
 * check and the joint high/low sampler (against the two marginal samplers).
 */
import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
import { bridgeCrossed, sampleBridgeMax, sampleBridgeMin } from "../src/paths/bridge.ts";
import { createModel, type ModelSpec, sampleBridgeExtremes, cholesky, toSquareMatrix, HOURS_PER_YEAR, RandomStream, streamKey, SUBSTREAM } from "../src/paths/index.ts";
import { fillNormals } from "../src/paths/random/ziggurat.ts";
import { parseStressConfig, type StressConfig } from "../src/stress/config.ts";
import { pathStream } from "../src/paths/random/stream.ts";
import { PathSimulator, PATH_FIELDS, createSimulator } from "../src/stress/index.ts";
import { marketAhead } from "../src/stress/lanes/laneMarketAhead.ts";
import { cpuSeconds, verdict } from "./measure.ts";

const PATHS = 1000;
const STEPS = 2160;

/** The SSW's config, and its model's spec (a parametric model). */
function ssw(): { config: StressConfig; spec: ModelSpec } {
  const { config } = parseStressConfig(JSON.parse(readFileSync(new URL("./ssw.json", import.meta.url), "utf8")), "bench/ssw.json");
  if (config.model.type === "bootstrap") throw new Error("bench/ssw.json must use a parametric model");
  return { config, spec: config.model };
}

/** asset-steps per second and per CPU-second */
function modelRun(withBridge: boolean): [number, number] {
  const { config, spec } = ssw();
  const model = createModel(spec);
  const n = model.symbols.length;
  const r = new Float64Array(n);
  const v = new Float64Array(n);
  const dt = config.stepMinutes / 60 / HOURS_PER_YEAR;
  let checksum = 0;
  let crossings = 0;
  const c0 = cpuSeconds();
  const t0 = performance.now();
  for (let p = 0; p < PATHS; p++) {
    const rng = pathStream(config.seed, p, SUBSTREAM.market);
    const bridgeRng = withBridge ? pathStream(config.seed, p, SUBSTREAM.bridge) : rng;
    model.reset(rng);
    const x = new Float64Array(n);
    for (let s = 0; s < STEPS; s++) {
      model.step(dt, r, v);
      for (let i = 0; i < n; i++) {
        const x0 = x[i];
        x[i] += r[i];
        // a barrier 20 % below the start: the distance test the runner does per isolated position
        if (withBridge && bridgeCrossed(x0 + 0.2231, x[i] + 0.2231, v[i], bridgeRng.next())) crossings++;
      }
    }
    checksum += x[0];
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  if (!Number.isFinite(checksum) || crossings < 0) throw new Error("bad run");
  return [(PATHS * STEPS * n) / seconds, (PATHS * STEPS * n) / cpu];
}


const ROUND_PATHS = 500;

/**
 * Nanoseconds a path-step, wall and CPU, the best of rounds 2–6, each round `round()` over ROUND_PATHS paths of
 * STEPS steps (it returns a figure of its results, checked finite so that nothing is optimised away).
 */
function bestNsPerStep(round: () => number): { wall: number; cpu: number } {
  let best = { wall: Infinity, cpu: Infinity };
  let checksum = 0;
  for (let k = 0; k < 6; k++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    checksum += round();
    const steps = ROUND_PATHS * STEPS;
    const wall = ((performance.now() - t0) * 1e6) / steps, cpu = ((cpuSeconds() - c0) * 1e9) / steps;
    if (k > 0) best = { wall: Math.min(best.wall, wall), cpu: Math.min(best.cpu, cpu) };
  }
  if (!Number.isFinite(checksum)) throw new Error("bad run");
  return best;
}

/**
 * The SSW model's step alone (`model.step` into two arrays, one RandomStream reseeded per path as the
 * kernels do): nanoseconds per step, wall and CPU, the best of five rounds of 500 paths.
 */
function modelStepNs(): { wall: number; cpu: number } {
  const { config, spec } = ssw();
  const model = createModel(spec);
  const n = model.symbols.length;
  const r = new Float64Array(n), v = new Float64Array(n);
  const dt = config.stepMinutes / 60 / HOURS_PER_YEAR;
  const rng = new RandomStream("0");
  return bestNsPerStep(() => {
    let sum = 0;
    for (let p = 0; p < ROUND_PATHS; p++) {
      rng.reseed(streamKey(config.seed, p, SUBSTREAM.market));
      model.reset(rng);
      for (let s = 0; s < STEPS; s++) model.step(dt, r, v);
      sum += r[0];
    }
    return sum;
  });
}

/**
 * The same model as the stress kernel runs it for this book: its market drawn ahead on WebAssembly's lanes, two
 * paths a call, each step's log prices and prices (Math.exp's bits) included — more than the model's step alone.
 * The same paths and method as modelStepNs, in ns a path-step; null without WebAssembly SIMD.
 */
function lanesStepNs(): { wall: number; cpu: number } | null {
  const { config, spec } = ssw();
  const model = createModel(spec);
  const plain = model.inlineStep?.(config.stepMinutes / 60 / HOURS_PER_YEAR)?.plain;
  const lanes = plain ? marketAhead(plain, STEPS) : null;
  if (!lanes) return null;
  const start = new Float64Array(model.symbols.length); // the SSW's prices start at 1
  const a = new RandomStream("0"), b = new RandomStream("0");
  return bestNsPerStep(() => {
    let sum = 0;
    for (let p = 0; p < ROUND_PATHS; p += 2) {
      a.reseed(streamKey(config.seed, p, SUBSTREAM.market));
      b.reseed(streamKey(config.seed, p + 1, SUBSTREAM.market));
      lanes.fill(a, b, start, STEPS);
      sum += lanes.figures[0];
    }
    return sum;
  });
}

function baselineBoxMuller(): [number, number] {
  const l = cholesky(toSquareMatrix([[1, 0.8, 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]]))!;
  const vol = [0.6, 0.75, 1];
  const dt = 1 / HOURS_PER_YEAR;
  const z = new Float64Array(3);
  const x = new Float64Array(3);
  let spare = NaN;
  const gauss = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = 1 - Math.random();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * Math.random();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  const c0 = cpuSeconds();
  const t0 = performance.now();
  for (let p = 0; p < PATHS; p++) {
    x.fill(0);
    for (let s = 0; s < STEPS; s++) {
      for (let i = 0; i < 3; i++) z[i] = gauss();
      for (let i = 0; i < 3; i++) {
        let e = 0;
        for (let k = 0; k <= i; k++) e += l[i * 3 + k] * z[k];
        x[i] += -0.5 * vol[i] * vol[i] * dt + vol[i] * Math.sqrt(dt) * e;
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  if (!Number.isFinite(x[0])) throw new Error("bad baseline");
  return [(PATHS * STEPS * 3) / seconds, (PATHS * STEPS * 3) / cpu];
}

/** Per second and per CPU-second. */
function perSecond(count: number, c0: number, t0: number): [number, number] {
  return [count / ((performance.now() - t0) / 1000), count / (cpuSeconds() - c0)];
}

function normalsPerSecond(): [number, number] {
  const rng = pathStream(1, 0);
  const buf = new Float64Array(1 << 16);
  const rounds = 200;
  const c0 = cpuSeconds();
  const t0 = performance.now();
  for (let k = 0; k < rounds; k++) fillNormals(rng, buf);
  return perSecond(rounds * buf.length, c0, t0);
}

/**
 * Hourly bars at 60 % vol with returns uniform in ±1 % (about ±1.6 sd): the exact joint sampler, or
 * (the baseline) the two independent marginal samplers on the same inputs and the same two draws.
 */
function barsPerSecond(joint: boolean): [number, number] {
  const rng = pathStream(1, 1);
  const out = new Float64Array(2);
  const count = 300_000;
  const v = 0.6 ** 2 / HOURS_PER_YEAR;
  let checksum = 0;
  const c0 = cpuSeconds();
  const t0 = performance.now();
  for (let k = 0; k < count; k++) {
    const x = (rng.next() - 0.5) * 0.02;
    if (joint) sampleBridgeExtremes(x, v, rng, out);
    else {
      out[1] = sampleBridgeMax(x, v, rng.nextOpen());
      out[0] = sampleBridgeMin(x, v, 1 - rng.next());
    }
    checksum += out[1] - out[0];
  }
  const rate = perSecond(count, c0, t0);
  if (!Number.isFinite(checksum)) throw new Error("bad bars");
  return rate;
}

const m = (x: number) => `${(x / 1e6).toFixed(1)} M`;
const mc = ([wall, cpu]: [number, number]) => `${m(wall)} asset-steps/s (${m(cpu)} per CPU-s)`;

/**
 * Bytes allocated per step on the JS heap: the young generation's growth over a stretch of work with
 * no scavenge in it (the minimum over several stretches). A boxed double costs 16 bytes.
 */
function bytesPerStep(run: () => void, steps: number): number {
  const young = () => getHeapSpaceStatistics().find((s) => s.space_name === "new_space")!.space_used_size;
  for (let k = 0; k < 30; k++) run();
  let best = Infinity;
  for (let k = 0; k < 40; k++) {
    const a = young();
    run();
    const b = young();
    if (b >= a) best = Math.min(best, (b - a) / steps);
  }
  return best;
}

function allocation(): { model: number; path: number; fused: number } {
  const { config, spec } = ssw();
  const model = createModel(spec);
  model.reset(pathStream(config.seed, 0, SUBSTREAM.market));
  const r = new Float64Array(3), v = new Float64Array(3);
  const dt = 1 / HOURS_PER_YEAR;
  const modelBytes = bytesPerStep(() => { for (let s = 0; s < 2000; s++) model.step(dt, r, v); }, 2000);
  const sim = new PathSimulator(config);
  const out = new Float64Array(config.modes.length * PATH_FIELDS);
  let p = 0;
  const pathBytes = bytesPerStep(() => sim.run(p++, out, 0), config.steps);
  const fused = createSimulator(config);
  const fusedBytes = bytesPerStep(() => fused.run(p++, out, 0), config.steps);
  return { model: modelBytes, path: pathBytes, fused: fusedBytes };
}

export default async function (): Promise<void> {
  modelRun(false); // warm up
  baselineBoxMuller();
  const base = baselineBoxMuller();
  const model = modelRun(false);
  const withBridge = modelRun(true);
  console.log(`baseline Math.random Box–Muller correlated GBM: ${mc(base)}`);
  console.log(`ssw model (t shocks, 3 assets, hourly):          ${mc(model)} per core  (×${(model[0] / base[0]).toFixed(2)} baseline)`);
  console.log(`ssw model + bridge check per asset per step:     ${mc(withBridge)} per core  (×${(withBridge[0] / base[0]).toFixed(2)} baseline)`);
  const step = modelStepNs();
  // before issue 13's compiled step (compiledStep.ts): ~195 ns and 1,254 instructions a step (callgrind),
  // after: ~53 ns and 513 instructions, on the same machine at a load average near 1
  console.log(verdict("ssw model step alone", `${step.wall.toFixed(0)} ns per step (${step.cpu.toFixed(0)} CPU-ns)`, "≤ 85 CPU-ns (the hand-fused prototype's model)", step.cpu <= 85));
  const lanes = lanesStepNs();
  console.log(
    lanes
      ? `  (not a verdict) the same market as the stress kernel reads it for this book, drawn ahead on WebAssembly's lanes two paths a call, log prices and Math.exp's prices included: ${lanes.wall.toFixed(0)} ns a path-step (${lanes.cpu.toFixed(0)} CPU-ns)`
      : "  (not a verdict) no WebAssembly SIMD here: the stress kernel draws this market in its loop",
  );
  const bytes = allocation();
  // before issue 13's sampler change: 65 bytes per model step (4 boxed normals), 80 per path step
  console.log(`heap allocated: ${bytes.model.toFixed(1)} bytes per model step, ${bytes.path.toFixed(1)} per path step on the reference kernel, ${bytes.fused.toFixed(1)} on the fused kernel (both modes, per-path set-up included)`);
  const z = normalsPerSecond();
  console.log(`Ziggurat bulk fill:                               ${m(z[0])} normals/s (${m(z[1])} per CPU-s)`);
  barsPerSecond(true); // warm up
  const marginals = barsPerSecond(false);
  const joint = barsPerSecond(true);
  // before the Newton inversion (bisection, 44 series evaluations a bar) this read ~108 k bars/s
  console.log(`independent marginal high/low (biased range²):   ${m(marginals[0])} bars/s (${m(marginals[1])} per CPU-s)`);
  console.log(`exact joint high/low (sampleBridgeExtremes):      ${(joint[0] / 1e3).toFixed(0)} k bars/s (${(joint[1] / 1e3).toFixed(0)} k per CPU-s)  (×${(joint[0] / marginals[0]).toFixed(2)} the marginals)`);
}
