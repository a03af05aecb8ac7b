// AssemblyScript. quietPair.ts's two lanes without knowing the book: the asset count, the modes (cross or isolated),
// the model's constants and the opening state are read from memory (JavaScript writes them: lanes.bench.ts), the
// steps loop over assets, modes and slots, the state lives in memory. What a kernel built once (at `npm ci`) for
// every book would run, against quietPair.ts's code written for one book's shape (as compiledPath.ts writes the
// JavaScript loop today). The same figures, to the bit, as the twin on the SSW book.
// Built with: npx -y assemblyscript@0.28.20 asc bench/lanes/quietPairLoops.ts -O3 --enable simd --runtime stub --noAssert --initialMemory 48 -o bench/lanes/quietPairLoops.wasm
import { OUT, ld, S, sel, anyBig, clearBig, vexpExact, gammaLane, gammaState } from "./laneMath";

// scalars JavaScript writes (f64): the book, the model, the opening state of each mode and slot
const C: usize = 2 << 20;
const C_ASSETS = 0, C_MODES = 8, C_TSCALE = 16, C_GAMMA_C = 24, C_GAMMA_D = 32;
const C_CHOL: usize = C + 64; // n × n, row-major
const C_VAR: usize = C + 1280, C_SD: usize = C + 1408, C_DRIFT: usize = C + 1536, C_RATE: usize = C + 1664;
const C_MODE: usize = C + 2048; // per mode: kind (1 isolated), w, fp, ex, c, then per slot: dir, q, en, mg, lq, lr, ls, sl, gs
const MODE_SCALARS = 8, SLOT_SCALARS = 9, MAX_SLOTS = 12;
const C_MODE_STRIDE: usize = (MODE_SCALARS + MAX_SLOTS * SLOT_SCALARS) << 3;
// the lanes' state (v128 each)
const V: usize = (2 << 20) + 65536;
const V_MARKET: usize = V; // per asset: x, p, xs, ps, v
const V_Z: usize = V + 2048; // the step's normals
const V_MODE: usize = V + 4096; // per mode: w, fp, me, pms, ex, (3 spare), then per slot: q, en, mg, pe, pp, lq, lr, ls|sl, gs, on, tmp0..tmp3
const MODE_FIELDS = 8, SLOT_FIELDS = 14;
const V_MODE_STRIDE: usize = (MODE_FIELDS + MAX_SLOTS * SLOT_FIELDS) << 4;
const W = 0, FP = 1, ME = 2, PMS = 3, EX = 4;
const Q = 0, EN = 1, MG = 2, PE = 3, PP = 4, LQ = 5, LR = 6, LS = 7, SL = 7, GS = 8, ON = 9, T0 = 10, T1 = 11, T2 = 12, T3 = 13;

@inline function c64(at: usize): f64 { return load<f64>(at); }
@inline function mk(i: i32, f: i32): usize { return V_MARKET + (<usize>(i * 5 + f) << 4); }
@inline function md(m: i32, f: i32): usize { return V_MODE + <usize>m * V_MODE_STRIDE + (<usize>f << 4); }
@inline function sl(m: i32, i: i32, f: i32): usize { return V_MODE + <usize>m * V_MODE_STRIDE + (<usize>(MODE_FIELDS + i * SLOT_FIELDS + f) << 4); }
@inline function cm(m: i32, f: i32): f64 { return load<f64>(C_MODE + <usize>m * C_MODE_STRIDE + (<usize>f << 3)); }
@inline function cs(m: i32, i: i32, f: i32): f64 { return load<f64>(C_MODE + <usize>m * C_MODE_STRIDE + (<usize>(MODE_SCALARS + i * SLOT_SCALARS + f) << 3)); }
@inline function vl(at: usize): v128 { return v128.load(at); }
@inline function vs(at: usize, x: v128): void { v128.store(at, x); }

export function run(first: i32, paths: i32, steps: i32): void {
  for (let p = first; p < first + paths; p += 2) runPair(p, steps, OUT + (<usize>(p - first) * 96));
}

@inline function lane0(v: v128): f64 { return f64x2.extract_lane(v, 0); }
@inline function lane1(v: v128): f64 { return f64x2.extract_lane(v, 1); }

