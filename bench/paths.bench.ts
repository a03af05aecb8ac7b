/**
 * Path generation speed: the standard stress workload's model (bench/ssw.json: 3 assets, Student-t
 * shocks, no GARCH/jumps/regimes, hourly steps) in asset-steps per second on one core, against a
 * plain Math.random Box–Muller correlated GBM measured in the same process. Also the per-step bridge
 * check and the joint high/low sampler (against the two marginal samplers).
 */
import { readFileSync } from "node:fs";
import {
  bridgeCrossed, createModel, fillNormals, parseStressConfig, pathStream, sampleBridgeExtremes, sampleBridgeMax, sampleBridgeMin,
  cholesky, toSquareMatrix,
  HOURS_PER_YEAR, SUBSTREAM,
} from "../src/montecarlo/index.ts";

const PATHS = 1000;
const STEPS = 2160;

function modelRun(withBridge: boolean): number {
  const { config } = parseStressConfig(JSON.parse(readFileSync(new URL("./ssw.json", import.meta.url), "utf8")), "bench/ssw.json");
  if (config.model.type === "bootstrap") throw new Error("bench/ssw.json must use a parametric model");
  const model = createModel(config.model);
  const n = model.symbols.length;
  const r = new Float64Array(n);
  const v = new Float64Array(n);
  const dt = config.stepMinutes / 60 / HOURS_PER_YEAR;
  let checksum = 0;
  let crossings = 0;
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
  if (!Number.isFinite(checksum) || crossings < 0) throw new Error("bad run");
  return (PATHS * STEPS * n) / seconds;
}

function baselineBoxMuller(): number {
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
  if (!Number.isFinite(x[0])) throw new Error("bad baseline");
  return (PATHS * STEPS * 3) / seconds;
}

function normalsPerSecond(): number {
  const rng = pathStream(1, 0);
  const buf = new Float64Array(1 << 16);
  const rounds = 200;
  const t0 = performance.now();
  for (let k = 0; k < rounds; k++) fillNormals(rng, buf);
  return (rounds * buf.length) / ((performance.now() - t0) / 1000);
}

/**
 * Hourly bars at 60 % vol with returns uniform in ±1 % (about ±1.6 sd): the exact joint sampler, or
 * (the baseline) the two independent marginal samplers on the same inputs and the same two draws.
 */
function barsPerSecond(joint: boolean): number {
  const rng = pathStream(1, 1);
  const out = new Float64Array(2);
  const count = 300_000;
  const v = 0.6 ** 2 / HOURS_PER_YEAR;
  let checksum = 0;
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
  const seconds = (performance.now() - t0) / 1000;
  if (!Number.isFinite(checksum)) throw new Error("bad bars");
  return count / seconds;
}

const m = (x: number) => `${(x / 1e6).toFixed(1)} M`;

export default async function (): Promise<void> {
  modelRun(false); // warm up
  baselineBoxMuller();
  const base = baselineBoxMuller();
  const model = modelRun(false);
  const withBridge = modelRun(true);
  console.log(`baseline Math.random Box–Muller correlated GBM: ${m(base)} asset-steps/s`);
  console.log(`ssw model (t shocks, 3 assets, hourly):          ${m(model)} asset-steps/s per core  (×${(model / base).toFixed(2)} baseline)`);
  console.log(`ssw model + bridge check per asset per step:     ${m(withBridge)} asset-steps/s per core  (×${(withBridge / base).toFixed(2)} baseline)`);
  console.log(`Ziggurat bulk fill:                               ${m(normalsPerSecond())} normals/s`);
  barsPerSecond(true); // warm up
  const marginals = barsPerSecond(false);
  const joint = barsPerSecond(true);
  // before the Newton inversion (bisection, 44 series evaluations a bar) this read ~108 k bars/s
  console.log(`independent marginal high/low (biased range²):   ${m(marginals)} bars/s`);
  console.log(`exact joint high/low (sampleBridgeExtremes):      ${(joint / 1e3).toFixed(0)} k bars/s  (×${(joint / marginals).toFixed(2)} the marginals)`);
}
