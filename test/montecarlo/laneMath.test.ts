import { describe, expect, it } from "vitest";
import { expModule, expsModule, logModule } from "./laneArray.ts";
import { Code, encodeModule, F64, I32, I64, instantiate, V128 } from "../../src/stress/lanes/wasm.ts";

/** The little of the WebAssembly API used here (this project's TypeScript libraries do not declare it). */
const highWord = (high: number): number => new Float64Array(new BigUint64Array([BigInt(high) << 32n]).buffer)[0];
const N = 1 << 20, AT = 1 << 16;

/** A lane module's function against Math's own on arguments `fill` writes into `x` (a fill at a time): the arguments whose results differ. */
function differences(bytes: Uint8Array, name: "exp" | "log", fills: ((x: Float64Array, words: BigUint64Array) => void)[]): string[] {
  const exports = instantiate(bytes, { env: { [name]: Math[name] } });
  const memory = exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
  memory.grow(Math.ceil((AT + 8 * N) / 65536));
  const f = exports[name] as (ptr: number, n: number) => void;
  const x = new Float64Array(N), words = new BigUint64Array(x.buffer);
  const differ: string[] = [];
  for (const fill of fills) {
    fill(x, words);
    const lanes = new Float64Array(memory.buffer, AT, N);
    lanes.set(x);
    f(AT, N);
    for (let i = 0; i < N; i++) if (!Object.is(lanes[i], Math[name](x[i])) && differ.length < 5) differ.push(`${name}(${x[i]}): ${lanes[i]}, Math.${name} ${Math[name](x[i])}`);
  }
  return differ;
}

/** A 64-bit linear congruential generator's next value, and a uniform on [0, 1) from it. */
function generator(seed: bigint): { next(): bigint; uniform(): number } {
  let state = seed;
  const next = () => (state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn);
  return { next, uniform: () => Number(next() >> 11n) / 2 ** 53 };
}


describe("the module writer", () => {
  it("encodes immediates past one LEB128 byte, locals past 127, i64 and f64x2 constants and calls to imports", () => {
    const code = new Code([I32], [F64]);
    const many = Array.from({ length: 200 }, () => code.local(F64));
    const last = many.at(-1)!;
    const wide = code.local(V128), big = code.local(I64);
    code.f64(-0.1).set(last); // local 200: a two-byte index
    code.i64(-(2n ** 40n) - 3n).set(big);
    code.f64x2(1.5, -2.25).set(wide);
    // (p + 300000 − 1) · 1 + local 200 + lane 1 of the constant + the import of (i64 → f64)
    code.get(0).i32(300000).op("i32_add").i32(-1).op("i32_add").op("f64_convert_i32_s");
    code.get(last).op("f64_add").get(wide).f64x2Extract(1).op("f64_add");
    code.get(big).call(0).op("f64_add");
    const exports = instantiate(
      encodeModule({ imports: [{ module: "env", name: "fromI64", params: [I64], results: [F64] }], memoryPages: 1, functions: [{ name: "f", code }] }),
      { env: { fromI64: (x: bigint) => Number(x) } },
    );
    expect((exports.f as (p: number) => number)(7)).toBe(7 + 300000 - 1 - 0.1 - 2.25 + Number(-(2n ** 40n) - 3n));
  });
});

/**
 * 5 M arguments for exp — every double near each bound of fdlibm's branches, uniform on ±5 and ±708, tiny ones, every
 * high word the branches test with random low words and signs — and the special values (the same on every call).
 */