function runPair(path: i32, steps: i32, out: usize): void {
  const n = <i32>c64(C + C_ASSETS), modes = <i32>c64(C + C_MODES);
  const tScale = c64(C + C_TSCALE), gammaC = c64(C + C_GAMMA_C), gammaD = c64(C + C_GAMMA_D);
  const ZERO = S(0.0), ONE = S(1.0), TWO32 = S(4294967296.0), TWO31 = S(2147483648.0), ALL = i64x2.splat(-1);
  const pa = <f64>(path + 1), pb = <f64>(path + 2);
  let ms0 = f64x2.div(f64x2.floor(f64x2.mul(f64x2((pa * 0.6180339887498949) % 1.0, (pb * 0.6180339887498949) % 1.0), TWO32)), TWO32);
  let ms1 = f64x2.div(f64x2.floor(f64x2.mul(f64x2((pa * 0.7548776662466927) % 1.0, (pb * 0.7548776662466927) % 1.0), TWO32)), TWO32);
  let ms2 = f64x2.div(f64x2.floor(f64x2.mul(f64x2((pa * 0.5698402909980532) % 1.0, (pb * 0.5698402909980532) % 1.0), TWO32)), TWO32);
  let mc = f64x2(<f64>((path * 7919 + 13) % 2091639), <f64>(((path + 1) * 7919 + 13) % 2091639));
  for (let i = 0; i < n; i++) { vs(mk(i, 0), ZERO); vs(mk(i, 1), ONE); vs(mk(i, 2), ZERO); vs(mk(i, 3), ONE); vs(mk(i, 4), ZERO); }
  for (let m = 0; m < modes; m++) {
    vs(md(m, W), S(cm(m, 1))); vs(md(m, FP), S(cm(m, 2))); vs(md(m, ME), S(1e18)); vs(md(m, PMS), ZERO); vs(md(m, EX), S(cm(m, 3)));
    const iso = cm(m, 0) == 1.0;
    for (let i = 0; i < n; i++) {
      vs(sl(m, i, Q), S(cs(m, i, 1))); vs(sl(m, i, EN), S(cs(m, i, 2))); vs(sl(m, i, MG), S(cs(m, i, 3))); vs(sl(m, i, PE), ZERO); vs(sl(m, i, PP), ZERO);
      vs(sl(m, i, LQ), S(cs(m, i, 4))); vs(sl(m, i, LR), S(cs(m, i, 5)));
      vs(sl(m, i, LS), S(iso ? cs(m, i, 6) : cs(m, i, 7))); vs(sl(m, i, GS), S(cs(m, i, 8)));
      vs(sl(m, i, ON), cs(m, i, 0) != 0.0 ? ALL : ZERO);
    }
  }
  let louds = ZERO;
  for (let s = 0; s < steps; s++) {
    let t: v128, x: v128, v: v128, u: v128, xx: v128;
    const g0 = ms0, g1 = ms1, g2 = ms2, gcv = mc;
    t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
    {
      const uu = f64x2.mul(ms2, TWO32);
      const hf = sel(f64x2.sub(uu, TWO32), uu, f64x2.ge(uu, TWO31));
      const iz = i32x4.shl(v128.and(i32x4.trunc_sat_f64x2_s_zero(hf), i32x4.splat(127)), 1);
      x = f64x2.mul(hf, f64x2(ld(i32x4.extract_lane(iz, 0) | 1), ld(i32x4.extract_lane(iz, 1) | 1)));
    }
    v = f64x2.add(ONE, f64x2.mul(S(gammaC), x));
    const okv = f64x2.gt(v, ZERO);
    v = f64x2.mul(f64x2.mul(v, v), v);
    t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
    u = f64x2.sub(ONE, ms2);
    xx = f64x2.mul(x, x);
    const acc = v128.and(okv, f64x2.lt(u, f64x2.sub(ONE, f64x2.mul(f64x2.mul(S(0.0331), xx), xx))));
    if (!i64x2.all_true(acc)) {
      for (let lane = 0; lane < 2; lane++) {
        if ((lane == 0 ? i64x2.extract_lane(acc, 0) : i64x2.extract_lane(acc, 1)) != 0) continue;
        gammaLane(lane, g0, g1, g2, gcv, gammaC, gammaD);
        ms0 = gammaState(ms0, lane, 0); ms1 = gammaState(ms1, lane, 1); ms2 = gammaState(ms2, lane, 2); mc = gammaState(mc, lane, 3);
        x = gammaState(x, lane, 4); v = gammaState(v, lane, 5);
      }
    }
    const mix = f64x2.div(S(tScale), f64x2.mul(S(2.0), f64x2.mul(S(gammaD), v)));
    for (let i = 0; i < n; i++) {
      t = f64x2.add(f64x2.mul(S(2091639.0), ms0), f64x2.mul(mc, S(2.3283064365386963e-10))); ms0 = ms1; ms1 = ms2; mc = f64x2.floor(t); ms2 = f64x2.sub(t, mc);
      const uu = f64x2.mul(ms2, TWO32);
      const hf = sel(f64x2.sub(uu, TWO32), uu, f64x2.ge(uu, TWO31));
      const iz = i32x4.shl(v128.and(i32x4.trunc_sat_f64x2_s_zero(hf), i32x4.splat(127)), 1);
      const i0 = i32x4.extract_lane(iz, 0), i1 = i32x4.extract_lane(iz, 1);
      vs(V_Z + (<usize>i << 4), f64x2.mul(hf, f64x2(ld(i0 | 1), ld(i1 | 1))));
      louds = f64x2.add(louds, v128.andnot(S(1e-6), f64x2.lt(f64x2.abs(hf), f64x2(ld(i0), ld(i1)))));
    }
    const sqrtMix = f64x2.sqrt(mix);
    for (let i = 0; i < n; i++) {
      let e = ZERO;
      for (let j = 0; j <= i; j++) e = f64x2.add(e, f64x2.mul(S(c64(C_CHOL + (<usize>(i * n + j) << 3))), vl(V_Z + (<usize>j << 4))));
      v = f64x2.mul(S(c64(C_VAR + (<usize>i << 3))), mix);
      const mdr = f64x2.add(f64x2.sub(S(c64(C_DRIFT + (<usize>i << 3))), f64x2.mul(S(0.5), v)), f64x2.mul(f64x2.mul(S(c64(C_SD + (<usize>i << 3))), sqrtMix), e));
      const xs = vl(mk(i, 0));
      vs(mk(i, 2), xs); vs(mk(i, 3), vl(mk(i, 1)));
      const xn = f64x2.add(xs, mdr);
      vs(mk(i, 0), xn); vs(mk(i, 1), vexpExact(xn)); vs(mk(i, 4), v);
    }
    if (anyBig()) { louds = f64x2.add(louds, S(1000.0)); clearBig(); }
    const t1 = S(<f64>(s + 1) * 3600000.0);
    for (let m = 0; m < modes; m++) {
      if (cm(m, 0) == 1.0) {
        // isolated: every open slot far from its trigger, then funding, the end check and the equity
        let far = ALL, past = ZERO, paidSum = vl(md(m, FP)), ee = vl(md(m, W)), accrued = ZERO;
        for (let i = 0; i < n; i++) {
          const on = vl(sl(m, i, ON));
          const long = cs(m, i, 0) > 0.0;
          const lq = vl(sl(m, i, LQ)), ps = vl(mk(i, 3)), p = vl(mk(i, 1));
          const b0 = long ? f64x2.sub(ONE, f64x2.div(lq, ps)) : f64x2.sub(ONE, f64x2.div(ps, lq));
          const b1 = long ? f64x2.sub(ONE, f64x2.div(lq, p)) : f64x2.sub(ONE, f64x2.div(p, lq));
          const slotFar = v128.and(v128.and(f64x2.gt(b0, ZERO), f64x2.gt(b1, ZERO)), f64x2.gt(f64x2.mul(f64x2.mul(S(2.0), b0), b1), f64x2.mul(S(40.0), vl(mk(i, 4)))));
          far = v128.and(far, v128.or(slotFar, v128.not(on)));
          const rate = c64(C_RATE + (<usize>i << 3));
          const q = vl(sl(m, i, Q));
          let tmg = vl(sl(m, i, MG)), tlq = lq, tlr = vl(sl(m, i, LR)), tpe = vl(sl(m, i, PE)), tpp = vl(sl(m, i, PP));
          if (rate != 0.0) {
            const paid = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(q, p), S(rate)), ONE), S(8.0));
            paidSum = sel(f64x2.add(paidSum, paid), paidSum, on);
            tpe = f64x2.add(tpe, paid); tpp = p; accrued = v128.or(accrued, on);
            tmg = f64x2.sub(tmg, paid);
            tlr = f64x2.sub(tlr, f64x2.mul(paid, vl(sl(m, i, LS))));
            tlq = sel(tlr, ZERO, f64x2.gt(tlr, ZERO));
          }
          past = v128.or(past, v128.and(on, long ? f64x2.lt(p, tlq) : f64x2.gt(p, tlq)));
          ee = sel(f64x2.add(ee, f64x2.add(tmg, f64x2.mul(q, f64x2.sub(p, vl(sl(m, i, EN)))))), ee, on);
          vs(sl(m, i, T0), tmg); vs(sl(m, i, T1), tlq); vs(sl(m, i, T2), tlr); vs(sl(m, i, T3), tpe);
        }
        const commit = v128.andnot(far, past);
        louds = f64x2.add(louds, v128.andnot(ONE, commit));
        for (let i = 0; i < n; i++) {
          const c = v128.and(commit, vl(sl(m, i, ON)));
          vs(sl(m, i, MG), sel(vl(sl(m, i, T0)), vl(sl(m, i, MG)), c)); vs(sl(m, i, LQ), sel(vl(sl(m, i, T1)), vl(sl(m, i, LQ)), c));
          vs(sl(m, i, LR), sel(vl(sl(m, i, T2)), vl(sl(m, i, LR)), c)); vs(sl(m, i, PE), sel(vl(sl(m, i, T3)), vl(sl(m, i, PE)), c));
          if (c64(C_RATE + (<usize>i << 3)) != 0.0) vs(sl(m, i, PP), sel(vl(mk(i, 1)), vl(sl(m, i, PP)), c));
        }
        vs(md(m, FP), sel(paidSum, vl(md(m, FP)), commit));
        vs(md(m, PMS), sel(t1, vl(md(m, PMS)), v128.and(commit, accrued)));
        const me = vl(md(m, ME));
        vs(md(m, ME), sel(ee, me, v128.and(commit, f64x2.lt(ee, me))));
      } else {
        // cross: D far from 0 over the step, then funding from the wallet, D and the equity at the end
        const w0 = vl(md(m, W)), cc = S(cm(m, 4));
        const dd0 = vl(md(m, EX));
        let dd1 = f64x2.add(w0, cc), bound = ZERO;
        for (let i = 0; i < n; i++) {
          dd1 = f64x2.add(dd1, f64x2.mul(vl(sl(m, i, SL)), vl(mk(i, 1))));
          bound = f64x2.add(bound, f64x2.abs(f64x2.mul(f64x2.mul(vl(sl(m, i, GS)), vl(mk(i, 3))), f64x2.sqrt(vl(mk(i, 4))))));
        }
        const far = v128.and(v128.and(f64x2.gt(dd0, ZERO), f64x2.gt(dd1, ZERO)), f64x2.gt(f64x2.mul(f64x2.mul(S(2.0), dd0), dd1), f64x2.mul(f64x2.mul(S(40.0), bound), bound)));
        let w = w0, paidSum = vl(md(m, FP)), accrued = ZERO;
        for (let i = 0; i < n; i++) {
          const rate = c64(C_RATE + (<usize>i << 3));
          if (rate == 0.0) continue;
          const on = vl(sl(m, i, ON)), p = vl(mk(i, 1));
          const paid = f64x2.div(f64x2.mul(f64x2.mul(f64x2.mul(vl(sl(m, i, Q)), p), S(rate)), ONE), S(8.0));
          paidSum = sel(f64x2.add(paidSum, paid), paidSum, on);
          vs(sl(m, i, T3), f64x2.add(vl(sl(m, i, PE)), paid));
          w = sel(f64x2.sub(w, paid), w, on);
          accrued = v128.or(accrued, on);
        }
        let g = f64x2.add(w, cc);
        for (let i = 0; i < n; i++) g = f64x2.add(g, f64x2.mul(vl(sl(m, i, SL)), vl(mk(i, 1))));
        let ee = w;
        for (let i = 0; i < n; i++) {
          const on = vl(sl(m, i, ON));
          ee = sel(f64x2.add(ee, f64x2.add(vl(sl(m, i, MG)), f64x2.mul(vl(sl(m, i, Q)), f64x2.sub(vl(mk(i, 1)), vl(sl(m, i, EN)))))), ee, on);
        }
        const commit = v128.and(far, f64x2.ge(g, ZERO));
        louds = f64x2.add(louds, v128.andnot(ONE, commit));
        vs(md(m, W), sel(w, w0, commit)); vs(md(m, FP), sel(paidSum, vl(md(m, FP)), commit)); vs(md(m, EX), sel(g, dd0, commit));
        for (let i = 0; i < n; i++) {
          if (c64(C_RATE + (<usize>i << 3)) == 0.0) continue;
          const c = v128.and(commit, vl(sl(m, i, ON)));
          vs(sl(m, i, PE), sel(vl(sl(m, i, T3)), vl(sl(m, i, PE)), c)); vs(sl(m, i, PP), sel(vl(mk(i, 1)), vl(sl(m, i, PP)), c));
        }
        vs(md(m, PMS), sel(t1, vl(md(m, PMS)), v128.and(commit, accrued)));
        const me = vl(md(m, ME));
        vs(md(m, ME), sel(ee, me, v128.and(commit, f64x2.lt(ee, me))));
      }
    }
  }
  // the twin's 12 figures (its mode 0 is the cross account, mode 1 the isolated one)
  let psum = f64x2.add(vl(mk(0, 1)), vl(mk(1, 1)));
  for (let i = 2; i < n; i++) psum = f64x2.add(psum, vl(mk(i, 1)));
  const outs: v128[] = [vl(md(0, W)), vl(md(0, FP)), vl(md(0, ME)), vl(md(0, EX)), vl(md(1, FP)), vl(md(1, ME)), vl(sl(1, 0, LQ)),
    f64x2.add(vl(md(0, PMS)), vl(md(1, PMS))), psum, louds, ms2, ONE];
  for (let i = 0; i < 12; i++) {
    store<f64>(out + (<usize>i << 3), lane0(outs[i]));
    store<f64>(out + 96 + (<usize>i << 3), lane1(outs[i]));
  }
}
