// AssemblyScript: what quietPair.ts and quietPairLoops.ts share — the Ziggurat table's place, f64x2 helpers, and V8's
// Math.exp on two lanes to the bit (vexpExact).
export const KN: usize = 1 << 20;
export const OUT: usize = (1 << 20) + 4096;

@inline export function ld(i: i32): f64 { return load<f64>(KN + (<usize>i << 3)); }
@inline export function S(x: f64): v128 { return f64x2.splat(x); }
@inline export function sel(a: v128, b: v128, m: v128): v128 { return v128.bitselect(a, b, m); } // a where m

@external("env", "log") export declare function jsLog(x: f64): f64;
@external("env", "exp") export declare function jsExp(x: f64): f64;

// V8's Math.exp (base/ieee754.cc, fdlibm's e_exp.c) on both lanes, bit for bit, without its branches: the regions
// are told apart on the high word as fdlibm does; a lane of |x| ≥ 707 or NaN is marked in bigSeen (the host's, with
// Math.exp: a kernel would hand that path over as a loud step)
let bigSeen = i64x2.splat(0);
/** whether a lane of a vexpExact since the last clearBig was past its range, and which (lane 0, lane 1) */
@inline export function anyBig(): bool { return v128.any_true(bigSeen); }
@inline export function bigLane(lane: i32): bool { return lane == 0 ? i64x2.extract_lane(bigSeen, 0) != 0 : i64x2.extract_lane(bigSeen, 1) != 0; }
@inline export function clearBig(): void { bigSeen = i64x2.splat(0); }
@inline export function vexpExact(x: v128): v128 {
  // fdlibm's tests of the high word hx of |x| as comparisons of |x| with doubles: hx > H is |x| ≥ the double whose high
  // word is H + 1 and low word 0, hx < H is |x| < the double of high word H
  const ax = f64x2.abs(x);
  // past 707 (2^k leaves the normal range at |k| ≥ 1022, fdlibm scales in two steps there; and overflow, NaN): the host's
  const big = v128.not(f64x2.lt(ax, S(707.0)));
  const reduce = f64x2.ge(ax, S(reinterpret<f64>(0x3FD62E4300000000)));
  const near = v128.and(reduce, f64x2.lt(ax, S(reinterpret<f64>(0x3FF0A2B200000000))));
  const tiny = f64x2.lt(ax, S(reinterpret<f64>(0x3E30000000000000)));
  const signBit = v128.and(x, S(-0.0));
  let k = sel(v128.or(S(1.0), signBit), f64x2.trunc(f64x2.add(f64x2.mul(S(1.44269504088896338700e+00), x), v128.or(S(0.5), signBit))), near);
  k = v128.and(k, reduce);
  const hi = f64x2.sub(x, f64x2.mul(k, S(6.93147180369123816490e-01)));
  const lo = f64x2.mul(k, S(1.90821492927058770002e-10));
  const r = f64x2.sub(hi, lo); // x itself where k = 0 (hi = x − 0, lo = 0)
  const t = f64x2.mul(r, r);
  const p = f64x2.add(S(1.66666666666666019037e-01), f64x2.mul(t, f64x2.add(S(-2.77777777770155933842e-03), f64x2.mul(t, f64x2.add(S(6.61375632143793436117e-05), f64x2.mul(t, f64x2.add(S(-1.65339022054652515390e-06), f64x2.mul(t, S(4.13813679705723846039e-08)))))))));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  const rc = f64x2.mul(r, c);
  // one − ((lo − (x·c)/(2 − c)) − hi): where k = 0 the same bits as fdlibm's one − ((x·c)/(c − 2) − x) (c − 2 = −(2 − c)
  // and a quotient's sign is exact; lo = +0, hi = x), and 2^0 = 1 leaves it as it is
  const yk = f64x2.sub(S(1.0), f64x2.sub(f64x2.sub(lo, f64x2.div(rc, f64x2.sub(S(2.0), c))), hi));
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const twopk = i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
  let y = f64x2.mul(yk, twopk);
  y = sel(f64x2.add(S(1.0), x), y, tiny);
  y = sel(S(2.718281828459045), y, f64x2.eq(x, S(1.0)));
  bigSeen = v128.or(bigSeen, big); // such a lane is the host's (Math.exp), checked once a step with the louds
  return y;
}


/**
 * A lane's gamma draw (Marsaglia & Tsang, the shape's c and d) made again alone, as the scalar loop makes it, from
 * the lane's stream state at the step's start: for a lane the one vector attempt could not settle. Leaves the
 * stream state, the normal x and v for gammaState.
 */
const GAMMA: usize = (1 << 20) + 2048; // 6 f64: s0, s1, s2, c, x, v
export function gammaLane(lane: i32, g0: v128, g1: v128, g2: v128, gc: v128, C: f64, D: f64): void {
  let t = 0.0, hz: i32 = 0, iz: i32 = 0, x = 0.0, v = 0.0, u = 0.0, xx = 0.0;
  let ms0 = lane == 0 ? f64x2.extract_lane(g0, 0) : f64x2.extract_lane(g0, 1);
  let ms1 = lane == 0 ? f64x2.extract_lane(g1, 0) : f64x2.extract_lane(g1, 1);
  let ms2 = lane == 0 ? f64x2.extract_lane(g2, 0) : f64x2.extract_lane(g2, 1);
  let mc = lane == 0 ? f64x2.extract_lane(gc, 0) : f64x2.extract_lane(gc, 1);
  while (true) {
    t = 2091639.0 * ms0 + mc * 2.3283064365386963e-10; ms0 = ms1; ms1 = ms2; mc = Math.floor(t); ms2 = t - mc;
    hz = <i32><i64>(ms2 * 4294967296.0); iz = (hz & 127) << 1;
    x = <f64>hz * ld(iz | 1);
    v = 1.0 + C * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    t = 2091639.0 * ms0 + mc * 2.3283064365386963e-10; ms0 = ms1; ms1 = ms2; mc = Math.floor(t); ms2 = t - mc;
    u = 1.0 - ms2;
    xx = x * x;
    if (u < 1.0 - 0.0331 * xx * xx || jsLog(u) < 0.5 * xx + D * (1.0 - v + jsLog(v))) break;
  }
  store<f64>(GAMMA, ms0); store<f64>(GAMMA + 8, ms1); store<f64>(GAMMA + 16, ms2); store<f64>(GAMMA + 24, mc);
  store<f64>(GAMMA + 32, x); store<f64>(GAMMA + 40, v);
}

/** `into` with lane `lane` replaced by gammaLane's figure `k` (0–3 the stream state, 4 x, 5 v). */
@inline export function gammaState(into: v128, lane: i32, k: i32): v128 {
  const value = load<f64>(GAMMA + (<usize>k << 3));
  return lane == 0 ? f64x2.replace_lane(into, 0, value) : f64x2.replace_lane(into, 1, value);
}
