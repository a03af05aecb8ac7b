/**
 * The twin's quiet steps (bench/lanes/quietTwin.mjs: the SSW book far from its triggers, hourly funding, min-equity)
 * generated at run time from src/stress/lanes — the market step, exp, the cross and the isolated quiet steps — for
 * two paths a call: what the kernel's generated code would cost, timed by lanes.bench.ts beside the twin. The same
 * opening state as the twin; the market is the model's exact step (the twin's, AssemblyScript's and this one's
 * draws differ only where the twin takes a shortcut: the Ziggurat's slow path), so its figures are not compared.
 */
import type { PlainStudentTConstants, RandomStream } from "../src/paths/index.ts";
import { compilePlainStudentTStep } from "../src/paths/index.ts";
import { expScratch, laneExp } from "../src/stress/lanes/laneExp.ts";
import { LANE_REDO, LANE_TABLE_BYTES, laneHost, laneStepLoop, plainStudentTStep, writeLaneStreams, type LaneMemory } from "../src/stress/lanes/laneMarket.ts";
import { crossQuietStep, isolatedQuietStep, modeScratch, type CrossMode, type IsolatedMode, type LaneMarket } from "../src/stress/lanes/laneModes.ts";
import { Code, encodeModule, I32, instantiate, V128 } from "../src/stress/lanes/wasm.ts";


const MEMORY: LaneMemory = { table: 1024, scratch: 1024 + LANE_TABLE_BYTES };
const STATE = MEMORY.scratch + 256, OUT = STATE + 64;
/** the twin's book: directions, sizes, slopes, margins, triggers (quietTwin.mjs) */
const DIRECTIONS = [1, 1, -1] as const, Q = [30000, 20000, -10000], SLOPE = [29850, 19900, -10050], MARGIN = [1200, 800, 400];
const LIQ = [0.01, 0.01, 100], LIQ_PER_MARGIN = [1e-9, 1e-9, -1e-9];

export function generatedPair(k: PlainStudentTConstants): { start(a: RandomStream, b: RandomStream): void; run(steps: number): void; louds(): number } {
  const n = k.n;
  const code = new Code([I32], []);
  const v = () => code.local(V128);
  const splat = (x: number) => {
    const local = v();
    code.f64x2(x).set(local);
    return local;
  };
  const lanes = { stream: { s0: v(), s1: v(), s2: v(), c: v() }, start: { s0: v(), s1: v(), s2: v(), c: v() }, ok: v() };
  const out = { logReturn: Array.from({ length: n }, v), variance: Array.from({ length: n }, v) };
  const market: LaneMarket = { xs: [], ps: [], x: [], p: [], v: out.variance, rate: [] };
  for (let i = 0; i < n; i++) {
    market.xs.push(splat(0)); market.ps.push(splat(1)); market.x.push(splat(0)); market.p.push(splat(1)); market.rate.push(splat(0.0001));
  }
  const open = splat(0), ones = v(), t1 = v(), loud = v(), outOfRange = v();
  code.i64x2(-1n).set(ones).get(ones).set(open);
  const slot = (i: number) => ({ open, q: splat(Q[i]), entry: splat(1), margin: splat(0), pending: splat(0), pendingPrice: splat(0) });
  const cross: CrossMode = {
    fundingPaid: splat(0), wallet: splat(1e9), minEquity: splat(1e18), pendingMs: splat(0), moved: v(), excess: splat(1e9), constant: splat(-100),
    slots: DIRECTIONS.map((_, i) => ({ ...slot(i), slope: splat(SLOPE[i]), gradSlope: splat(Q[i]) })),
  };
  const isolated: IsolatedMode = {
    fundingPaid: splat(0), wallet: splat(14000), minEquity: splat(1e18), pendingMs: splat(0), moved: v(),
    slots: DIRECTIONS.map((direction, i) => ({ ...slot(i), direction, margin: splat(MARGIN[i]), liq: splat(LIQ[i]), liqRaw: splat(LIQ[i]), liqPerMargin: splat(LIQ_PER_MARGIN[i]) })),
  };
  const scratch = modeScratch(code, n), exp = expScratch(code);
  const step = code.local(I32);
  const s = lanes.stream;
  [s.s0, s.s1, s.s2, s.c].forEach((l, i) => code.i32(STATE + 16 * i).v128Load().set(l));
  code.f64x2(0).set(loud).f64x2(0).set(outOfRange).i32(0).set(step);
  // after the market: prices, then both modes' quiet steps
  const modes = () => {
    for (let i = 0; i < n; i++) {
      code.get(market.x[i]).set(market.xs[i]).get(market.p[i]).set(market.ps[i]);
      code.get(market.xs[i]).get(out.logReturn[i]).simd("f64x2_add").set(market.x[i]);
      laneExp(code, exp, market.x[i], market.p[i], outOfRange);
    }
    code.get(step).i32(1).op("i32_add").op("f64_convert_i32_s").f64(3600000).op("f64_mul").simd("f64x2_splat").set(t1);
    crossQuietStep(code, cross, market, 1, t1, ones, loud, scratch);
    isolatedQuietStep(code, isolated, market, 1, t1, ones, loud, scratch);
    code.get(step).i32(1).op("i32_add").set(step);
  };
  laneStepLoop(code, 0, step, MEMORY, lanes, out, 0, () => plainStudentTStep(code, k, MEMORY, lanes, out), modes);
  code.i32(OUT).get(loud).get(outOfRange).simd("or").v128Store();
  const bytes = encodeModule({ imports: [LANE_REDO], memoryPages: 1, functions: [{ name: "run", code }] });
  const redo: { host?: ReturnType<typeof laneHost> } = {};
  const wasmExports = instantiate(bytes, { lanes: { redo: (lane: number) => redo.host!.redo(lane) } });
  const memory = wasmExports.memory as { buffer: ArrayBuffer };
  redo.host = laneHost(memory, MEMORY, compilePlainStudentTStep(k), n);
  const run = wasmExports.run as (steps: number) => void;
  return {
    start: (a, b) => writeLaneStreams(memory, STATE, a, b),
    run,
    louds: () => new BigInt64Array(memory.buffer, OUT, 2).filter((x) => x !== 0n).length,
  };
}
