/**
 * A probe, not a target: what two paths a step in WebAssembly's f64x2 lanes would give the stress kernel, the one
 * change of scale left for issue 13's SSW and one-thread targets. bench/lanes/ holds the SSW book's quiet steps
 * (the plain Student-t market of 3 assets, a cross and an isolated account far from their triggers, hourly
 * funding, min-equity; no hand-over) three ways: in JavaScript as the fused loop writes them (quietTwin.mjs), in
 * scalar WebAssembly (quietScalar.ts), and two paths a call in f64x2 lanes (quietPair.ts, AssemblyScript sources
 * with their built .wasm beside them). Timed in this one process, alternating, each round's figures compared:
 * the pair's must be the twin's to the bit (its exp is V8's Math.exp rebuilt without branches, checked here on
 * 4 M arguments). The real kernel on SSW paths is timed beside them for scale (it liquidates, so not the same work).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseStressConfig } from "../src/stress/config.ts";
import { FusedPathSimulator } from "../src/stress/fusedKernel.ts";
import { PATH_FIELDS } from "../src/stress/pathResult.ts";
import { knwn } from "../src/paths/random/ziggurat.ts";
import { ROOT } from "./measure.ts";
import { marketAhead } from "../src/stress/lanes/laneMarketAhead.ts";
import { instantiate } from "../src/stress/lanes/wasm.ts";
import { compilePlainStudentTStep, type PlainStudentTConstants } from "../src/paths/models/compiledStep.ts";
import { RandomStream, streamKey } from "../src/paths/random/stream.ts";
import { generatedPair } from "./lanesGenerated.ts";
// @ts-expect-error a plain JavaScript module without types
import { quietTwin } from "./lanes/quietTwin.mjs";

const STEPS = 2160, BATCH = 60, WARM = 10, ROUNDS = 40, FIGURES = 12;
/** where the modules keep the Ziggurat table and their outputs (above AssemblyScript's static data) */
const TABLE = 1 << 20, OUT = TABLE + 4096;

type Run = (first: number, paths: number) => Float64Array;

/** The little of the WebAssembly API used here (this project's TypeScript libraries do not declare it). */
interface Memory { buffer: ArrayBuffer; grow(pages: number): number }

function wasm(file: string): { run: Run; exports: Record<string, unknown>; memory: Memory } {
  const wasmExports = instantiate(readFileSync(join(ROOT, "bench/lanes", file)), { env: { abort() { throw new Error(`${file}: abort`); }, log: Math.log, exp: Math.exp } });
  const memory = wasmExports.memory as Memory;
  new Float64Array(memory.buffer, TABLE, knwn.length).set(knwn);
  const run = wasmExports.run as (first: number, paths: number, steps: number) => void;
  return { run: (first, paths) => (run(first, paths, STEPS), new Float64Array(memory.buffer, OUT, paths * FIGURES).slice()), exports: wasmExports, memory };
}

/**
 * The twin's book for quietPairLoops.wasm, written where it reads it (its header says the layout): the SSW model's
 * constants at one hour (as compiledStep.ts writes them into the twin's source) and each account's opening state.
 */
function writeBook(loops: ReturnType<typeof wasm>): void {
  const at = 2 << 20, f = new Float64Array(loops.memory.buffer, at, 8192);
  const put = (offset: number, values: number[]) => f.set(values, offset / 8);
  put(0, [3, 2, 2, 0.2581988897471611, 1.6666666666666667]);
  put(64, [1, 0, 0, 0.8, 0.5999999999999999, 0, 0.7, 0.3166666666666668, 0.6400954789890506]);
  put(1280, [0.0000410958904109589, 0.00006421232876712328, 0.00011415525114155251]);
  put(1408, [0.006410607647560323, 0.008013259559450404, 0.010684346079267205]);
  put(1536, [0, 0, 0]);
  put(1664, [0.0001, 0.0001, 0.0001]);
  const modeStride = (8 + 12 * 9) * 8;
  // per mode: kind, w, fp, ex, c; per slot: dir, q, en, mg, lq, lr, ls, sl, gs
  put(2048, [0, 1e9, 0, 1e9, -100]);
  put(2048 + 64, [1, 30000, 1, 0, 0, 0, 0, 29850, 30000, 1, 20000, 1, 0, 0, 0, 0, 19900, 20000, -1, -10000, 1, 0, 0, 0, 0, -10050, -10000]);
  put(2048 + modeStride, [1, 14000, 0, 0, 0]);
  put(2048 + modeStride + 64, [1, 30000, 1, 1200, 0.01, 0.01, 1e-9, 0, 0, 1, 20000, 1, 800, 0.01, 0.01, 1e-9, 0, 0, -1, -10000, 1, 400, 100, 100, -1e-9, 0, 0]);
}

