import { compileGbmStep, compilePlainStudentTStep, type PlainStep, type RandomStream } from "../../paths/index.ts";
import { expScratch, laneExps } from "./laneExp.ts";
import { gbmStep, LANE_REDO, LANE_TABLE_BYTES, laneHost, laneStepLoop, plainStudentTStep, readLaneStream, writeLaneStreams, type LaneMemory } from "./laneMarket.ts";
import { Code, encodeModule, I32, instantiate, V128 } from "./wasm.ts";


/** Doubles a step of one asset takes in `figures`: log price, price, variance, each as a lane pair. */
export const AHEAD_STRIDE = 6;

/** The most bytes of figures a simulator keeps (a path of more steps runs the market in its loop, as before). */
const MAX_FIGURE_BYTES = 64 << 20;

/** the most assets a module is written for (the compiled loop's own limit, compiledPath.ts MAX_COMPILED_ASSETS) */
const MAX_ASSETS = 12;
const MEMORY: LaneMemory = { table: 1024, scratch: 1024 + LANE_TABLE_BYTES };
/** after the redo's scratch (8 + 2·assets doubles): the streams' state, the start log prices, the out-of-range lanes; then the figures */
const STATE = MEMORY.scratch + 8 * (8 + 2 * MAX_ASSETS), START = STATE + 64, RANGE = START + 16 * MAX_ASSETS, FIGURES = 8192;
if (RANGE + 16 > FIGURES) throw new Error("laneMarketAhead: the lanes' state overlaps the figures");

/*
 * A plain model's market (the Student-t step without GARCH, jumps or regimes; GBM) for two whole paths at once, one
 * in each f64x2 lane of WebAssembly, ahead of the stress kernel's loop, which then reads each step's figures
 * instead of drawing them (compiledPath.ts, market source `ahead`). The market of a path depends on its own stream only, never
 * on the margin modes, so it can be drawn before them. Each lane's figures are that path's bits as the loop would
 * compute them: the model's step (laneMarket.ts, the host's JavaScript step for a draw from the normal's tail), the
 * log price x + r, and V8's Math.exp of it (laneExp.ts). A lane whose log price leaves exp's range (|x| ≥ 707, a price
 * past 10³⁰⁷) is reported (`inRange`), and its path runs the kernel's own loop.
 */
export interface MarketAhead {
  /** step s, asset i, lane L: the log price at (s·assets + i)·AHEAD_STRIDE + L, the price at + 2, the step's variance at + 4 */
  readonly figures: Float64Array;
  /** both lanes' figures for `steps` steps from the streams' states (not moved) and each asset's log price at the start */
  fill(a: RandomStream, b: RandomStream, start: ArrayLike<number>, steps: number): void;
  /** whether a lane's figures of the last fill are all exact (every log price in exp's range) */
  inRange(lane: 0 | 1): boolean;
  /** a lane's stream state after the last fill (s0, s1, s2, c), and how many lane-steps the host made again so far: for tests and benches */
  stream(lane: 0 | 1): number[];
  redos(): number;
}

/**
 * The two-lane market of this model for paths of up to `maxSteps` steps, or null when their figures would take too
 * much memory or this Node has no WebAssembly with SIMD.
 */
export function marketAhead(model: PlainStep, maxSteps: number): MarketAhead | null {
  const n = model.k.n;
  const bytes = FIGURES + 8 * AHEAD_STRIDE * n * maxSteps;
  if (n > MAX_ASSETS || bytes > MAX_FIGURE_BYTES) return null;
  const module = marketModule(model);
  const redo: { host?: ReturnType<typeof laneHost> } = {};
  let wasmExports: Record<string, unknown>, memory: { buffer: ArrayBuffer; grow(pages: number): number };
  try {
    wasmExports = instantiate(module, { lanes: { redo: (lane: number) => redo.host!.redo(lane) } });
    memory = wasmExports.memory as typeof memory;
    memory.grow(Math.max(0, Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE)); // before any view of it: growing detaches the buffer
  } catch {
    // no WebAssembly (--jitless), no SIMD on this machine, or no memory for the figures: the loop draws the market itself
    return null;
  }
  redo.host = laneHost(memory, MEMORY, model.kind === "t" ? compilePlainStudentTStep(model.k) : compileGbmStep(model.k), n);
  const run = wasmExports.run as (count: number) => void;
  const start = new Float64Array(memory.buffer, START, 2 * n), range = new BigInt64Array(memory.buffer, RANGE, 2);
  return {
    figures: new Float64Array(memory.buffer, FIGURES, AHEAD_STRIDE * n * maxSteps),
    fill(a, b, x0, steps) {
      if (steps > maxSteps) throw new RangeError(`marketAhead: ${steps} steps, room for ${maxSteps}`);
      writeLaneStreams(memory, STATE, a, b);
      for (let i = 0; i < n; i++) start[2 * i] = start[2 * i + 1] = x0[i];
      run(steps);
    },
    inRange: (lane) => range[lane] === 0n,
    stream: (lane) => readLaneStream(memory, STATE, lane),
    redos: () => redo.host!.calls.redo,
  };
}

const PAGE = 65536;

/**
 * The modules this thread has written, by their model's constants (`modelKey`). A module depends on the model
 * alone: its memory starts at the pages of its state and grows at instantiation to the figures a simulator keeps.
 * A stress thread makes three simulators of the run's model (its own and loopWarmUp.ts's two copies of shorter
 * paths), and writing one is ~45 ms of cold JavaScript (a CPU profile of a 2-path SSW run: 135 ms a thread for
 * the three). A sweep's cells of other correlations write their own; the oldest are dropped past MAX_WRITTEN.
 */
