import { fnPairs, knwn, RandomStream, type CompiledStep, type GbmConstants, type PlainStudentTConstants } from "../../paths/index.ts";
import { expScratch, laneExp, type ExpScratch } from "./laneExp.ts";
import { laneLog, logScratch } from "./laneLog.ts";
import { Code, I32, V128 } from "./wasm.ts";

/*
 * A plain model's step (the Student-t model without GARCH, jumps or regimes; GBM) for two paths at once, one in
 * each f64x2 lane: the same draws and the same operations in the same order as the model's own step
 * (src/paths/models/compiledStep.ts), so each lane's outputs are that path's bits. Alea steps on both lanes
 * (on the lanes still drawing only, in the Ziggurat's slow path); the Ziggurat gathers each lane's table entries,
 * and its slow path's wedge test (~1.2 % of normals) runs on the lanes with V8's Math.exp to the bit (laneExp.ts);
 * past the gamma draw's squeeze the full test runs on the lanes with V8's Math.log to the bit (laneLog.ts), and a
 * rejected lane draws again on its own (masked). A lane the step cannot finish — a draw from the normal's tail —
 * is cleared in the step's `ok` mask and its whole step made again by the host: the model's own JavaScript step on
 * that lane's stream from the step's start (`laneHost`, `redoLanes`), exact by construction (0.23 % of a
 * Student-t lane's steps). The step itself calls nothing: a call anywhere in the loop's body makes V8 keep the
 * loop's values on the stack (callgrind, the Student-t step of 3 assets with every rare draw a call: 331
 * instructions a path-step; without a call 117; with one call site at the step's end 196), so the caller leaves
 * its loop for the redo. The Student-t step of 3 assets so: ~300 instructions a path-step against the model's
 * JavaScript step's ~580 in the same measure (callgrind, --no-liftoff), 40–42 against 46–50 ns in one process.
 */

/** Where the host and the module exchange a lane (byte offsets in the module's memory): set by the caller. */
export interface LaneMemory {
  /** the Ziggurat's interleaved tables (`knwn`, then `fnPairs` at table + 2048): LANE_TABLE_BYTES, written by `laneHost` */
  table: number;
  /** 8 + 2·assets doubles: the stream state of both lanes (s0, s1, s2, c as lane pairs), then a lane's outputs */
  scratch: number;
}

/** The bytes the tables take from `LaneMemory.table`. */
export const LANE_TABLE_BYTES = 8 * (knwn.length + fnPairs.length);