/** The pair's exp against Math.exp: uniform on ±5 and ±708, and every high word fdlibm's branches test, with random low words and signs. */
function expDifferences(pair: ReturnType<typeof wasm>): { checked: number; differ: number } {
  const n = 1 << 20;
  pair.memory.grow(160);
  const at = 4 << 20;
  const x = new Float64Array(n), words = new BigUint64Array(x.buffer);
  let state = 0x9e3779b97f4a7c15n;
  const next = () => (state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn);
  const uniform = () => Number(next() >> 11n) / 2 ** 53;
  const edges = [0x3fd62e42n, 0x3fd62e43n, 0x3ff0a2b1n, 0x3ff0a2b2n, 0x3e300000n, 0x3e2fffffn, 0x3ff00000n, 0x40862e41n];
  const fills = [
    () => { for (let i = 0; i < n; i++) x[i] = uniform() * 10 - 5; },
    () => { for (let i = 0; i < n; i++) x[i] = uniform() * 1416 - 708; },
    () => {
      for (let i = 0; i < n; i++) words[i] = (edges[i % edges.length] << 32n) | (i % 3 === 0 ? 0n : next() & 0xffffffffn) | ((next() & 1n) << 63n);
      x.set([1, -1, 0, -0, Math.LN2 / 2, 1.5 * Math.LN2]);
    },
    () => { for (let i = 0; i < n; i++) x[i] = (uniform() - 0.5) * 2 ** -(Number(next() & 63n)); },
  ];
  let differ = 0;
  for (const fill of fills) {
    fill();
    const lanes = new Float64Array(pair.memory.buffer, at, n);
    lanes.set(x);
    (pair.exports.expArray as (ptr: number, n: number) => number)(at, n);
    for (let i = 0; i < n; i++) if (!Object.is(lanes[i], Math.exp(x[i]))) differ++;
  }
  return { checked: fills.length * n, differ };
}

/** The SSW model's plain Student-t constants at this step, reached past `private` (a bench of its parts, not an API). */
function sswConstants(kernel: FusedPathSimulator, dtYears: number): PlainStudentTConstants {
  const model = (kernel as unknown as { model: { inlineStep(dt: number): unknown; plainConstants(): PlainStudentTConstants } }).model;
  model.inlineStep(dtYears); // prepares the model's constants for the step
  return model.plainConstants();
}

/**
 * The two-lane market src/stress/lanes writes (generated at run time, exact: laneMarketAhead.ts, what the kernel's loop
 * reads) against the model's own JavaScript step with the loop's log price and Math.exp, on the SSW model's constants,
 * alternated in this process: ns a path-step, and how often the host made a lane's step again.
 */
function generatedMarket(kernel: FusedPathSimulator, dtYears: number): string {
  const k = sswConstants(kernel, dtYears);
  const lanes = marketAhead({ kind: "t", k }, STEPS)!;
  const step = compilePlainStudentTStep(k);
  const r = new Float64Array(k.n), v = new Float64Array(k.n), start = new Float64Array(k.n), x = new Float64Array(k.n);
  let wasmNs = 0, jsNs = 0, paths = 0, sum = 0;
  for (let round = 0; round < WARM + ROUNDS; round++) {
    for (let p = 0; p < BATCH; p += 2) {
      const a = new RandomStream(streamKey(7, round * BATCH + p)), b = new RandomStream(streamKey(7, round * BATCH + p + 1));
      const t0 = process.hrtime.bigint();
      lanes.fill(a, b, start, STEPS);
      const t1 = process.hrtime.bigint();
      for (const rng of [a, b]) {
        x.set(start);
        for (let s = 0; s < STEPS; s++) {
          step(rng, r, v);
          for (let i = 0; i < k.n; i++) sum += Math.exp((x[i] += r[i]));
        }
      }
      const t2 = process.hrtime.bigint();
      if (round >= WARM) {
        wasmNs += Number(t1 - t0);
        jsNs += Number(t2 - t1);
        paths += 2;
      }
    }
  }
  const per = (ns: number) => ns / (paths * STEPS);
  if (!(sum > 0)) throw new Error("the JavaScript market's prices were not all positive");
  return `the market alone (step, log price, exp), generated for two lanes (src/stress/lanes/laneMarketAhead.ts; its bits are the model's, test/montecarlo/laneMarket.test.ts): ${per(wasmNs).toFixed(1)} ns a path-step against the model's JavaScript step's ${per(jsNs).toFixed(1)} (×${(jsNs / wasmNs).toFixed(2)}); ` +
    `the host made ${(100 * lanes.redos() / ((WARM + ROUNDS) * BATCH * STEPS)).toFixed(2)} % of the lane-steps again`;
}

