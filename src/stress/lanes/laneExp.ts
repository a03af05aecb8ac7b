import { Code, V128 } from "./wasm.ts";

/*
 * V8's Math.exp on two f64 lanes, to the bit, for a kernel that steps two paths at once. V8's Math.exp is fdlibm's
 * e_exp.c (V8's base/ieee754.cc). Its branches become lane masks:
 * - fdlibm tests the high word hx of |x|: hx > H is |x| ≥ the double of high word H + 1 and low word 0, hx < H is
 *   |x| < the double of high word H; so |x| ≤ 0.5·ln2 (k = 0) and |x| < 2⁻²⁸ (1 + x);
 * - k elsewhere is (int)(x/ln2 ± 0.5), truncated: f64x2.trunc. fdlibm's own branch for 0.5·ln2 < |x| < 1.5·ln2
 *   (hi = x ∓ ln2Hi, lo = ±ln2Lo, k = ±1) is the same bits: there (int)(x/ln2 ± 0.5) is ±1 (1.5·ln2's own high word
 *   is the branch's bound, so every x in it is below 1.5·ln2), and ±1·ln2Hi, ±1·ln2Lo are exact;
 * - with k = 0 fdlibm returns 1 − ((x·c)/(c − 2) − x), which is the general 1 − ((lo − (x·c)/(2 − c)) − hi) to the
 *   bit there (hi = x − 0·ln2Hi = x, lo = +0, c − 2 = −(2 − c) exactly, a quotient's sign is exact), times 2⁰;
 * - 2^k is built from the exponent's bits (k + 1023) << 52, as fdlibm's INSERT_WORDS does;
 * - exp(1) is E (fdlibm's special case);
 * - |x| ≥ 707 (past it fdlibm scales 2^k in two steps, overflows or underflows) and NaN are not computed: the lane
 *   is marked in `outOfRange` for the caller to take to Math.exp (a kernel hands such a path over).
 * Checked against Math.exp in test/montecarlo/laneExp.test.ts.
 */
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10, INV_LN2 = 1.44269504088896338700e+00;
const P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
const P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
const fromWords = (high: number): number => new Float64Array(new BigUint64Array([BigInt(high) << 32n]).buffer)[0];
const HALF_LN2_PAST = fromWords(0x3fd62e43), TWO_TO_MINUS_28 = fromWords(0x3e300000);
const LIMIT = 707;
const BIASED_EXPONENT = 4503599627370496 + 1023;

/** Locals a lane exp uses, made once per function and reused by every exp in it. */
export interface ExpScratch {
  ax: number;
  reduce: number;
  tiny: number;
  sign: number;
  k: number;
  hi: number;
  lo: number;
  r: number;
  t: number;
  c: number;
}

export function expScratch(code: Code): ExpScratch {
  const v = () => code.local(V128);
  return { ax: v(), reduce: v(), tiny: v(), sign: v(), k: v(), hi: v(), lo: v(), r: v(), t: v(), c: v() };
}

/**
 * Code for `out` = Math.exp(`x`) on both lanes (`x`, `out`: v128 locals, `out` may be `x`), and `outOfRange` |= the
 * lanes with |x| ≥ 707 or NaN (their `out` is not Math.exp's).
 */
export function laneExp(code: Code, s: ExpScratch, x: number, out: number, outOfRange: number): void {
  for (const phase of expPhases(code, s, x, out, outOfRange)) phase();
}

/**
 * Code for several exps at once (`outs[i]` = Math.exp(`xs[i]`), each with its own scratch), written phase by phase
 * across them: each exp is one long chain of dependent operations (the polynomial, then a division), so written one
 * after the other the processor waits on each; interleaved, it works on the others' chains meanwhile. The same
 * operations on the same values: the same bits.
 */
export function laneExps(code: Code, scratch: readonly ExpScratch[], xs: readonly number[], outs: readonly number[], outOfRange: number): void {
  const each = xs.map((x, i) => expPhases(code, scratch[i], x, outs[i], outOfRange));
  for (let phase = 0; phase < each[0].length; phase++) for (const phases of each) phases[phase]();
}

/** laneExp's code as phases that each leave the stack empty, in order. */
function expPhases(code: Code, s: ExpScratch, x: number, out: number, outOfRange: number): (() => void)[] {
  // c = r − t·(P1 + t·(P2 + t·(P3 + t·(P4 + t·P5)))), a Horner step a phase (c holds the sum so far)
  const horner = (p: number) => () => void code.get(s.t).get(s.c).simd("f64x2_mul").f64x2(p).simd("f64x2_add").set(s.c);
  return [
    () => {
      code.get(x).simd("f64x2_abs").tee(s.ax);
      code.f64x2(LIMIT).simd("f64x2_lt").simd("not").get(outOfRange).simd("or").set(outOfRange);
    },
    () => {
      code.get(s.ax).f64x2(HALF_LN2_PAST).simd("f64x2_ge").set(s.reduce);
      code.get(s.ax).f64x2(TWO_TO_MINUS_28).simd("f64x2_lt").set(s.tiny);
      code.get(x).f64x2(-0).simd("and").set(s.sign);
    },
    // k = trunc(x/ln2 ± 0.5), 0 where |x| ≤ 0.5·ln2
    () => void code.f64x2(INV_LN2).get(x).simd("f64x2_mul").f64x2(0.5).get(s.sign).simd("or").simd("f64x2_add").simd("f64x2_trunc").get(s.reduce).simd("and").set(s.k),
    () => {
      code.get(x).get(s.k).f64x2(LN2_HI).simd("f64x2_mul").simd("f64x2_sub").set(s.hi);
      code.get(s.k).f64x2(LN2_LO).simd("f64x2_mul").set(s.lo);
    },
    () => void code.get(s.hi).get(s.lo).simd("f64x2_sub").tee(s.r).get(s.r).simd("f64x2_mul").set(s.t),
    () => void code.get(s.t).f64x2(P5).simd("f64x2_mul").f64x2(P4).simd("f64x2_add").set(s.c),
    horner(P3),
    horner(P2),
    horner(P1),
    () => void code.get(s.r).get(s.t).get(s.c).simd("f64x2_mul").simd("f64x2_sub").set(s.c),
    // y = (1 − ((lo − (r·c)/(2 − c)) − hi)) · 2^k
    () => void code.get(s.r).get(s.c).simd("f64x2_mul").f64x2(2).get(s.c).simd("f64x2_sub").simd("f64x2_div").set(s.c),
    () => {
      code.f64x2(1).get(s.lo).get(s.c).simd("f64x2_sub").get(s.hi).simd("f64x2_sub").simd("f64x2_sub");
      // 2^k's bits (k + 1023) << 52: k + 1023 + 2⁵² holds the integer k + 1023 in its low bits (|k| < 1021 here)
      code.get(s.k).f64x2(BIASED_EXPONENT).simd("f64x2_add").i32(52).simd("i64x2_shl").simd("f64x2_mul").set(s.t);
    },
    // 1 + x where |x| < 2⁻²⁸, E where x = 1 (read before `out` is written: it may be `x`)
    () => {
      code.f64x2(1).get(x).simd("f64x2_add").get(s.t).get(s.tiny).simd("bitselect").set(s.t);
      code.f64x2(Math.E).get(s.t).get(x).f64x2(1).simd("f64x2_eq").simd("bitselect").set(out);
    },
  ];
}