function expFills(): ((x: Float64Array, words: BigUint64Array) => void)[] {
  const { next, uniform } = generator(0x243f6a8885a308d3n);
  const n = N;
  // the high words fdlibm compares with (0.5·ln2, 1.5·ln2, 2⁻²⁸, the overflow threshold) and their neighbours
  const edges = [0x3fd62e42n, 0x3fd62e43n, 0x3fd62e41n, 0x3ff0a2b1n, 0x3ff0a2b2n, 0x3ff0a2b3n, 0x3e300000n, 0x3e2fffffn, 0x3ff00000n, 0x40862e41n, 0x40862e42n];
  const specials = [1, -1, 0, -0, NaN, Infinity, -Infinity, 707, -707, 706.9999999999999, 709.7, 709.8, -745, -746, Math.LN2 / 2, 1.5 * Math.LN2, 2 ** -28, -(2 ** -28), 5e-324];
  // every double within ~87,000 ulps of each bound, both signs: where a lane's k or formula could part from fdlibm's
  const bounds = [Math.LN2 / 2, 1.5 * Math.LN2, 2 ** -28, 707, highWord(0x3fd62e43), highWord(0x3ff0a2b2), highWord(0x3e300000)];
  const near = (x: Float64Array, words: BigUint64Array, i: number) => {
    const per = Math.floor(n / (2 * bounds.length)), k = Math.floor(i / 2) % per - (per >> 1);
    x[i] = bounds[Math.floor(i / (2 * per)) % bounds.length];
    words[i] = BigInt.asUintN(64, BigInt.asIntN(64, words[i]) + BigInt(k)) | (BigInt(i & 1) << 63n);
  };
  return [
    (x: Float64Array, words: BigUint64Array) => { for (let i = 0; i < n; i++) near(x, words, i); },
    (x: Float64Array) => { for (let i = 0; i < n; i++) x[i] = uniform() * 10 - 5; },
    (x: Float64Array) => { for (let i = 0; i < n; i++) x[i] = uniform() * 1416 - 708; },
    (x: Float64Array) => { for (let i = 0; i < n; i++) x[i] = (uniform() - 0.5) * 2 ** -Number(next() & 63n); },
    (x: Float64Array, words: BigUint64Array) => {
      for (let i = 0; i < n; i++) words[i] = (edges[i % edges.length] << 32n) | (i % 3 === 0 ? 0n : next() & 0xffffffffn) | ((next() & 1n) << 63n);
      x.set(specials);
    },
  ];
}

describe("laneExp: V8's Math.exp on two lanes, to the bit", () => {
  it("5 M arguments — every double near each bound of fdlibm's branches, uniform on ±5 and ±708, tiny ones, every high word the branches test with random low words and signs — and the special values", () => {
    expect(differences(expModule(), "exp", expFills())).toEqual([]);
  });

  it("laneExps: four exps written phase by phase across each other (the prices' loop interleaves six) give the same bits on the same arguments", () => {
    expect(differences(expsModule(4), "exp", expFills())).toEqual([]);
  });
});

describe("laneLog: V8's Math.log on two lanes, to the bit", () => {
  it("5 M arguments — uniform on (0, 1] and (0, 10), within 2⁻¹⁹ of 1, random positive bit patterns, every mantissa bound of fdlibm's branches with random exponents and low words — and the special values", () => {
    const { next, uniform } = generator(0x13198a2e03707344n);
    const n = N;
    // the high word's mantissa bounds fdlibm tests: 0x6147a and 0x6b851 (which polynomial form), 0x6a09c (where
    // (hx + 0x95f64) carries into bit 20: x or x/2), 0xffffd–0xfffff and 0–2 (|f| < 2⁻²⁰), each ± 3
    const bounds = [0x6147an, 0x6b851n, 0x6a09cn, 0xffffdn, 0x0n];
    const specials = [1, 2, 0.5, 0, -0, -1, NaN, Infinity, -Infinity, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, 1 + 2 ** -52, 1 - 2 ** -53];
    const fills = [
      (x: Float64Array) => { for (let i = 0; i < n; i++) x[i] = 1 - uniform(); },
      (x: Float64Array) => { for (let i = 0; i < n; i++) x[i] = uniform() * 10; },
      (x: Float64Array) => { for (let i = 0; i < n; i++) x[i] = 1 + (uniform() - 0.5) * 2 ** -19; },
      (_: Float64Array, words: BigUint64Array) => { for (let i = 0; i < n; i++) words[i] = next() & 0x7fffffffffffffffn; },
      (x: Float64Array, words: BigUint64Array) => {
        for (let i = 0; i < n; i++) {
          const exponent = 1n + (next() % 2046n), mantissa = bounds[i % bounds.length] + BigInt((i >> 3) % 7) - 3n;
          words[i] = (exponent << 52n) | ((mantissa & 0xfffffn) << 32n) | (next() & 0xffffffffn);
        }
        x.set(specials);
      },
    ];
    expect(differences(logModule(), "log", fills)).toEqual([]);
  });
});