export default async function (): Promise<void> {
  const twinRun = quietTwin(knwn) as (first: number, paths: number, steps: number, out: Float64Array) => void;
  const twinOut = new Float64Array(BATCH * FIGURES);
  const pair = wasm("quietPair.wasm"), scalar = wasm("quietScalar.wasm"), loops = wasm("quietPairLoops.wasm");
  writeBook(loops);
  const { config } = parseStressConfig(JSON.parse(readFileSync(join(ROOT, "bench/ssw.json"), "utf8")), "bench/ssw.json", { paths: 1000 });
  const kernel = new FusedPathSimulator(config, { loop: "compiled" });
  const kernelOut = new Float64Array(BATCH * config.modes.length * PATH_FIELDS);
  const variants: Record<string, Run> = {
    twin: (first, paths) => (twinRun(first, paths, STEPS, twinOut), twinOut.slice(0, paths * FIGURES)),
    pair: pair.run,
    loops: loops.run,
    scalar: scalar.run,
    kernel: (first, paths) => {
      for (let p = 0; p < paths; p++) kernel.run((first + p) % 1000, kernelOut, p * config.modes.length * PATH_FIELDS);
      return kernelOut;
    },
  };
  // the same quiet steps generated at run time from src/stress/lanes (the model's exact market), on the SSW's constants
  const generated = generatedPair(sswConstants(kernel, config.stepMinutes / 60 / (24 * 365)));
  let generatedLouds = 0;
  variants.generated = (first, paths) => {
    for (let p = 0; p < paths; p += 2) {
      generated.start(new RandomStream(streamKey(7, first + p)), new RandomStream(streamKey(7, first + p + 1)));
      generated.run(STEPS);
      generatedLouds += generated.louds();
    }
    return twinOut;
  };
  const ns: Record<string, number> = { twin: 0, pair: 0, loops: 0, scalar: 0, kernel: 0, generated: 0 };
  let pairDiffers = 0, loopsDiffer = 0, scalarWorst = 0, compared = 0;
  for (let round = 0; round < WARM + ROUNDS; round++) {
    const names = Object.keys(variants);
    if (round % 2 === 1) names.reverse();
    const out: Record<string, Float64Array> = {};
    for (const name of names) {
      const t0 = process.hrtime.bigint();
      out[name] = variants[name](round * BATCH, BATCH);
      if (round >= WARM) ns[name] += Number(process.hrtime.bigint() - t0);
    }
    for (let i = 0; i < BATCH * FIGURES; i++) {
      const want = out.twin[i];
      if (!Object.is(out.pair[i], want)) pairDiffers++;
      if (!Object.is(out.loops[i], want)) loopsDiffer++;
      if (out.scalar[i] !== want) scalarWorst = Math.max(scalarWorst, Math.abs(out.scalar[i] - want) / Math.abs(want));
    }
    compared += BATCH;
  }
  const per = (name: string) => ns[name] / (ROUNDS * BATCH * STEPS);
  const exp = expDifferences(pair);
  const market = generatedMarket(kernel, config.stepMinutes / 60 / (24 * 365));
  console.log(`two-lane probe (bench/lanes, the SSW book's quiet steps, ${BATCH} paths × ${ROUNDS} rounds alternated in this process): ` +
    `JavaScript twin ${per("twin").toFixed(1)} ns a path-step, f64x2 pair ${per("pair").toFixed(1)} (×${(per("twin") / per("pair")).toFixed(2)}; ` +
    `the same without knowing the book, its loops and state in memory: ${per("loops").toFixed(1)}, ×${(per("twin") / per("loops")).toFixed(2)}; ` +
    `generated at run time from src/stress/lanes with the model's exact market: ${per("generated").toFixed(1)}, ×${(per("twin") / per("generated")).toFixed(2)}${generatedLouds ? `, ${generatedLouds} pairs with a loud lane` : ""}), ` +
    `scalar WebAssembly ${per("scalar").toFixed(1)} (×${(per("twin") / per("scalar")).toFixed(2)}); the real kernel on SSW paths ${per("kernel").toFixed(1)} (hand-over and liquidations included: not the same work)`);
  const bits = (differ: number) => (differ === 0 ? "the same bits" : `${differ} differ`);
  console.log(`  the pair's ${compared} paths × ${FIGURES} figures against the twin's: ${bits(pairDiffers)} (without knowing the book: ${bits(loopsDiffer)}); ` +
    `scalar WebAssembly's worst relative difference ${scalarWorst.toExponential(1)} (AssemblyScript's own exp and log); ` +
    `the pair's exp against Math.exp on ${exp.checked.toLocaleString("en-US")} arguments: ${bits(exp.differ)}`);
  console.log(`  ${market}`);
}
