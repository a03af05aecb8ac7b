// AssemblyScript. The twin's quiet steps (quietTwin.mjs) for two paths at a time, one in each lane of WebAssembly's f64x2:
// every branch of a quiet step a mask, each lane's state committed by its own; a lane whose gamma draw the one vector
// attempt cannot settle is drawn again alone from the step's start (gammaLane), with the host's Math.log; exp is
// V8's Math.exp to the bit (vexpExact). Outputs: 12 figures a path, lane 0's path then lane 1's.
// Built with: npx -y assemblyscript@0.28.20 asc bench/lanes/quietPair.ts -O3 --enable simd --runtime stub --noAssert --initialMemory 32 -o bench/lanes/quietPair.wasm
import { OUT, ld, S, sel, jsExp, anyBig, bigLane, clearBig, vexpExact, gammaLane, gammaState } from "./laneMath";

export function run(first: i32, paths: i32, steps: i32): void {
  for (let p = first; p < first + paths; p += 2) runPair(p, steps, OUT + (<usize>(p - first) * 96));
}

@inline function lane0(v: v128): f64 { return f64x2.extract_lane(v, 0); }
@inline function lane1(v: v128): f64 { return f64x2.extract_lane(v, 1); }

function runPair(path: i32, steps: i32, out: usize): void {
  const pa = <f64>(path + 1), pb = <f64>(path + 2);
  let ms0 = f64x2.floor(f64x2.mul(f64x2((pa * 0.6180339887498949) % 1.0, (pb * 0.6180339887498949) % 1.0), S(4294967296.0)));
  let ms1 = f64x2.floor(f64x2.mul(f64x2((pa * 0.7548776662466927) % 1.0, (pb * 0.7548776662466927) % 1.0), S(4294967296.0)));
  let ms2 = f64x2.floor(f64x2.mul(f64x2((pa * 0.5698402909980532) % 1.0, (pb * 0.5698402909980532) % 1.0), S(4294967296.0)));
  ms0 = f64x2.div(ms0, S(4294967296.0)); ms1 = f64x2.div(ms1, S(4294967296.0)); ms2 = f64x2.div(ms2, S(4294967296.0));
  let mc = f64x2(<f64>((path * 7919 + 13) % 2091639), <f64>(((path + 1) * 7919 + 13) % 2091639));
  const ZERO = S(0.0), ONE = S(1.0);
  let x0 = ZERO, p0 = ONE, xs0 = ZERO, ps0 = ONE, v0 = ZERO; const rt0 = S(0.0001);
  let x1 = ZERO, p1 = ONE, xs1 = ZERO, ps1 = ONE, v1 = ZERO; const rt1 = S(0.0001);
  let x2 = ZERO, p2 = ONE, xs2 = ZERO, ps2 = ONE, v2 = ZERO; const rt2 = S(0.0001);
  // cross (mode 0): directions the same on both lanes (one book)
  let w0 = S(1e9), fp0 = ZERO, me0 = S(1e18), pms0 = ZERO, ex0 = S(1e9); const c0 = S(-100.0);
  const d0_0 = 1.0, q0_0 = S(30000.0), en0_0 = ONE, sl0_0 = S(29850.0), gs0_0 = S(30000.0); let mg0_0 = ZERO, pe0_0 = ZERO, pp0_0 = ZERO;
  const d0_1 = 1.0, q0_1 = S(20000.0), en0_1 = ONE, sl0_1 = S(19900.0), gs0_1 = S(20000.0); let mg0_1 = ZERO, pe0_1 = ZERO, pp0_1 = ZERO;
  const d0_2 = -1.0, q0_2 = S(-10000.0), en0_2 = ONE, sl0_2 = S(-10050.0), gs0_2 = S(-10000.0); let mg0_2 = ZERO, pe0_2 = ZERO, pp0_2 = ZERO;
  // isolated (mode 1)
  let w1 = S(14000.0), fp1 = ZERO, me1 = S(1e18), pms1 = ZERO;
  const d1_0 = 1.0, q1_0 = S(30000.0), en1_0 = ONE, ls1_0 = S(1e-9); let mg1_0 = S(1200.0), pe1_0 = ZERO, pp1_0 = ZERO, lq1_0 = S(0.01), lr1_0 = S(0.01);
  const d1_1 = 1.0, q1_1 = S(20000.0), en1_1 = ONE, ls1_1 = S(1e-9); let mg1_1 = S(800.0), pe1_1 = ZERO, pp1_1 = ZERO, lq1_1 = S(0.01), lr1_1 = S(0.01);
  const d1_2 = -1.0, q1_2 = S(-10000.0), en1_2 = ONE, ls1_2 = S(-1e-9); let mg1_2 = S(400.0), pe1_2 = ZERO, pp1_2 = ZERO, lq1_2 = S(100.0), lr1_2 = S(100.0);
  let louds = S(0.0);
  const TWO32 = S(4294967296.0), TWO31 = S(2147483648.0);
  for (let s = 0; s < steps; s++) {
    let t: v128, hz: v128, x: v128, v: v128, u: v128, xx: v128;
    // gamma: one attempt on both lanes; a lane it cannot settle is drawn again alone from the step's start
    const g0 = ms0, g1 = ms1, g2 = ms2, gcv = mc;
    t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
    {
      const uu = f64x2.mul(ms2, TWO32);
      const hf = sel(f64x2.sub(uu, TWO32), uu, f64x2.ge(uu, TWO31));
      const hi = i32x4.trunc_sat_f64x2_s_zero(hf);
      const iz = i32x4.shl(v128.and(hi, i32x4.splat(127)), 1);
      const i0 = i32x4.extract_lane(iz, 0), i1 = i32x4.extract_lane(iz, 1);
      x = f64x2.mul(hf, f64x2(ld(i0 | 1), ld(i1 | 1)));
    }
    v = f64x2.add(ONE, f64x2.mul(S(0.2581988897471611), x));
    let okv = f64x2.gt(v, ZERO);
    v = f64x2.mul(f64x2.mul(v, v), v);
    t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
    u = f64x2.sub(ONE, ms2);
    xx = f64x2.mul(x, x);
    const acc = v128.and(okv, f64x2.lt(u, f64x2.sub(ONE, f64x2.mul(f64x2.mul(S(0.0331), xx), xx))));
    if (!i64x2.all_true(acc)) {
      for (let lane = 0; lane < 2; lane++) {
        if ((lane == 0 ? i64x2.extract_lane(acc, 0) : i64x2.extract_lane(acc, 1)) != 0) continue;
        gammaLane(lane, g0, g1, g2, gcv, 0.2581988897471611, 1.6666666666666667);
        ms0 = gammaState(ms0, lane, 0); ms1 = gammaState(ms1, lane, 1); ms2 = gammaState(ms2, lane, 2); mc = gammaState(mc, lane, 3);
        x = gammaState(x, lane, 4); v = gammaState(v, lane, 5);
      }
    }
    const mix = f64x2.div(S(2.0), f64x2.mul(S(2.0), f64x2.mul(S(1.6666666666666667), v)));
    let z0: v128, z1: v128, z2: v128;
    t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
    {
      const uu = f64x2.mul(ms2, TWO32);
      const hf = sel(f64x2.sub(uu, TWO32), uu, f64x2.ge(uu, TWO31));
      const iz = i32x4.shl(v128.and(i32x4.trunc_sat_f64x2_s_zero(hf), i32x4.splat(127)), 1);
      const i0 = i32x4.extract_lane(iz, 0), i1 = i32x4.extract_lane(iz, 1);
      z0 = f64x2.mul(hf, f64x2(ld(i0 | 1), ld(i1 | 1)));
      louds = f64x2.add(louds, v128.andnot(S(1e-6), f64x2.lt(f64x2.abs(hf), f64x2(ld(i0), ld(i1)))));
    }
    t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
    {
      const uu = f64x2.mul(ms2, TWO32);
      const hf = sel(f64x2.sub(uu, TWO32), uu, f64x2.ge(uu, TWO31));
      const iz = i32x4.shl(v128.and(i32x4.trunc_sat_f64x2_s_zero(hf), i32x4.splat(127)), 1);
      const i0 = i32x4.extract_lane(iz, 0), i1 = i32x4.extract_lane(iz, 1);
      z1 = f64x2.mul(hf, f64x2(ld(i0 | 1), ld(i1 | 1)));
      louds = f64x2.add(louds, v128.andnot(S(1e-6), f64x2.lt(f64x2.abs(hf), f64x2(ld(i0), ld(i1)))));
    }
    t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
    {
      const uu = f64x2.mul(ms2, TWO32);
      const hf = sel(f64x2.sub(uu, TWO32), uu, f64x2.ge(uu, TWO31));
      const iz = i32x4.shl(v128.and(i32x4.trunc_sat_f64x2_s_zero(hf), i32x4.splat(127)), 1);
      const i0 = i32x4.extract_lane(iz, 0), i1 = i32x4.extract_lane(iz, 1);
      z2 = f64x2.mul(hf, f64x2(ld(i0 | 1), ld(i1 | 1)));
      louds = f64x2.add(louds, v128.andnot(S(1e-6), f64x2.lt(f64x2.abs(hf), f64x2(ld(i0), ld(i1)))));
    }
    const sqrtMix = f64x2.sqrt(mix);
    let e = f64x2.add(ZERO, f64x2.mul(ONE, z0));
    v = f64x2.mul(S(0.0000410958904109589), mix);
    const mdr0 = f64x2.add(f64x2.sub(ZERO, f64x2.mul(S(0.5), v)), f64x2.mul(f64x2.mul(S(0.006410607647560323), sqrtMix), e)); const mdv0 = v;
    e = f64x2.add(f64x2.add(ZERO, f64x2.mul(S(0.8), z0)), f64x2.mul(S(0.5999999999999999), z1));
    v = f64x2.mul(S(0.00006421232876712328), mix);
    const mdr1 = f64x2.add(f64x2.sub(ZERO, f64x2.mul(S(0.5), v)), f64x2.mul(f64x2.mul(S(0.008013259559450404), sqrtMix), e)); const mdv1 = v;
    e = f64x2.add(f64x2.add(f64x2.add(ZERO, f64x2.mul(S(0.7), z0)), f64x2.mul(S(0.3166666666666668), z1)), f64x2.mul(S(0.6400954789890506), z2));
    v = f64x2.mul(S(0.00011415525114155251), mix);
    const mdr2 = f64x2.add(f64x2.sub(ZERO, f64x2.mul(S(0.5), v)), f64x2.mul(f64x2.mul(S(0.010684346079267205), sqrtMix), e)); const mdv2 = v;

    xs0 = x0; ps0 = p0; x0 = f64x2.add(xs0, mdr0); p0 = vexpExact(x0); v0 = mdv0;
    xs1 = x1; ps1 = p1; x1 = f64x2.add(xs1, mdr1); p1 = vexpExact(x1); v1 = mdv1;
    xs2 = x2; ps2 = p2; x2 = f64x2.add(xs2, mdr2); p2 = vexpExact(x2); v2 = mdv2;
    const t1 = S(<f64>(s + 1) * 3600000.0);
    // cross: quiet where D stays far from 0 (lanes masked), committed per lane
    {
      const dd0 = ex0;
      let dd1 = f64x2.add(w0, c0), bound = ZERO;
      dd1 = f64x2.add(dd1, f64x2.mul(sl0_0, p0)); bound = f64x2.add(bound, f64x2.abs(f64x2.mul(f64x2.mul(gs0_0, ps0), f64x2.sqrt(v0))));
      dd1 = f64x2.add(dd1, f64x2.mul(sl0_1, p1)); bound = f64x2.add(bound, f64x2.abs(f64x2.mul(f64x2.mul(gs0_1, ps1), f64x2.sqrt(v1))));
      dd1 = f64x2.add(dd1, f64x2.mul(sl0_2, p2)); bound = f64x2.add(bound, f64x2.abs(f64x2.mul(f64x2.mul(gs0_2, ps2), f64x2.sqrt(v2))));
      const far = v128.and(v128.and(f64x2.gt(dd0, ZERO), f64x2.gt(dd1, ZERO)), f64x2.gt(f64x2.mul(f64x2.mul(S(2.0), dd0), dd1), f64x2.mul(f64x2.mul(S(40.0), bound), bound)));
      let w = w0, paidSum = fp0;
      const paid0 = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(q0_0, p0), rt0), ONE), S(8.0));
      paidSum = f64x2.add(paidSum, paid0); const tpe0 = f64x2.add(pe0_0, paid0); w = f64x2.sub(w, paid0);
      const paid1 = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(q0_1, p1), rt1), ONE), S(8.0));
      paidSum = f64x2.add(paidSum, paid1); const tpe1 = f64x2.add(pe0_1, paid1); w = f64x2.sub(w, paid1);
      const paid2 = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(q0_2, p2), rt2), ONE), S(8.0));
      paidSum = f64x2.add(paidSum, paid2); const tpe2 = f64x2.add(pe0_2, paid2); w = f64x2.sub(w, paid2);
      let g = f64x2.add(w, c0); g = f64x2.add(g, f64x2.mul(sl0_0, p0)); g = f64x2.add(g, f64x2.mul(sl0_1, p1)); g = f64x2.add(g, f64x2.mul(sl0_2, p2));
      let ee = w;
      ee = f64x2.add(ee, f64x2.add(mg0_0, f64x2.mul(q0_0, f64x2.sub(p0, en0_0))));
      ee = f64x2.add(ee, f64x2.add(mg0_1, f64x2.mul(q0_1, f64x2.sub(p1, en0_1))));
      ee = f64x2.add(ee, f64x2.add(mg0_2, f64x2.mul(q0_2, f64x2.sub(p2, en0_2))));
      const commit = v128.and(far, f64x2.ge(g, ZERO));
      louds = f64x2.add(louds, v128.andnot(ONE, commit));
      w0 = sel(w, w0, commit); fp0 = sel(paidSum, fp0, commit); ex0 = sel(g, ex0, commit);
      pe0_0 = sel(tpe0, pe0_0, commit); pp0_0 = sel(p0, pp0_0, commit);
      pe0_1 = sel(tpe1, pe0_1, commit); pp0_1 = sel(p1, pp0_1, commit);
      pe0_2 = sel(tpe2, pe0_2, commit); pp0_2 = sel(p2, pp0_2, commit);
      pms0 = sel(t1, pms0, commit);
      me0 = sel(ee, me0, v128.and(commit, f64x2.lt(ee, me0)));
    }
    // a lane past exp's range goes to the host (here: counted, as a loud step)
    if (anyBig()) { louds = f64x2.add(louds, S(1000.0)); clearBig(); }
    // isolated: the bridge's early-out on every slot (directions known), then funding and the end check, committed per lane
    {
      const b00 = f64x2.sub(ONE, f64x2.div(lq1_0, ps0)), b10 = f64x2.sub(ONE, f64x2.div(lq1_0, p0));
      const b01 = f64x2.sub(ONE, f64x2.div(lq1_1, ps1)), b11 = f64x2.sub(ONE, f64x2.div(lq1_1, p1));
      const b02 = f64x2.sub(ONE, f64x2.div(ps2, lq1_2)), b12 = f64x2.sub(ONE, f64x2.div(p2, lq1_2));
      const far0 = v128.and(v128.and(f64x2.gt(b00, ZERO), f64x2.gt(b10, ZERO)), f64x2.gt(f64x2.mul(f64x2.mul(S(2.0), b00), b10), f64x2.mul(S(40.0), v0)));
      const far1 = v128.and(v128.and(f64x2.gt(b01, ZERO), f64x2.gt(b11, ZERO)), f64x2.gt(f64x2.mul(f64x2.mul(S(2.0), b01), b11), f64x2.mul(S(40.0), v1)));
      const far2 = v128.and(v128.and(f64x2.gt(b02, ZERO), f64x2.gt(b12, ZERO)), f64x2.gt(f64x2.mul(f64x2.mul(S(2.0), b02), b12), f64x2.mul(S(40.0), v2)));
      let paidSum = fp1, ee = w1;
      const paid0 = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(q1_0, p0), rt0), ONE), S(8.0));
      paidSum = f64x2.add(paidSum, paid0); const tpe0 = f64x2.add(pe1_0, paid0); const tmg0 = f64x2.sub(mg1_0, paid0);
      const tlr0 = f64x2.sub(lr1_0, f64x2.mul(paid0, ls1_0)); const tlq0 = f64x2.max(tlr0, ZERO);
      let past = f64x2.lt(p0, tlq0);
      ee = f64x2.add(ee, f64x2.add(tmg0, f64x2.mul(q1_0, f64x2.sub(p0, en1_0))));
      const paid1 = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(q1_1, p1), rt1), ONE), S(8.0));
      paidSum = f64x2.add(paidSum, paid1); const tpe1 = f64x2.add(pe1_1, paid1); const tmg1 = f64x2.sub(mg1_1, paid1);
      const tlr1 = f64x2.sub(lr1_1, f64x2.mul(paid1, ls1_1)); const tlq1 = f64x2.max(tlr1, ZERO);
      past = v128.or(past, f64x2.lt(p1, tlq1));
      ee = f64x2.add(ee, f64x2.add(tmg1, f64x2.mul(q1_1, f64x2.sub(p1, en1_1))));
      const paid2 = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(q1_2, p2), rt2), ONE), S(8.0));
      paidSum = f64x2.add(paidSum, paid2); const tpe2 = f64x2.add(pe1_2, paid2); const tmg2 = f64x2.sub(mg1_2, paid2);
      const tlr2 = f64x2.sub(lr1_2, f64x2.mul(paid2, ls1_2)); const tlq2 = f64x2.max(tlr2, ZERO);
      past = v128.or(past, f64x2.gt(p2, tlq2));
      ee = f64x2.add(ee, f64x2.add(tmg2, f64x2.mul(q1_2, f64x2.sub(p2, en1_2))));
      const commit = v128.andnot(v128.and(v128.and(far0, far1), far2), past);
      louds = f64x2.add(louds, v128.andnot(ONE, commit));
      mg1_0 = sel(tmg0, mg1_0, commit); lq1_0 = sel(tlq0, lq1_0, commit); lr1_0 = sel(tlr0, lr1_0, commit); pe1_0 = sel(tpe0, pe1_0, commit); pp1_0 = sel(p0, pp1_0, commit);
      mg1_1 = sel(tmg1, mg1_1, commit); lq1_1 = sel(tlq1, lq1_1, commit); lr1_1 = sel(tlr1, lr1_1, commit); pe1_1 = sel(tpe1, pe1_1, commit); pp1_1 = sel(p1, pp1_1, commit);
      mg1_2 = sel(tmg2, mg1_2, commit); lq1_2 = sel(tlq2, lq1_2, commit); lr1_2 = sel(tlr2, lr1_2, commit); pe1_2 = sel(tpe2, pe1_2, commit); pp1_2 = sel(p2, pp1_2, commit);
      fp1 = sel(paidSum, fp1, commit); pms1 = sel(t1, pms1, commit);
      me1 = sel(ee, me1, v128.and(commit, f64x2.lt(ee, me1)));
    }
  }
  const outs: v128[] = [w0, fp0, me0, ex0, fp1, me1, lq1_0, f64x2.add(pms0, pms1), f64x2.add(f64x2.add(p0, p1), p2), louds, ms2, ONE];
  for (let i = 0; i < 12; i++) {
    store<f64>(out + (<usize>i << 3), lane0(outs[i]));
    store<f64>(out + 96 + (<usize>i << 3), lane1(outs[i]));
  }
}

// the exact exp over an array in place (n even), a marked lane by the host's Math.exp as a kernel would: for checking it against Math.exp
export function expArray(ptr: usize, n: i32): i32 {
  for (let i = 0; i < n; i += 2) {
    const a = ptr + (<usize>i << 3);
    const x = v128.load(a);
    clearBig();
    let y = vexpExact(x);
    if (bigLane(0)) y = f64x2.replace_lane(y, 0, jsExp(f64x2.extract_lane(x, 0)));
    if (bigLane(1)) y = f64x2.replace_lane(y, 1, jsExp(f64x2.extract_lane(x, 1)));
    v128.store(a, y);
  }
  return 0;
}
