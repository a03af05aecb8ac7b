import { Code, V128 } from "./wasm.ts";

/*
 * V8's Math.log on two f64 lanes, to the bit, for positive normal finite arguments. V8's Math.log is fdlibm's
 * e_log.c (V8's base/ieee754.cc): with hx the high word and k its exponent,
 *   hx &= 0xfffff; i = (hx + 0x95f64) & 0x100000; x's high word ← hx | (i ^ 0x3ff00000) (x or x/2 into
 *   [√2/2, √2)); k += i >> 20; f = x − 1;
 * then, for |f| < 2⁻²⁰ ((0xfffff & (2 + hx)) < 3), R = f²·(0.5 − f/3) and the log is k·ln2Hi − ((R − k·ln2Lo) − f);
 * else s = f/(2 + f), the polynomial R, and k·ln2Hi − ((hfsq − (s·(hfsq + R) + k·ln2Lo)) − f) where
 * (hx − 0x6147a) | (0x6b851 − hx) > 0, k·ln2Hi − ((s·(f − R) − k·ln2Lo) − f) elsewhere. fdlibm's own forms for
 * k = 0 (f − R, f − (hfsq − s·(hfsq + R)), f − s·(f − R)) and for f = 0 (k·ln2Hi + k·ln2Lo) are these with k = 0
 * or f = 0, to the bit (0 − (a − f) is f − a exactly; subtracting −k·ln2Lo adds it), so all three branches
 * are computed on both lanes and picked by masks. Zero, negative, subnormal, infinite and NaN arguments are not
 * computed: their lanes are marked in `outOfRange`. Checked against Math.log in test/montecarlo/laneLog.test.ts.
 */
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
const LG1 = 6.666666666666735130e-01, LG2 = 3.999999999940941908e-01, LG3 = 2.857142874366239149e-01;
const LG4 = 2.222219843214978396e-01, LG5 = 1.818357216161805012e-01, LG6 = 1.531383769920937332e-01, LG7 = 1.479819860511658591e-01;
const SMALLEST_NORMAL = 2.2250738585072014e-308;
/** the low 32 bits of each i64 lane into i32 lanes 0 and 1 */
const LOW_WORDS = [0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11];

export interface LogScratch {
  hx: number;
  k: number;
  x: number;
  f: number;
  dk: number;
  s: number;
  z: number;
  w: number;
  r: number;
  hfsq: number;
  tiny: number;
  wide: number;
}

export function logScratch(code: Code): LogScratch {
  const v = () => code.local(V128);
  return { hx: v(), k: v(), x: v(), f: v(), dk: v(), s: v(), z: v(), w: v(), r: v(), hfsq: v(), tiny: v(), wide: v() };
}

