import type { RandomStream } from "./stream.ts";
import { knwn, normalSlow, slowDraw } from "./ziggurat.ts";

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/**
 * One Gamma(shape ≥ 1) draw by Marsaglia & Tsang (constants `d` = shape − 1/3, `c` = 1/√(9d)) into
 * `out[count]`, then `count` standard normals into `out[0..count)`: the same draws, bit for bit and in the
 * same order, as `GammaSampler.draw` followed by `fillNormals(rng, out, count)`, the t model's whole
 * random part of a step. Alea's state stays in locals through the Ziggurat fast path and the gamma's
 * uniforms (stream.ts gives the step); only the rare Ziggurat slow path (~1.2 % of normals) goes through
 * the stream object, with the state written back before and read again after. As in compiledStep.ts, the
 * carry `t | 0` is `Math.floor(t)` (t ≥ 0, below 2³¹) and the int32 of u = s2·2³² is `u | 0`: same values.
 */
export function gammaThenNormals(rng: RandomStream, d: number, c: number, out: Float64Array, count: number): void {
  let s0 = rng.s0, s1 = rng.s1, s2 = rng.s2, carry = rng.c;
  let g: number;
  for (;;) {
    let t = 2091639 * s0 + carry * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    carry = Math.floor(t);
    s2 = t - carry;
    const hz = (s2 * 0x100000000) | 0;
    const iz = hz & 127;
    let x: number;
    if (Math.abs(hz) < knwn[iz << 1]) x = hz * knwn[(iz << 1) | 1];
    else {
      rng.s0 = s0, rng.s1 = s1, rng.s2 = s2, rng.c = carry;
      normalSlow(rng, hz, iz);
      x = slowDraw[0];
      s0 = rng.s0, s1 = rng.s1, s2 = rng.s2, carry = rng.c;
    }
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    t = 2091639 * s0 + carry * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    carry = Math.floor(t);
    s2 = t - carry;
    const u = 1 - s2;
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
      g = d * v;
      break;
    }
  }
  out[count] = g;
  for (let i = 0; i < count; i++) {
    const t = 2091639 * s0 + carry * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    carry = Math.floor(t);
    s2 = t - carry;
    const hz = (s2 * 0x100000000) | 0;
    const iz = hz & 127;
    if (Math.abs(hz) < knwn[iz << 1]) out[i] = hz * knwn[(iz << 1) | 1];
    else {
      rng.s0 = s0, rng.s1 = s1, rng.s2 = s2, rng.c = carry;
      normalSlow(rng, hz, iz);
      out[i] = slowDraw[0];
      s0 = rng.s0, s1 = rng.s1, s2 = rng.s2, carry = rng.c;
    }
  }
  rng.s0 = s0;
  rng.s1 = s1;
  rng.s2 = s2;
  rng.c = carry;
}