/** The stream's state of both lanes, in v128 locals. */
export interface LaneStream {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

/** A step's lanes: its stream, its state at the step's start (kept for a redo), the lanes it settled (all ones in, a lane cleared when the host must make its step). */
export interface LaneStep {
  stream: LaneStream;
  start: LaneStream;
  ok: number;
}

/** The step's outputs, v128 locals: each asset's log return and diffusive step variance. */
export interface LaneOutputs {
  logReturn: number[];
  variance: number[];
}

const TWO32 = 4294967296, TWO31 = 2147483648, ALEA = 2091639, INV_TWO32 = 2.3283064365386963e-10;

/** Temporaries of a step, made once per function. */
interface Temps {
  /** the Ziggurat's slow path: the lanes still drawing, the wedge's figures, exp's scratch */
  active: number;
  fnPair: number;
  wedge: number;
  exp: ExpScratch;
  expOut: number;
  floorT: number;
  t: number;
  hf: number;
  iz: number;
  pairA: number;
  pairB: number;
  k: number;
  x: number;
  v: number;
  u: number;
  x2: number;
  ok: number;
  mix: number;
  sqrtMix: number;
  e: number;
}

function temps(code: Code): Temps {
  const v = () => code.local(V128);
  return { active: v(), fnPair: v(), wedge: v(), exp: expScratch(code), expOut: v(), floorT: v(), t: v(), hf: v(), iz: code.local(V128), pairA: v(), pairB: v(), k: v(), x: v(), v: v(), u: v(), x2: v(), ok: v(), mix: v(), sqrtMix: v(), e: v() };
}

/** t = 2091639·s0 + c·2⁻³²; s0 = s1; s1 = s2; c = floor(t); s2 = t − c (on both lanes). */
function alea(code: Code, s: LaneStream, t: number): void {
  code.f64x2(ALEA).get(s.s0).simd("f64x2_mul").get(s.c).f64x2(INV_TWO32).simd("f64x2_mul").simd("f64x2_add").set(t);
  code.get(s.s1).set(s.s0).get(s.s2).set(s.s1);
  code.get(t).simd("f64x2_floor").set(s.c);
  code.get(t).get(s.c).simd("f64x2_sub").set(s.s2);
}

/**
 * After an Alea step: each lane's Ziggurat integer hz = ToInt32(s2·2³²) as a double (`hf`: s2·2³² is an exact integer
 * below 2³², less 2³² from 2³¹ on), its layer's bound into `k`, and hz·w into `into`.
 */
function zigguratFast(code: Code, mem: LaneMemory, s: LaneStream, w: Temps, into: number): void {
  code.get(s.s2).f64x2(TWO32).simd("f64x2_mul").set(w.t);
  code.get(w.t).get(w.t).f64x2(TWO31).simd("f64x2_ge").f64x2(TWO32).simd("and").simd("f64x2_sub").set(w.hf);
  // (hz & 127) · 16, the byte offset of the layer's (k, w) pair, in the low i32 of each lane: hz ≡ s2·2³² (mod 2³²),
  // and s2·2³² + 2⁵² holds that integer in its low bits (an add where a saturating truncation took four instructions)
  code.get(w.t).f64x2(TWO52).simd("f64x2_add").i32(127).simd("i32x4_splat").simd("and").i32(4).simd("i32x4_shl").set(w.iz);
  gatherPairs(code, w, mem.table);
  code.get(w.pairA).get(w.pairB).shuffle(FIRSTS).set(w.k);
  code.get(w.hf).get(w.pairA).get(w.pairB).shuffle(SECONDS).simd("f64x2_mul").set(into);
}

/**
 * Each lane's pair of doubles at byte offset `base` + its `w.iz` (the lane's low i32) into `w.pairA` (lane 0's) and
 * `w.pairB` (lane 1's), one load each; shuffled with FIRSTS, both lanes' first doubles, with SECONDS their second.
 */
function gatherPairs(code: Code, w: Temps, base: number): void {
  code.get(w.iz).i32x4Extract(0).v128Load(base).set(w.pairA);
  code.get(w.iz).i32x4Extract(2).v128Load(base).set(w.pairB);
}
const FIRSTS = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23], SECONDS = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
const TWO52 = 4503599627370496;

/** An Alea step on the lanes in `mask` only (the others keep their state). */
function aleaMasked(code: Code, s: LaneStream, w: Temps, mask: number): void {
  code.f64x2(ALEA).get(s.s0).simd("f64x2_mul").get(s.c).f64x2(INV_TWO32).simd("f64x2_mul").simd("f64x2_add").set(w.t);
  code.get(w.t).simd("f64x2_floor").set(w.floorT);
  code.get(s.s1).get(s.s0).get(mask).simd("bitselect").set(s.s0);
  code.get(s.s2).get(s.s1).get(mask).simd("bitselect").set(s.s1);
  code.get(w.t).get(w.floorT).simd("f64x2_sub").get(s.s2).get(mask).simd("bitselect").set(s.s2);
  code.get(w.floorT).get(s.c).get(mask).simd("bitselect").set(s.c);
}

/**
 * The Ziggurat's slow path (ziggurat.ts normalSlowValue) on the lanes in `w.active`, after a fast attempt left
 * hz·w in `into` and the layer in `w.iz`: the wedge test (fn[iz] + u·(fn[iz−1] − fn[iz]) < exp(−x²/2), exp to the
 * bit) and a new draw, until every lane has its normal. A lane in the tail layer (iz = 0; one normal in ~1,700) is
 * cleared in `ok` for the host.
 */