/** Code for `out` = Math.log(`x`) on both lanes (`out` may be `x`), and `outOfRange` |= the lanes that are not positive normal finite. */
export function laneLog(code: Code, s: LogScratch, x: number, out: number, outOfRange: number): void {
  code.get(x).f64x2(SMALLEST_NORMAL).simd("f64x2_ge").get(x).f64x2(Infinity).simd("f64x2_lt").simd("and").simd("not");
  code.get(outOfRange).simd("or").set(outOfRange);
  // k = exponent − 1023, hx = the high word's mantissa bits
  code.get(x).i32(32).simd("i64x2_shr_u").tee(s.hx).i32(20).simd("i64x2_shr_u").i64x2(1023n).simd("i64x2_sub").set(s.k);
  code.get(s.hx).i64x2(0xfffffn).simd("and").set(s.hx);
  // i = (hx + 0x95f64) & 0x100000 (kept in s.w): x's high word ← hx | (i ^ 0x3ff00000); k += i >> 20
  code.get(s.hx).i64x2(0x95f64n).simd("i64x2_add").i64x2(0x100000n).simd("and").set(s.w);
  code.get(s.hx).get(s.w).i64x2(0x3ff00000n).simd("xor").simd("or").i32(32).simd("i64x2_shl");
  code.get(x).i64x2(0xffffffffn).simd("and").simd("or").set(s.x);
  code.get(s.k).get(s.w).i32(20).simd("i64x2_shr_u").simd("i64x2_add").set(s.k);
  code.get(s.x).f64x2(1).simd("f64x2_sub").set(s.f);
  code.get(s.k).get(s.k).shuffle(LOW_WORDS).simd("f64x2_convert_low_i32x4_s").set(s.dk);
  // the branches' masks: |f| < 2⁻²⁰, and (hx − 0x6147a) | (0x6b851 − hx) > 0
  code.get(s.hx).i64x2(2n).simd("i64x2_add").i64x2(0xfffffn).simd("and").i64x2(3n).simd("i64x2_lt_s").set(s.tiny);
  code.get(s.hx).i64x2(0x6147an).simd("i64x2_sub").i64x2(0x6b851n).get(s.hx).simd("i64x2_sub").simd("or").i64x2(0n).simd("i64x2_gt_s").set(s.wide);
  // s = f/(2 + f), z = s², w = z², R = z·(Lg1 + w·(Lg3 + w·(Lg5 + w·Lg7))) + w·(Lg2 + w·(Lg4 + w·Lg6))
  code.get(s.f).f64x2(2).get(s.f).simd("f64x2_add").simd("f64x2_div").tee(s.s).get(s.s).simd("f64x2_mul").tee(s.z).get(s.z).simd("f64x2_mul").set(s.w);
  code.get(s.z).f64x2(LG1).get(s.w).f64x2(LG3).get(s.w).f64x2(LG5).get(s.w).f64x2(LG7).simd("f64x2_mul");
  code.simd("f64x2_add").simd("f64x2_mul").simd("f64x2_add").simd("f64x2_mul").simd("f64x2_add").simd("f64x2_mul");
  code.get(s.w).f64x2(LG2).get(s.w).f64x2(LG4).get(s.w).f64x2(LG6).simd("f64x2_mul");
  code.simd("f64x2_add").simd("f64x2_mul").simd("f64x2_add").simd("f64x2_mul");
  code.simd("f64x2_add").set(s.r);
  code.f64x2(0.5).get(s.f).simd("f64x2_mul").get(s.f).simd("f64x2_mul").set(s.hfsq);
  // wide: k·ln2Hi − ((hfsq − (s·(hfsq + R) + k·ln2Lo)) − f)
  code.get(s.dk).f64x2(LN2_HI).simd("f64x2_mul");
  code.get(s.hfsq).get(s.s).get(s.hfsq).get(s.r).simd("f64x2_add").simd("f64x2_mul").get(s.dk).f64x2(LN2_LO).simd("f64x2_mul").simd("f64x2_add");
  code.simd("f64x2_sub").get(s.f).simd("f64x2_sub").simd("f64x2_sub");
  // narrow: k·ln2Hi − ((s·(f − R) − k·ln2Lo) − f)
  code.get(s.dk).f64x2(LN2_HI).simd("f64x2_mul");
  code.get(s.s).get(s.f).get(s.r).simd("f64x2_sub").simd("f64x2_mul").get(s.dk).f64x2(LN2_LO).simd("f64x2_mul").simd("f64x2_sub");
  code.get(s.f).simd("f64x2_sub").simd("f64x2_sub");
  code.get(s.wide).simd("bitselect").set(s.w);
  // |f| < 2⁻²⁰: R = f·f·(0.5 − 0.33333333333333333·f), k·ln2Hi − ((R − k·ln2Lo) − f)
  code.get(s.dk).f64x2(LN2_HI).simd("f64x2_mul");
  code.get(s.f).get(s.f).simd("f64x2_mul").f64x2(0.5).f64x2(0.33333333333333333).get(s.f).simd("f64x2_mul").simd("f64x2_sub").simd("f64x2_mul");
  code.get(s.dk).f64x2(LN2_LO).simd("f64x2_mul").simd("f64x2_sub").get(s.f).simd("f64x2_sub").simd("f64x2_sub");
  code.get(s.w).get(s.tiny).simd("bitselect").set(out);
}
