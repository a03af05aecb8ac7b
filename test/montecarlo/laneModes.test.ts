import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/paths/random/stream.ts";
import { quietCross, quietIsolated, type CompiledPathShape } from "../../src/stress/compiledPath.ts";
import { crossQuietStep, isolatedQuietStep, modeScratch, type CrossMode, type IsolatedMode, type LaneMarket } from "../../src/stress/lanes/laneModes.ts";
import { Code, encodeModule, instantiate, V128 } from "../../src/stress/lanes/wasm.ts";


const ASSETS = 3, DIRECTIONS = [1, 1, -1] as const, SETTLE_EVERY = 1;
type Kind = "isolated" | "cross";
/** a lane's figures, in this order (each slot's after the mode's and the market's) */
const MODE_FIELDS: Record<Kind, readonly string[]> = { isolated: ["fp", "w", "me", "pms", "mv"], cross: ["fp", "w", "me", "pms", "mv", "ex", "c"] };
const MARKET_FIELDS = ["xs", "ps", "x", "p", "v", "rt"] as const;
const SLOT_FIELDS: Record<Kind, readonly string[]> = { isolated: ["d", "q", "en", "mg", "pe", "pp", "lq", "lr", "ls"], cross: ["d", "q", "en", "mg", "pe", "pp", "sl", "gs"] };
const fieldsOf = (kind: Kind) => [...MODE_FIELDS[kind], "t1", "active", ...Array.from({ length: ASSETS }, (_, i) => [...MARKET_FIELDS.map((f) => `${f}${i}`), ...SLOT_FIELDS[kind].map((f) => `${f}_${i}`)]).flat(), "loud"];
let FIELDS = fieldsOf("isolated");
const at = (name: string) => FIELDS.indexOf(name);

/**
 * compiledPath.ts's own quiet step of an isolated mode (mode 0 of a one-mode shape), as a function of one lane's
 * figures: reads them, runs the JavaScript loop's lines, writes back what it commits and whether it is loud.
 */
function javascriptStep(kind: Kind): (figures: Float64Array, bridge: RandomStream) => void {
  const shape: CompiledPathShape = { assets: ASSETS, isolated: [kind === "isolated"], dtYears: 1 / 8760, stepHours: 1, settleEvery: SETTLE_EVERY, settlement: { count: 1, atEnd: true }, fundingMoves: false, market: { kind: "call" } };
  const name = (f: string) => (f.includes("_") ? `${f.split("_")[0]}0_${f.split("_")[1]}` : MODE_FIELDS[kind].includes(f) ? `${f}0` : f);
  const locals = FIELDS.filter((f) => f !== "loud" && f !== "active");
  const source = [
    `let ${locals.map((f) => `${name(f)} = a[${at(f)}]`).join(", ")};`,
    `const br0 = bridge, funding = true, atPoint = true;`,
    `let mvb = a[${at("mv")}] !== 0;`,
    `let loud = false;`,
    ...(kind === "isolated" ? quietIsolated(shape, 0) : quietCross(shape, 0)).map((line) => line.replace(/\bmv0 = true\b/g, "mvb = true")),
    ...locals.filter((f) => f !== "mv").map((f) => `a[${at(f)}] = ${name(f)};`),
    `a[${at("mv")}] = mvb ? 1 : 0; a[${at("loud")}] = loud ? 1 : 0;`,
  ].join("\n");
  return new Function("a", "bridge", source) as (figures: Float64Array, bridge: RandomStream) => void;
}

/** The lanes' step over two lanes' figures laid out field by field (lane 0, lane 1): run() steps them in place. */
function lanesStep(kind: Kind): { run(): void; memory: { buffer: ArrayBuffer } } {
  const code = new Code([], []);
  const local = new Map(FIELDS.map((f) => [f, code.local(V128)]));
  const get = (f: string) => local.get(f)!;
  const mask = (f: string) => f === "d" || f === "active" || f === "mv" || f === "loud";
  // masks: a lane's 0 or 1 becomes all zeros or all ones; d's ±1/0 becomes the open mask
  for (const f of FIELDS) {
    code.i32(16 * at(f)).v128Load();
    if (mask(f.split("_")[0])) code.f64x2(0).simd("f64x2_ne");
    code.set(get(f));
  }
  const market: LaneMarket = Object.fromEntries(["xs", "ps", "x", "p", "v", "rate"].map((f) => [f, Array.from({ length: ASSETS }, (_, i) => get(`${f === "rate" ? "rt" : f}${i}`))])) as unknown as LaneMarket;
  const common = { fundingPaid: get("fp"), wallet: get("w"), minEquity: get("me"), pendingMs: get("pms"), moved: get("mv") };
  const slot = (i: number) => ({ open: get(`d_${i}`), q: get(`q_${i}`), entry: get(`en_${i}`), margin: get(`mg_${i}`), pending: get(`pe_${i}`), pendingPrice: get(`pp_${i}`) });
  if (kind === "isolated") {
    const mode: IsolatedMode = {
      ...common,
      slots: DIRECTIONS.map((direction, i) => ({ ...slot(i), direction, liq: get(`lq_${i}`), liqRaw: get(`lr_${i}`), liqPerMargin: get(`ls_${i}`) })),
    };
    isolatedQuietStep(code, mode, market, SETTLE_EVERY, get("t1"), get("active"), get("loud"), modeScratch(code, ASSETS));
  } else {
    const mode: CrossMode = {
      ...common, excess: get("ex"), constant: get("c"),
      slots: DIRECTIONS.map((_, i) => ({ ...slot(i), slope: get(`sl_${i}`), gradSlope: get(`gs_${i}`) })),
    };
    crossQuietStep(code, mode, market, SETTLE_EVERY, get("t1"), get("active"), get("loud"), modeScratch(code, ASSETS));
  }
  for (const f of FIELDS) {
    code.i32(16 * at(f)).get(get(f));
    if (mask(f.split("_")[0])) code.f64x2(1).simd("and");
    code.v128Store();
  }
  const wasmExports = instantiate(encodeModule({ imports: [], memoryPages: 1, functions: [{ name: "run", code }] }));
  return { run: wasmExports.run as () => void, memory: wasmExports.memory as { buffer: ArrayBuffer } };
}