function slowNormals(code: Code, mem: LaneMemory, lanes: LaneStep, w: Temps, into: number): void {
  const s = lanes.stream;
  code.loop();
  // the tail: the host's
  code.get(w.iz).i64x2(0n).simd("i64x2_eq").get(w.active).simd("and").set(w.wedge);
  code.get(lanes.ok).get(w.wedge).simd("andnot").set(lanes.ok);
  code.get(w.active).get(w.wedge).simd("andnot").set(w.active);
  // the wedge
  aleaMasked(code, s, w, w.active);
  gatherPairs(code, w, mem.table + 8 * knwn.length);
  code.get(w.pairA).get(w.pairB).shuffle(FIRSTS).set(w.fnPair);
  code.get(w.pairA).get(w.pairB).shuffle(SECONDS);
  code.get(w.fnPair).simd("f64x2_sub").get(s.s2).simd("f64x2_mul").get(w.fnPair).simd("f64x2_add").set(w.wedge);
  code.f64x2(-0.5).get(into).simd("f64x2_mul").get(into).simd("f64x2_mul").set(w.expOut);
  code.f64x2(0).set(w.t); // exp's out-of-range lanes: |x| < 3.5 here, none
  laneExp(code, w.exp, w.expOut, w.expOut, w.t);
  code.get(w.wedge).get(w.expOut).simd("f64x2_lt").get(w.active).simd("and").set(w.wedge);
  code.get(w.active).get(w.wedge).simd("andnot").set(w.active);
  // a new draw for the lanes still drawing: a fast one ends them
  aleaMasked(code, s, w, w.active);
  zigguratFast(code, mem, s, w, w.expOut);
  code.get(w.expOut).get(into).get(w.active).simd("bitselect").set(into);
  code.get(w.hf).simd("f64x2_abs").get(w.k).simd("f64x2_lt").get(w.active).simd("and").set(w.wedge);
  code.get(w.active).get(w.wedge).simd("andnot").tee(w.active).simd("any_true").brIf(0);
  code.end();
}

/**
 * A standard normal into `into` on both lanes, or on the lanes in `only` (the others' streams untouched, their
 * `into` meaningless): the slow path's lanes too, but a draw from the tail is cleared in `ok`.
 */
function normal(code: Code, mem: LaneMemory, lanes: LaneStep, w: Temps, into: number, only?: number): void {
  if (only === undefined) alea(code, lanes.stream, w.t);
  else aleaMasked(code, lanes.stream, w, only);
  zigguratFast(code, mem, lanes.stream, w, into);
  code.get(w.hf).simd("f64x2_abs").get(w.k).simd("f64x2_ge"); // not below the layer's bound (neither is NaN)
  if (only !== undefined) code.get(only).simd("and");
  code.tee(w.active).simd("any_true").if();
  slowNormals(code, mem, lanes, w, into);
  code.end();
}

/** Row i of L·z as the model sums it: ((0 + L_i0·z0) + L_i1·z1) + …, every term kept. */
function product(code: Code, chol: Float64Array, n: number, i: number, z: number[], into: number): void {
  code.f64x2(0);
  for (let j = 0; j <= i; j++) code.f64x2(chol[i * n + j]).get(z[j]).simd("f64x2_mul").simd("f64x2_add");
  code.set(into);
}

function keepStart(code: Code, lanes: LaneStep): void {
  const { stream: s, start } = lanes;
  code.get(s.s0).set(start.s0).get(s.s1).set(start.s1).get(s.s2).set(start.s2).get(s.c).set(start.c);
}