const written = new Map<string, Uint8Array>();
const MAX_WRITTEN = 8;
let writes = 0;

/** Modules written (not taken from `written`) in this thread so far: for tests. */
export function marketModulesWritten(): number {
  return writes;
}

/** The model's constants to the bit (-0 apart from 0, every double's own bytes), with their names and the model's kind. */
function modelKey(model: PlainStep): string {
  const names: string[] = [model.kind];
  const values: number[] = [];
  for (const [name, value] of Object.entries(model.k) as [string, number | Float64Array][]) {
    names.push(`${name}:${typeof value === "number" ? 1 : value.length}`);
    if (typeof value === "number") values.push(value);
    else values.push(...value);
  }
  const bits = new Float64Array(values);
  return `${names.join(",")}|${Buffer.from(bits.buffer).toString("base64")}`;
}

function marketModule(model: PlainStep): Uint8Array {
  const key = modelKey(model);
  let module = written.get(key);
  if (module === undefined) {
    module = writeMarketModule(model);
    writes++;
    if (written.size >= MAX_WRITTEN) written.delete(written.keys().next().value!);
    written.set(key, module);
  }
  return module;
}

function writeMarketModule(model: PlainStep): Uint8Array {
  const n = model.k.n;
  const code = new Code([I32], []);
  const count = 0;
  const v128 = () => code.local(V128);
  const lanes = { stream: { s0: v128(), s1: v128(), s2: v128(), c: v128() }, start: { s0: v128(), s1: v128(), s2: v128(), c: v128() }, ok: v128() };
  const out = { logReturn: Array.from({ length: n }, v128), variance: Array.from({ length: n }, v128) };
  const x = Array.from({ length: n }, v128), p = Array.from({ length: n }, v128);
  const xNext = Array.from({ length: n }, v128), pNext = Array.from({ length: n }, v128);
  const outOfRange = v128(), exps = [0, 1].map(() => x.map(() => expScratch(code)));
  const step = code.local(I32), at = code.local(I32);
  // the bytes of an asset's figures at a step (log price, price, variance, each a lane pair), and of a step
  const cell = 8 * AHEAD_STRIDE, stride = cell * n;
  const s = lanes.stream;
  [s.s0, s.s1, s.s2, s.c].forEach((l, k) => code.i32(STATE + 16 * k).v128Load().set(l));
  x.forEach((l, i) => code.i32(START + 16 * i).v128Load().set(l));
  code.f64x2(0).set(outOfRange).i32(0).set(step).i32(FIGURES).set(at);
  const market = () => (model.kind === "t" ? plainStudentTStep(code, model.k, MEMORY, lanes, out) : gbmStep(code, model.k, MEMORY, lanes, out));
  // the steps' log returns and variances first (the log return where its log price goes), then the log prices and
  // prices in a loop of their own: each loop keeps fewer values live than one doing both (fewer spills)
  const draws = () => {
    for (let i = 0; i < n; i++) {
      code.get(at).get(out.logReturn[i]).v128Store(cell * i);
      code.get(at).get(out.variance[i]).v128Store(cell * i + 32);
    }
    code.get(at).i32(stride).op("i32_add").set(at);
    code.get(step).i32(1).op("i32_add").set(step);
  };
  laneStepLoop(code, count, step, MEMORY, lanes, out, 0, market, draws);
  const end = code.local(I32);
  code.get(at).set(end).i32(FIGURES).set(at);
  // then the log prices and prices, two steps an iteration with their exps interleaved (laneExps): each exp is one
  // long chain of dependent operations, and written one after the other the processor waited on each (the fill of
  // two SSW paths, alternated in one process: −14 % with one step's three exps interleaved, a further −5 to −8 % with
  // two steps' six)
  const prices = (count: 1 | 2) => {
    const logs = [x, xNext].slice(0, count), outs = [p, pNext].slice(0, count);
    for (let j = 0; j < count; j++) for (let i = 0; i < n; i++) code.get(j === 0 ? x[i] : logs[j - 1][i]).get(at).v128Load(stride * j + cell * i).simd("f64x2_add").set(logs[j][i]);
    laneExps(code, exps.slice(0, count).flat(), logs.flat(), outs.flat(), outOfRange);
    for (let j = 0; j < count; j++) {
      for (let i = 0; i < n; i++) {
        code.get(at).get(logs[j][i]).v128Store(stride * j + cell * i);
        code.get(at).get(outs[j][i]).v128Store(stride * j + cell * i + 16);
      }
    }
    if (count === 2) for (let i = 0; i < n; i++) code.get(xNext[i]).set(x[i]);
    code.get(at).i32(stride * count).op("i32_add").set(at);
  };
  code.block().loop();
  code.get(at).get(end).op("i32_ge_s").brIf(1);
  code.get(at).i32(stride).op("i32_add").get(end).op("i32_ge_s").if(); // the last step, alone
  prices(1);
  code.br(1).end();
  prices(2);
  code.br(0);
  code.end().end();
  code.i32(RANGE).get(outOfRange).v128Store();
  [s.s0, s.s1, s.s2, s.c].forEach((l, k) => code.i32(STATE + 16 * k).get(l).v128Store());
  return encodeModule({ imports: [LANE_REDO], memoryPages: Math.ceil(FIGURES / PAGE), functions: [{ name: "run", code }] });
}
