import { compileGbmStep, compilePlainStudentTStep, type GbmConstants, type PlainStudentTConstants, type RandomStream } from "../../paths/index.ts";
import { gbmStep, LANE_REDO, LANE_TABLE_BYTES, laneHost, laneStepLoop, plainStudentTStep, readLaneStream, writeLaneStreams, type LaneHost, type LaneMemory } from "./laneMarket.ts";
import { Code, encodeModule, I32, V128 } from "./wasm.ts";

/** The little of the WebAssembly API used here (this project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

export type LaneMarketModel = { kind: "t"; k: PlainStudentTConstants } | { kind: "gbm"; k: GbmConstants };

const MEMORY: LaneMemory = { table: 1024, scratch: 1024 + LANE_TABLE_BYTES };
const STATE = MEMORY.scratch + 256, OUT = 8192;

export interface LaneMarketRun {
  /** start the lanes on these streams' states (the streams are not moved) */
  start(a: RandomStream, b: RandomStream): void;
  /** step both lanes `count` times (at most the run's `maxSteps`) */
  run(count: number): void;
  /** step s's figures: (s·n + i)·4 + lane the log return of asset i, + 2 its variance */
  outputs(steps: number): Float64Array;
  /** lane's stream state after the steps: s0, s1, s2, c */
  stream(lane: 0 | 1): number[];
  host: LaneHost;
}

/**
 * A plain model's market for two paths, stepped in a module of its own: the loop a two-lane kernel would run (its
 * inner loop calls nothing; a step the lanes could not finish leaves it for the host's redo and comes back), with
 * each step's outputs written out. For tests and the bench of laneMarket.ts.
 */
export function laneMarketRun(model: LaneMarketModel, maxSteps: number): LaneMarketRun {
  const n = model.k.n;
  const code = new Code([I32], []);
  const v128 = () => code.local(V128);
  const lanes = { stream: { s0: v128(), s1: v128(), s2: v128(), c: v128() }, start: { s0: v128(), s1: v128(), s2: v128(), c: v128() }, ok: v128() };
  const out = { logReturn: Array.from({ length: n }, v128), variance: Array.from({ length: n }, v128) };
  const step = code.local(I32), at = code.local(I32);
  const s = lanes.stream;
  const storeOutputs = () => {
    for (let i = 0; i < n; i++) {
      code.get(at).get(out.logReturn[i]).v128Store(32 * i);
      code.get(at).get(out.variance[i]).v128Store(32 * i + 16);
    }
    code.get(at).i32(32 * n).op("i32_add").set(at);
    code.get(step).i32(1).op("i32_add").set(step);
  };
  [s.s0, s.s1, s.s2, s.c].forEach((l, i) => code.i32(STATE + 16 * i).v128Load().set(l));
  code.i32(0).set(step).i32(OUT).set(at);
  const market = () => (model.kind === "t" ? plainStudentTStep(code, model.k, MEMORY, lanes, out) : gbmStep(code, model.k, MEMORY, lanes, out));
  laneStepLoop(code, 0, step, MEMORY, lanes, out, 0, market, storeOutputs);
  [s.s0, s.s1, s.s2, s.c].forEach((l, i) => code.i32(STATE + 16 * i).get(l).v128Store());
  const pages = Math.ceil((OUT + 32 * n * maxSteps) / 65536);
  const bytes = encodeModule({ imports: [LANE_REDO], memoryPages: pages, functions: [{ name: "run", code }] });
  const redo: { host?: LaneHost } = {};
  const instance = new Instance(new Module(bytes), { lanes: { redo: (lane: number) => redo.host!.redo(lane) } });
  const memory = instance.exports.memory as { buffer: ArrayBuffer };
  const host = (redo.host = laneHost(memory, MEMORY, model.kind === "t" ? compilePlainStudentTStep(model.k) : compileGbmStep(model.k), n));
  const run = instance.exports.run as (count: number) => void;
  return {
    start: (a, b) => writeLaneStreams(memory, STATE, a, b),
    run(count) {
      if (count > maxSteps) throw new RangeError(`laneMarketRun: ${count} steps, room for ${maxSteps}`);
      run(count);
    },
    outputs: (steps) => new Float64Array(memory.buffer, OUT, steps * n * 4),
    stream: (lane) => readLaneStream(memory, STATE, lane),
    host,
  };
}