/** The plain Student-t step: locals for its normals are made here; the outputs go to `out`. */
export function plainStudentTStep(code: Code, k: PlainStudentTConstants, mem: LaneMemory, lanes: LaneStep, out: LaneOutputs): void {
  const w = temps(code), s = lanes.stream;
  const z = Array.from({ length: k.n }, () => code.local(V128));
  keepStart(code, lanes);
  // the gamma draw (compiledStep.ts's loop) on the lanes still drawing: a normal x, v = (1 + c·x)³ where 1 + c·x > 0
  // (else the loop draws again without a uniform), a uniform u, the squeeze, and past it the full test
  // log(u) < 0.5·x² + d·(1 − v + log(v)) with V8's Math.log to the bit (laneLog.ts)
  const drawing = code.local(V128), draws = code.local(V128), xNew = code.local(V128), vNew = code.local(V128);
  const log = logScratch(code), lu = code.local(V128), lv = code.local(V128), none = code.local(V128);
  // one attempt: on both lanes the first time (no masks on the stream: the common step), then on the lanes left
  const attempt = (first: boolean) => {
    normal(code, mem, lanes, w, first ? w.x : xNew, first ? undefined : drawing);
    if (!first) code.get(xNew).get(w.x).get(drawing).simd("bitselect").set(w.x);
    code.f64x2(1).f64x2(k.gammaC).get(w.x).simd("f64x2_mul").simd("f64x2_add").set(vNew);
    code.get(vNew).f64x2(0).simd("f64x2_gt").get(drawing).simd("and").set(draws);
    code.get(vNew).get(vNew).simd("f64x2_mul").get(vNew).simd("f64x2_mul").set(vNew);
    if (first) alea(code, s, w.t);
    else aleaMasked(code, s, w, draws);
    code.f64x2(1).get(s.s2).simd("f64x2_sub").set(w.u);
    code.get(w.x).get(w.x).simd("f64x2_mul").set(w.x2);
    code.get(w.u).f64x2(1).f64x2(0.0331).get(w.x2).simd("f64x2_mul").get(w.x2).simd("f64x2_mul").simd("f64x2_sub").simd("f64x2_lt").get(draws).simd("and").set(w.t);
    code.get(w.t).get(draws).simd("xor").simd("any_true").if();
    code.f64x2(0).set(none);
    laneLog(code, log, w.u, lu, none);
    laneLog(code, log, vNew, lv, none);
    code.get(lu).f64x2(0.5).get(w.x2).simd("f64x2_mul").f64x2(k.gammaD).f64x2(1).get(vNew).simd("f64x2_sub").get(lv).simd("f64x2_add").simd("f64x2_mul").simd("f64x2_add");
    code.simd("f64x2_lt").get(none).simd("andnot").get(draws).simd("and").get(w.t).simd("or").set(w.t);
    code.end();
    code.get(vNew).get(w.v).get(w.t).simd("bitselect").set(w.v);
    // a lane whose normal came from the tail is the host's (cleared in ok): it stops drawing here
    code.get(drawing).get(w.t).simd("andnot").get(lanes.ok).simd("and").set(drawing);
  };
  code.i64x2(-1n).set(drawing);
  // the first attempt draws a uniform on both lanes: right only where 1 + c·x > 0 on both (else that lane's loop
  // draws again without one): one in ~10¹⁰ for ν = 4; such a step is the host's
  attempt(true);
  code.get(draws).simd("i64x2_all_true").op("i32_eqz").if();
  code.get(lanes.ok).get(draws).simd("and").set(lanes.ok);
  code.get(drawing).get(draws).simd("and").set(drawing);
  code.end();
  code.get(drawing).simd("any_true").if().loop();
  attempt(false);
  code.get(drawing).simd("any_true").brIf(0);
  code.end().end();
  code.f64x2(k.tScale).f64x2(2).f64x2(k.gammaD).get(w.v).simd("f64x2_mul").simd("f64x2_mul").simd("f64x2_div").set(w.mix);
  for (const zi of z) normal(code, mem, lanes, w, zi);
  code.get(w.mix).simd("f64x2_sqrt").set(w.sqrtMix);
  for (let i = 0; i < k.n; i++) {
    product(code, k.chol, k.n, i, z, w.e);
    code.f64x2(k.baseVariance[i]).get(w.mix).simd("f64x2_mul").set(out.variance[i]);
    code.f64x2(k.logDrift[i]).f64x2(0.5).get(out.variance[i]).simd("f64x2_mul").simd("f64x2_sub");
    code.f64x2(k.baseSd[i]).get(w.sqrtMix).simd("f64x2_mul").get(w.e).simd("f64x2_mul").simd("f64x2_add").set(out.logReturn[i]);
  }
}

/** GBM's step: n normals, the product, the outputs. */
export function gbmStep(code: Code, k: GbmConstants, mem: LaneMemory, lanes: LaneStep, out: LaneOutputs): void {
  const w = temps(code);
  const z = Array.from({ length: k.n }, () => code.local(V128));
  keepStart(code, lanes);
  for (const zi of z) normal(code, mem, lanes, w, zi);
  for (let i = 0; i < k.n; i++) {
    product(code, k.chol, k.n, i, z, w.e);
    code.f64x2(k.logDrift[i]).f64x2(k.scale[i]).get(w.e).simd("f64x2_mul").simd("f64x2_add").set(out.logReturn[i]);
    code.f64x2(k.variance[i]).set(out.variance[i]);
  }
}

/** Two streams' states written as the lanes' (s0, s1, s2, c as lane pairs) at byte `at` of `memory`; `read` gives a lane's back. */
export function writeLaneStreams(memory: { buffer: ArrayBuffer }, at: number, a: RandomStream, b: RandomStream): void {
  const state = new Float64Array(memory.buffer, at, 8);
  [a, b].forEach((rng, lane) => {
    state[lane] = rng.s0; state[2 + lane] = rng.s1; state[4 + lane] = rng.s2; state[6 + lane] = rng.c;
  });
}

