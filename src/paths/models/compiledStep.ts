import type { RandomStream } from "../random/stream.ts";
import { kn, normalSlow, slowDraw, wn } from "../random/ziggurat.ts";

/** One step of a model: log returns and diffusive step variances of every asset, drawn from `rng`. */
export type CompiledStep = (rng: RandomStream, logReturnOut: Float64Array, stepVarianceOut: Float64Array) => void;

/** What the plain Student-t step of one model at one step length is made of. */
export interface PlainStudentTConstants {
  n: number;
  /** lower Cholesky factor of the correlation, row-major n × n */
  chol: Float64Array;
  /** per asset, for this step length: σ²Δt, its square root, μΔt */
  baseVariance: Float64Array;
  baseSd: Float64Array;
  logDrift: Float64Array;
  /** ν − 2 */
  tScale: number;
  /** Marsaglia & Tsang's d and c of Gamma(ν/2) (ν > 2, so never boosted) */
  gammaD: number;
  gammaC: number;
}

/** What the GBM step of one model at one step length is made of. */
export interface GbmConstants {
  n: number;
  /** lower Cholesky factor of the correlation, row-major n × n */
  chol: Float64Array;
  /** per asset, for this step length: (μ − σ²/2)Δt, σ√Δt, σ²Δt */
  logDrift: Float64Array;
  scale: Float64Array;
  variance: Float64Array;
}

/*
 * Model steps compiled at run time for one model's asset count and constants: the t-garch-jump model with
 * GARCH, jumps and regimes off (one shared χ²_ν draw, 2·Gamma(ν/2) by Marsaglia & Tsang, n Ziggurat
 * normals, the Cholesky product, the outputs) and GBM (n normals, the product, the outputs). Alea's
 * state, the normals and every constant sit in locals or literals: no typed-array access but the outputs,
 * no loop over assets. That takes the SSW step (3 assets) from ~1,240 to ~500 machine instructions
 * (callgrind). The source spells out the same operations, in the same order, as the models' own steps
 * (TGarchJumpModel.stepFull with h = 1 in the calm regime: ChiSquareSampler.draw, fillNormals, the product,
 * the outputs; GbmModel as it was), so the draws and the outputs are the same bits; modelBits.test.ts
 * compares them with the models as they were over many paths and asset counts. Two rewrites keep the
 * values: Alea's carry `t | 0` is `Math.floor(t)` (t lies in [0, 2091640)), and the Ziggurat's int32
 * `(u ≥ 2³¹ ? u − 2³² : u) | 0` of u = s2·2³² is `u | 0` (ToInt32 of an exact integer below 2³²), both
 * cheaper in optimised code. Constants are written with `String(x)`, which reads back as the same double.
 */

/** A double as a source literal that reads back as the same bits. */
function literal(x: number): string {
  if (Object.is(x, -0)) return "(-0)";
  return x < 0 ? `(${String(x)})` : String(x);
}

/** One Alea step on the locals s0, s1, s2, c: s2 is the new uniform. */
const ALEA = "t = 2091639 * s0 + c * 2.3283064365386963e-10; s0 = s1; s1 = s2; c = Math.floor(t); s2 = t - c;";

/** One Ziggurat normal into `target`; the rare slow path goes through the stream object and back. */
function normalInto(target: string): string {
  return `${ALEA}
    hz = (s2 * 4294967296) | 0; iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) ${target} = hz * wn[iz];
    else {
      rng.s0 = s0; rng.s1 = s1; rng.s2 = s2; rng.c = c;
      normalSlow(rng, hz, iz); ${target} = slowDraw[0];
      s0 = rng.s0; s1 = rng.s1; s2 = rng.s2; c = rng.c;
    }`;
}

/** The source of the step's body for these constants. */
function plainStudentTSource(k: PlainStudentTConstants): string {
  const { n } = k;
  const z = Array.from({ length: n }, (_, i) => `z${i}`);
  const lines = [
    `let s0 = rng.s0, s1 = rng.s1, s2 = rng.s2, c = rng.c, t = 0, hz = 0, iz = 0, x = 0, v = 0, u = 0, x2 = 0, e = 0;`,
    n > 0 ? `let ${z.map((name) => `${name} = 0`).join(", ")};` : "",
    `for (;;) {`,
    normalInto("x"),
    `  v = 1 + ${literal(k.gammaC)} * x;`,
    `  if (v <= 0) continue;`,
    `  v = v * v * v;`,
    `  ${ALEA}`,
    `  u = 1 - s2;`,
    `  x2 = x * x;`,
    `  if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + ${literal(k.gammaD)} * (1 - v + Math.log(v))) break;`,
    `}`,
    `const mix = ${literal(k.tScale)} / (2 * (${literal(k.gammaD)} * v));`,
    ...z.map((name) => normalInto(name)),
    `rng.s0 = s0; rng.s1 = s1; rng.s2 = s2; rng.c = c;`,
    `const sqrtMix = Math.sqrt(mix);`,
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `e = ${product(k.chol, n, i)};`,
      `v = ${literal(k.baseVariance[i])} * mix;`,
      `logReturnOut[${i}] = ${literal(k.logDrift[i])} - 0.5 * v + ${literal(k.baseSd[i])} * sqrtMix * e;`,
      `stepVarianceOut[${i}] = v;`,
    );
  }
  return lines.join("\n");
}

/** The source of GBM's step: n normals (GbmModel's n calls of normal(rng)), the product, the outputs. */
function gbmSource(k: GbmConstants): string {
  const { n } = k;
  const z = Array.from({ length: n }, (_, i) => `z${i}`);
  const lines = [
    `let s0 = rng.s0, s1 = rng.s1, s2 = rng.s2, c = rng.c, t = 0, hz = 0, iz = 0, e = 0;`,
    n > 0 ? `let ${z.map((name) => `${name} = 0`).join(", ")};` : "",
    ...z.map((name) => normalInto(name)),
    `rng.s0 = s0; rng.s1 = s1; rng.s2 = s2; rng.c = c;`,
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `e = ${product(k.chol, n, i)};`,
      `logReturnOut[${i}] = ${literal(k.logDrift[i])} + ${literal(k.scale[i])} * e;`,
      `stepVarianceOut[${i}] = ${literal(k.variance[i])};`,
    );
  }
  return lines.join("\n");
}

/** Row i of the Cholesky product L·z as the kernels sum it: ((0 + L_i0·z0) + L_i1·z1) + …, every term kept. */
function product(chol: Float64Array, n: number, i: number): string {
  let e = "0";
  for (let j = 0; j <= i; j++) e = `${e} + ${literal(chol[i * n + j])} * z${j}`;
  return e;
}

/** A step function of this body, with the Ziggurat's tables and slow path in scope. */
function compile(name: string, body: string): CompiledStep {
  const factory = new Function("kn", "wn", "normalSlow", "slowDraw", `"use strict"; return function ${name}(rng, logReturnOut, stepVarianceOut) {\n${body}\n};`);
  return factory(kn, wn, normalSlow, slowDraw) as CompiledStep;
}

/** The plain Student-t step for these constants, as a function of its own. */
export function compilePlainStudentTStep(k: PlainStudentTConstants): CompiledStep {
  return compile("plainStudentTStep", plainStudentTSource(k));
}

/** GBM's step for these constants, as a function of its own. */
export function compileGbmStep(k: GbmConstants): CompiledStep {
  return compile("gbmStep", gbmSource(k));
}