/**
 * One lane's figures: a book of 3 slots (2 long, 1 short). Isolated: triggers from 40 % away to 1 % past the step's
 * end price. Cross: D at the step's start from below 0 to far above the step's bound.
 */
function randomLane(kind: Kind, rng: RandomStream): Float64Array {
  const a = new Float64Array(FIELDS.length);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  const set = (f: string, x: number) => (a[at(f)] = x);
  set("fp", u(-50, 50)); set("w", u(5000, 20000)); set("me", u(5000, 30000)); set("pms", u(0, 1e9)); set("mv", rng.next() < 0.5 ? 1 : 0);
  set("t1", u(1e6, 1e10)); set("active", 1); set("loud", 0);
  let bound = 0, atStart = 0;
  DIRECTIONS.forEach((dir, i) => {
    const ps = u(0.5, 2), p = ps * Math.exp(0.05 * (rng.next() - 0.5)), v = u(1e-6, 1e-4);
    set(`xs${i}`, Math.log(ps)); set(`ps${i}`, ps); set(`x${i}`, Math.log(p)); set(`p${i}`, p); set(`v${i}`, v); set(`rt${i}`, rng.next() < 0.1 ? 0 : u(-3e-4, 3e-4));
    const open = rng.next() < 0.9, q = u(100, 30000);
    set(`d_${i}`, open ? dir : 0); set(`q_${i}`, q); set(`en_${i}`, u(0.5, 2)); set(`mg_${i}`, u(10, 5000));
    set(`pe_${i}`, u(-20, 20)); set(`pp_${i}`, u(0.5, 2));
    if (kind === "isolated") {
      const distance = rng.next() < 0.2 ? u(-0.01, 0.02) : u(0.02, 0.4);
      const lq = dir > 0 ? p * (1 - distance) : p * (1 + distance);
      set(`lq_${i}`, lq); set(`lr_${i}`, lq * (1 + 1e-6 * (rng.next() - 0.5))); set(`ls_${i}`, dir * u(0, 1e-4));
    } else {
      const sl = open ? dir * q * u(0.99, 1) : 0, gs = open ? dir * q : 0;
      set(`sl_${i}`, sl); set(`gs_${i}`, gs);
      bound += Math.abs(gs * ps * Math.sqrt(v));
      atStart += sl * ps;
    }
  });
  if (kind === "cross") {
    // D at the step's start between −1 and 10 bounds; the constant puts the wallet's D there
    const d0 = bound * u(-1, 10);
    set("ex", d0);
    set("c", d0 - a[at("w")] - atStart);
  }
  return a;
}

describe("a margin mode's quiet step on two lanes", () => {
  it.each(["isolated", "cross"] as const)("%s: a lane left quiet has the JavaScript loop's figures to the bit; a lane the JavaScript hands to the host is loud", (kind) => {
    FIELDS = fieldsOf(kind);
    const js = javascriptStep(kind), lanes = lanesStep(kind), rng = new RandomStream(`lane-modes ${kind}`);
    let quiet = 0, loud = 0, nearOnly = 0;
    for (let k = 0; k < 20_000; k++) {
      const pair = [randomLane(kind, rng), randomLane(kind, rng)];
      const memory = new Float64Array(lanes.memory.buffer, 0, 2 * FIELDS.length);
      pair.forEach((lane, l) => lane.forEach((x, f) => (memory[2 * f + l] = x)));
      lanes.run();
      for (const [l, lane] of pair.entries()) {
        const expected = Float64Array.from(lane);
        js(expected, new RandomStream(`bridge ${k} ${l}`));
        const gotLoud = memory[2 * at("loud") + l] !== 0, wantLoud = expected[at("loud")] !== 0;
        if (wantLoud) expect(gotLoud, `pair ${k} lane ${l}: the JavaScript's step is loud`).toBe(true);
        if (gotLoud) {
          loud++;
          if (!wantLoud) nearOnly++; // near a trigger: the JavaScript drew the bridge and stayed quiet; here the host's
          continue;
        }
        quiet++;
        for (const [f, name] of FIELDS.entries()) {
          if (name === "loud" || name === "active") continue;
          const got = memory[2 * f + l], want = name === "d" || name.startsWith("d_") || name === "mv" ? (expected[f] !== 0 ? 1 : 0) : expected[f];
          if (!Object.is(got, want)) throw new Error(`pair ${k} lane ${l} ${name}: ${got} against the JavaScript's ${want}`);
        }
      }
    }
    // both kinds met, and most lanes quiet
    expect(quiet).toBeGreaterThan(15_000);
    expect(loud).toBeGreaterThan(1_000);
    if (kind === "isolated") expect(nearOnly).toBeGreaterThan(0);
  });
});