export function readLaneStream(memory: { buffer: ArrayBuffer }, at: number, lane: 0 | 1): number[] {
  const state = new Float64Array(memory.buffer, at, 8);
  return [state[lane], state[2 + lane], state[4 + lane], state[6 + lane]];
}

/** The host's import a module with lane steps takes (module "lanes"): (lane: i32) → the lane's step made again. */
export const LANE_REDO = { module: "lanes", name: "redo", params: [I32], results: [] } as const;

/**
 * Code for after a step whose `ok` is not all ones, outside the caller's loop (the call would slow the loop): each
 * lane cleared in `ok` has its step made by the host from its state at the step's start, and its stream and
 * outputs are read back; `redo`: the index of the LANE_REDO import.
 */
export function redoLanes(code: Code, mem: LaneMemory, lanes: LaneStep, out: LaneOutputs, redo: number): void {
  const { start, stream: s } = lanes;
  [start.s0, start.s1, start.s2, start.c].forEach((local, i) => code.i32(mem.scratch + 16 * i).get(local).v128Store());
  for (const lane of [0, 1] as const) {
    code.get(lanes.ok).i64x2Extract(lane).op("i64_eqz").if();
    code.i32(lane).call(redo);
    [s.s0, s.s1, s.s2, s.c].forEach((local, at) => code.get(local).i32(mem.scratch + (2 * at + lane) * 8).f64Load().f64x2Replace(lane).set(local));
    out.logReturn.forEach((local, i) => code.get(local).i32(mem.scratch + 64 + 16 * i).f64Load().f64x2Replace(lane).set(local));
    out.variance.forEach((local, i) => code.get(local).i32(mem.scratch + 64 + 16 * i + 8).f64Load().f64x2Replace(lane).set(local));
    code.end();
  }
}

/**
 * The loop of a two-lane kernel's steps, while the i32 local `step` is below `count` (a local): the market step
 * (`market`) then `after` (what follows it, which advances `step`), in an inner loop that calls nothing; a step
 * whose `ok` is not all ones leaves that loop for the host's redo (redoLanes, the import `redo`), runs `after` there
 * and comes back.
 */
export function laneStepLoop(code: Code, count: number, step: number, mem: LaneMemory, lanes: LaneStep, out: LaneOutputs, redo: number, market: () => void, after: () => void): void {
  code.block().loop().block().loop(); // exit, outer, redo, inner
  code.get(step).get(count).op("i32_ge_s").brIf(3);
  code.i64x2(-1n).set(lanes.ok);
  market();
  code.get(lanes.ok).simd("i64x2_all_true").op("i32_eqz").brIf(1);
  after();
  code.br(0).end().end(); // inner, redo
  redoLanes(code, mem, lanes, out, redo);
  after();
  code.br(0).end().end(); // outer, exit
}

/** The host's side of the redo, and how often it was asked for. */
export interface LaneHost {
  readonly calls: { redo: number };
  redo(lane: number): void;
}

/**
 * The host side of lane steps over `memory`: the Ziggurat's table written into it, and a lane's step made again by
 * the model's own JavaScript step (`step`, of `n` assets) from the lane's state at the step's start (scratch: the
 * stream's state as lane pairs; back: the lane's new state there, then each asset's log return and variance).
 */
export function laneHost(memory: { buffer: ArrayBuffer }, at: LaneMemory, step: CompiledStep, n: number): LaneHost {
  new Float64Array(memory.buffer, at.table, knwn.length).set(knwn);
  new Float64Array(memory.buffer, at.table + 8 * knwn.length, fnPairs.length).set(fnPairs);
  const rng = new RandomStream("lanes");
  const r = new Float64Array(n), v = new Float64Array(n);
  // the module's memory never grows, so its buffer and this view stay valid
  const f = new Float64Array(memory.buffer, at.scratch, 8 + 2 * n);
  return {
    calls: { redo: 0 },
    redo(lane) {
      this.calls.redo++;
      rng.s0 = f[lane]; rng.s1 = f[2 + lane]; rng.s2 = f[4 + lane]; rng.c = f[6 + lane];
      step(rng, r, v);
      f[lane] = rng.s0; f[2 + lane] = rng.s1; f[4 + lane] = rng.s2; f[6 + lane] = rng.c;
      for (let i = 0; i < n; i++) {
        f[8 + 2 * i] = r[i];
        f[9 + 2 * i] = v[i];
      }
    },
  };
}
