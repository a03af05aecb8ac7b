import { expScratch, laneExp, laneExps } from "../../src/stress/lanes/laneExp.ts";
import { laneLog, logScratch } from "../../src/stress/lanes/laneLog.ts";
import { Code, encodeModule, F64, I32, V128 } from "../../src/stress/lanes/wasm.ts";

/** Code for `out` = f(`x`) on both lanes, `outOfRange` |= the lanes it does not compute; its scratch made beforehand. */
export type LaneFunction = (code: Code, x: number, out: number, outOfRange: number) => void;

/**
 * A module whose `name(ptr, n)` replaces the n doubles at byte `ptr` (n even) by f of each, two at a time with the
 * lane code `emit` makes, an out-of-range lane by the imported `env.name` (the host's own function): how the tests
 * check a lane function against Math's.
 */
export function laneArrayModule(name: string, emit: (code: Code) => LaneFunction): Uint8Array {
  const code = new Code([I32, I32], []);
  const [ptr, n] = [0, 1];
  const i = code.local(I32), at = code.local(I32), x = code.local(V128), y = code.local(V128), outOfRange = code.local(V128);
  const f = emit(code);
  code.i32(0).set(i);
  code.block().loop();
  code.get(i).get(n).op("i32_ge_s").brIf(1);
  code.get(ptr).get(i).i32(3).op("i32_shl").op("i32_add").tee(at).v128Load().set(x);
  code.f64x2(0).set(outOfRange);
  f(code, x, y, outOfRange);
  code.get(outOfRange).simd("any_true").if();
  for (const lane of [0, 1] as const) {
    code.get(outOfRange).i64x2Extract(lane).op("i64_eqz").op("i32_eqz").if();
    code.get(y).get(x).f64x2Extract(lane).call(0).f64x2Replace(lane).set(y);
    code.end();
  }
  code.end();
  code.get(at).get(y).v128Store();
  code.get(i).i32(2).op("i32_add").set(i).br(0);
  code.end().end();
  return encodeModule({ imports: [{ module: "env", name, params: [F64], results: [F64] }], memoryPages: 1, functions: [{ name, code }] });
}

/** A module whose `exp(ptr, n)` is Math.exp in place over n doubles. */
export function expModule(): Uint8Array {
  return laneArrayModule("exp", (code) => {
    const scratch = expScratch(code);
    return (c, x, out, outOfRange) => laneExp(c, scratch, x, out, outOfRange);
  });
}

/**
 * A module whose `exp(ptr, n)` is Math.exp in place over n doubles (n a multiple of 2·count), `count` lane pairs at a
 * time through laneExps; a lane the exps leave to the host (|x| ≥ 707 or NaN: their shared out-of-range mask is
 * the group's, so each lane's own test is made here) by the imported `env.exp`.
 */
export function expsModule(count: number): Uint8Array {
  const code = new Code([I32, I32], []);
  const [ptr, n] = [0, 1];
  const i = code.local(I32), at = code.local(I32), outOfRange = code.local(V128);
  const xs = Array.from({ length: count }, () => code.local(V128)), ys = xs.map(() => code.local(V128)), scratch = xs.map(() => expScratch(code));
  code.i32(0).set(i);
  code.block().loop();
  code.get(i).get(n).op("i32_ge_s").brIf(1);
  code.get(ptr).get(i).i32(3).op("i32_shl").op("i32_add").set(at);
  xs.forEach((x, k) => code.get(at).v128Load(16 * k).set(x));
  code.f64x2(0).set(outOfRange);
  laneExps(code, scratch, xs, ys, outOfRange);
  xs.forEach((x, k) => {
    for (const lane of [0, 1] as const) {
      code.get(x).simd("f64x2_abs").f64x2(707).simd("f64x2_lt").i64x2Extract(lane).op("i64_eqz").if();
      code.get(ys[k]).get(x).f64x2Extract(lane).call(0).f64x2Replace(lane).set(ys[k]);
      code.end();
    }
    code.get(at).get(ys[k]).v128Store(16 * k);
  });
  code.get(i).i32(2 * count).op("i32_add").set(i).br(0);
  code.end().end();
  return encodeModule({ imports: [{ module: "env", name: "exp", params: [F64], results: [F64] }], memoryPages: 1, functions: [{ name: "exp", code }] });
}

/** A module whose `log(ptr, n)` is Math.log in place over n doubles. */
export function logModule(): Uint8Array {
  return laneArrayModule("log", (code) => {
    const scratch = logScratch(code);
    return (c, x, out, outOfRange) => laneLog(c, scratch, x, out, outOfRange);
  });
}
