/**
 * The JavaScript twin of quietPair.ts and quietScalar.ts (lanes.bench.ts says what they are): the SSW book's quiet
 * steps — the plain Student-t market of 3 assets, a cross account, an isolated one — one path at a time, as
 * src/stress/compiledPath.ts's loop writes them for the SSW, without its hand-over. `knwn` is bound as the loop's
 * is (a closure's constant). Writes 12 figures a path into `out` from `out[0]`.
 */
export function quietTwin(knwn) {
  const ld = (i) => knwn[i];
  return function run(first, paths, steps, OUTA) {
    for (let p = first; p < first + paths; p++) runPath(p, steps, (p - first) * 12, OUTA);
  };

  function runPath(path, steps, out, OUTA) {
    // the market stream's state: a valid Alea state from the path index
    let ms0 = ((path + 1) * 0.6180339887498949) % 1.0, ms1 = ((path + 1) * 0.7548776662466927) % 1.0, ms2 = ((path + 1) * 0.5698402909980532) % 1.0, mc = ((path * 7919 + 13) % 2091639);
    ms0 = Math.floor(ms0 * 4294967296.0) / 4294967296.0; ms1 = Math.floor(ms1 * 4294967296.0) / 4294967296.0; ms2 = Math.floor(ms2 * 4294967296.0) / 4294967296.0;
    let x0 = 0.0, p0 = 1.0, xs0 = 0.0, ps0 = 1.0, v0 = 0.0, rt0 = 0.0001;
    let x1 = 0.0, p1 = 1.0, xs1 = 0.0, ps1 = 1.0, v1 = 0.0, rt1 = 0.0001;
    let x2 = 0.0, p2 = 1.0, xs2 = 0.0, ps2 = 1.0, v2 = 0.0, rt2 = 0.0001;
    let mdr0 = 0.0, mdv0 = 0.0, mdr1 = 0.0, mdv1 = 0.0, mdr2 = 0.0, mdv2 = 0.0;
    // cross (mode 0)
    let o0 = 3.0, w0 = 1e9, fp0 = 0.0, me0 = 1e18, pms0 = 0.0, mv0 = false, ex0 = 1e9, c0 = -100.0;
    let d0_0 = 1.0, q0_0 = 30000.0, en0_0 = 1.0, mg0_0 = 0.0, pe0_0 = 0.0, pp0_0 = 0.0, sl0_0 = 29850.0, gs0_0 = 30000.0;
    let d0_1 = 1.0, q0_1 = 20000.0, en0_1 = 1.0, mg0_1 = 0.0, pe0_1 = 0.0, pp0_1 = 0.0, sl0_1 = 19900.0, gs0_1 = 20000.0;
    let d0_2 = -1.0, q0_2 = -10000.0, en0_2 = 1.0, mg0_2 = 0.0, pe0_2 = 0.0, pp0_2 = 0.0, sl0_2 = -10050.0, gs0_2 = -10000.0;
    // isolated (mode 1)
    let o1 = 3.0, w1 = 14000.0, fp1 = 0.0, me1 = 1e18, pms1 = 0.0, mv1 = false;
    let d1_0 = 1.0, q1_0 = 30000.0, en1_0 = 1.0, mg1_0 = 1200.0, pe1_0 = 0.0, pp1_0 = 0.0, lq1_0 = 0.01, lr1_0 = 0.01, ls1_0 = 1e-9;
    let d1_1 = 1.0, q1_1 = 20000.0, en1_1 = 1.0, mg1_1 = 800.0, pe1_1 = 0.0, pp1_1 = 0.0, lq1_1 = 0.01, lr1_1 = 0.01, ls1_1 = 1e-9;
    let d1_2 = -1.0, q1_2 = -10000.0, en1_2 = 1.0, mg1_2 = 400.0, pe1_2 = 0.0, pp1_2 = 0.0, lq1_2 = 100.0, lr1_2 = 100.0, ls1_2 = -1e-9;
    let louds = 0.0;
    for (let s = 0; s < steps; s++) {
      let t = 0.0, hz = 0, iz = 0, x = 0.0, v = 0.0, u = 0.0, xx = 0.0, e = 0.0, z0 = 0.0, z1 = 0.0, z2 = 0.0;
      while (true) {
        t = 2091639.0 * ms0 + mc * 2.3283064365386963e-10; ms0 = ms1; ms1 = ms2; mc = Math.floor(t); ms2 = t - mc;
        hz = (ms2 * 4294967296.0) | 0; iz = (hz & 127) << 1;
        x = hz * ld(iz | 1);
        v = 1.0 + 0.2581988897471611 * x;
        if (v <= 0.0) continue;
        v = v * v * v;
        t = 2091639.0 * ms0 + mc * 2.3283064365386963e-10; ms0 = ms1; ms1 = ms2; mc = Math.floor(t); ms2 = t - mc;
        u = 1.0 - ms2;
        xx = x * x;
        if (u < 1.0 - 0.0331 * xx * xx || Math.log(u) < 0.5 * xx + 1.6666666666666667 * (1.0 - v + Math.log(v))) break;
      }
      const mix = 2.0 / (2.0 * (1.6666666666666667 * v));
      t = 2091639.0 * ms0 + mc * 2.3283064365386963e-10; ms0 = ms1; ms1 = ms2; mc = Math.floor(t); ms2 = t - mc;
      hz = (ms2 * 4294967296.0) | 0; iz = (hz & 127) << 1;
      z0 = hz * ld(iz | 1); if (!(Math.abs(hz) < ld(iz))) louds += 1e-6;
      t = 2091639.0 * ms0 + mc * 2.3283064365386963e-10; ms0 = ms1; ms1 = ms2; mc = Math.floor(t); ms2 = t - mc;
      hz = (ms2 * 4294967296.0) | 0; iz = (hz & 127) << 1;
      z1 = hz * ld(iz | 1); if (!(Math.abs(hz) < ld(iz))) louds += 1e-6;
      t = 2091639.0 * ms0 + mc * 2.3283064365386963e-10; ms0 = ms1; ms1 = ms2; mc = Math.floor(t); ms2 = t - mc;
      hz = (ms2 * 4294967296.0) | 0; iz = (hz & 127) << 1;
      z2 = hz * ld(iz | 1); if (!(Math.abs(hz) < ld(iz))) louds += 1e-6;
      const sqrtMix = Math.sqrt(mix);
      e = 0.0 + 1.0 * z0;
      v = 0.0000410958904109589 * mix;
      mdr0 = 0.0 - 0.5 * v + 0.006410607647560323 * sqrtMix * e; mdv0 = v;
      e = 0.0 + 0.8 * z0 + 0.5999999999999999 * z1;
      v = 0.00006421232876712328 * mix;
      mdr1 = 0.0 - 0.5 * v + 0.008013259559450404 * sqrtMix * e; mdv1 = v;
      e = 0.0 + 0.7 * z0 + 0.3166666666666668 * z1 + 0.6400954789890506 * z2;
      v = 0.00011415525114155251 * mix;
      mdr2 = 0.0 - 0.5 * v + 0.010684346079267205 * sqrtMix * e; mdv2 = v;

      xs0 = x0; ps0 = p0; x0 = xs0 + mdr0; p0 = Math.exp(x0); v0 = mdv0;
      xs1 = x1; ps1 = p1; x1 = xs1 + mdr1; p1 = Math.exp(x1); v1 = mdv1;
      xs2 = x2; ps2 = p2; x2 = xs2 + mdr2; p2 = Math.exp(x2); v2 = mdv2;
      const t1 = (s + 1) * 3600000.0;
      // cross
      if (o0 > 0.0) {
        let loud = false;
        const dd0 = ex0;
        let dd1 = w0 + c0, bound = 0.0;
        dd1 += sl0_0 * p0; bound += Math.abs(gs0_0 * ps0 * Math.sqrt(v0));
        dd1 += sl0_1 * p1; bound += Math.abs(gs0_1 * ps1 * Math.sqrt(v1));
        dd1 += sl0_2 * p2; bound += Math.abs(gs0_2 * ps2 * Math.sqrt(v2));
        if (dd0 <= 0.0 || !(dd1 > 0.0 && 2.0 * dd0 * dd1 > 40.0 * bound * bound)) loud = true;
        else {
          let w = w0, paidSum = fp0, accrued = false, ex = dd1;
          let tpe0 = pe0_0, tpp0 = pp0_0, tpe1 = pe0_1, tpp1 = pp0_1, tpe2 = pe0_2, tpp2 = pp0_2;
          if (d0_0 != 0.0 && rt0 != 0.0) { const paid = (q0_0 * p0 * rt0 * 1.0) / 8.0; paidSum += paid; tpe0 += paid; tpp0 = p0; w -= paid; accrued = true; }
          if (d0_1 != 0.0 && rt1 != 0.0) { const paid = (q0_1 * p1 * rt1 * 1.0) / 8.0; paidSum += paid; tpe1 += paid; tpp1 = p1; w -= paid; accrued = true; }
          if (d0_2 != 0.0 && rt2 != 0.0) { const paid = (q0_2 * p2 * rt2 * 1.0) / 8.0; paidSum += paid; tpe2 += paid; tpp2 = p2; w -= paid; accrued = true; }
          let ee = w;
          let g = w + c0; g += sl0_0 * p0; g += sl0_1 * p1; g += sl0_2 * p2; ex = g;
          if (d0_0 != 0.0) ee += mg0_0 + q0_0 * (p0 - en0_0);
          if (d0_1 != 0.0) ee += mg0_1 + q0_1 * (p1 - en0_1);
          if (d0_2 != 0.0) ee += mg0_2 + q0_2 * (p2 - en0_2);
          if (ex < 0.0) loud = true;
          else {
            w0 = w; fp0 = paidSum; ex0 = ex;
            pe0_0 = tpe0; pp0_0 = tpp0; pe0_1 = tpe1; pp0_1 = tpp1; pe0_2 = tpe2; pp0_2 = tpp2;
            if (accrued) { pms0 = t1; mv0 = true; }
            if (ee < me0) me0 = ee;
          }
        }
        if (loud) louds += 1.0;
      }
      // isolated
      if (o1 > 0.0) {
        let loud = false;
        if (!loud && d1_0 != 0.0) {
          const b0 = d1_0 > 0.0 ? 1.0 - lq1_0 / ps0 : 1.0 - ps0 / lq1_0;
          if (b0 <= 0.0) loud = true;
          else { const b1 = d1_0 > 0.0 ? 1.0 - lq1_0 / p0 : 1.0 - p0 / lq1_0; if (!(b1 > 0.0 && 2.0 * b0 * b1 > 40.0 * v0)) loud = true; }
        }
        if (!loud && d1_1 != 0.0) {
          const b0 = d1_1 > 0.0 ? 1.0 - lq1_1 / ps1 : 1.0 - ps1 / lq1_1;
          if (b0 <= 0.0) loud = true;
          else { const b1 = d1_1 > 0.0 ? 1.0 - lq1_1 / p1 : 1.0 - p1 / lq1_1; if (!(b1 > 0.0 && 2.0 * b0 * b1 > 40.0 * v1)) loud = true; }
        }
        if (!loud && d1_2 != 0.0) {
          const b0 = d1_2 > 0.0 ? 1.0 - lq1_2 / ps2 : 1.0 - ps2 / lq1_2;
          if (b0 <= 0.0) loud = true;
          else { const b1 = d1_2 > 0.0 ? 1.0 - lq1_2 / p2 : 1.0 - p2 / lq1_2; if (!(b1 > 0.0 && 2.0 * b0 * b1 > 40.0 * v2)) loud = true; }
        }
        if (!loud) {
          let paidSum = fp1, ee = w1, past = false, accrued = false;
          let tmg0 = mg1_0, tlq0 = lq1_0, tlr0 = lr1_0, tpe0 = pe1_0, tpp0 = pp1_0;
          if (d1_0 != 0.0) {
            if (rt0 != 0.0) { const paid = (q1_0 * p0 * rt0 * 1.0) / 8.0; paidSum += paid; tpe0 += paid; tpp0 = p0; accrued = true; tmg0 -= paid; tlr0 -= paid * ls1_0; tlq0 = tlr0 > 0.0 ? tlr0 : 0.0; }
            if (d1_0 > 0.0 ? p0 < tlq0 : p0 > tlq0) past = true;
            ee += tmg0 + q1_0 * (p0 - en1_0);
          }
          let tmg1 = mg1_1, tlq1 = lq1_1, tlr1 = lr1_1, tpe1 = pe1_1, tpp1 = pp1_1;
          if (d1_1 != 0.0) {
            if (rt1 != 0.0) { const paid = (q1_1 * p1 * rt1 * 1.0) / 8.0; paidSum += paid; tpe1 += paid; tpp1 = p1; accrued = true; tmg1 -= paid; tlr1 -= paid * ls1_1; tlq1 = tlr1 > 0.0 ? tlr1 : 0.0; }
            if (d1_1 > 0.0 ? p1 < tlq1 : p1 > tlq1) past = true;
            ee += tmg1 + q1_1 * (p1 - en1_1);
          }
          let tmg2 = mg1_2, tlq2 = lq1_2, tlr2 = lr1_2, tpe2 = pe1_2, tpp2 = pp1_2;
          if (d1_2 != 0.0) {
            if (rt2 != 0.0) { const paid = (q1_2 * p2 * rt2 * 1.0) / 8.0; paidSum += paid; tpe2 += paid; tpp2 = p2; accrued = true; tmg2 -= paid; tlr2 -= paid * ls1_2; tlq2 = tlr2 > 0.0 ? tlr2 : 0.0; }
            if (d1_2 > 0.0 ? p2 < tlq2 : p2 > tlq2) past = true;
            ee += tmg2 + q1_2 * (p2 - en1_2);
          }
          if (past) loud = true;
          else {
            mg1_0 = tmg0; lq1_0 = tlq0; lr1_0 = tlr0; pe1_0 = tpe0; pp1_0 = tpp0;
            mg1_1 = tmg1; lq1_1 = tlq1; lr1_1 = tlr1; pe1_1 = tpe1; pp1_1 = tpp1;
            mg1_2 = tmg2; lq1_2 = tlq2; lr1_2 = tlr2; pe1_2 = tpe2; pp1_2 = tpp2;
            fp1 = paidSum;
            if (accrued) { pms1 = t1; mv1 = true; }
            if (ee < me1) me1 = ee;
          }
        }
        if (loud) louds += 1.0;
      }
    }
    OUTA[out] = (w0); OUTA[out + 1] = (fp0); OUTA[out + 2] = (me0); OUTA[out + 3] = (ex0);
    OUTA[out + 4] = (fp1); OUTA[out + 5] = (me1); OUTA[out + 6] = (lq1_0); OUTA[out + 7] = (pms0 + pms1);
    OUTA[out + 8] = (p0 + p1 + p2); OUTA[out + 9] = (louds); OUTA[out + 10] = (ms2); OUTA[out + 11] = (mv0 && mv1 ? 1.0 : 0.0);
  }
}
