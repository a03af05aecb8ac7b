import { expScratch, laneExp } from "../../src/stress/lanes/laneExp.ts";
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

/** A module whose `log(ptr, n)` is Math.log in place over n doubles. */
export function logModule(): Uint8Array {
  return laneArrayModule("log", (code) => {
    const scratch = logScratch(code);
    return (c, x, out, outOfRange) => laneLog(c, scratch, x, out, outOfRange);
  });
}
