import type { RandomStream } from "../random/stream.ts";
import { knwn, normalSlow, slowDraw } from "../random/ziggurat.ts";

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

/** A plain model's step by its constants: what code written elsewhere (the stress kernel's two-lane market) builds the same step from. */
export type PlainStep = { kind: "t"; k: PlainStudentTConstants } | { kind: "gbm"; k: GbmConstants };

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
 * The same source, with the stream's state in a caller's locals, also goes into the stress kernel's
 * compiled path loop (`InlineStep`): no call, no stream object and no output arrays per step there.
 */

/** A double as a source literal that reads back as the same bits (the compiled steps' and the stress kernel's loop's). */
export function literal(x: number): string {
  if (Object.is(x, -0)) return "(-0)";
  return x < 0 ? `(${String(x)})` : String(x);
}

/**
 * Where a step's source keeps the stream's state and writes its outputs: a step function of its own
 * (`compile` below), or a caller's loop that carries the state in its locals from step to step
 * (InlineStep, for the stress kernel's compiled path).
 */
export interface StepNames {
  /** the stream object itself (the Ziggurat's rare slow path draws through it) */
  rng: string;
  /** the stream's state as locals: Alea's s0, s1, s2 and carry c */
  s0: string;
  s1: string;
  s2: string;
  c: string;
  /** where asset i's log return and diffusive step variance go */
  logReturn(i: number): string;
  variance(i: number): string;
}

/**
 * A model's step as source for a caller's loop, with what it needs in scope. The same operations in the
 * same order as the model's `step` (so the same bits); the caller loads the stream's state into its names
 * after the model's `reset`, and stores it back into the stream before anything else draws from it.
 */
export interface InlineStep {
  source(names: StepNames): string;
  /** bind these values under these names where the source runs */
  readonly bindings: Readonly<Record<string, unknown>>;
  /** the step's constants */
  readonly plain: PlainStep;
}

const ZIGGURAT = { knwn, normalSlow, slowDraw } as const;

/** One Alea step on the state: s2 becomes the new uniform. */
function alea(n: StepNames): string {
  return `t = 2091639 * ${n.s0} + ${n.c} * 2.3283064365386963e-10; ${n.s0} = ${n.s1}; ${n.s1} = ${n.s2}; ${n.c} = Math.floor(t); ${n.s2} = t - ${n.c};`;
}

/** One Ziggurat normal into `target`; the rare slow path goes through the stream object and back. */
function normalInto(n: StepNames, target: string): string {
  return `${alea(n)}
    hz = (${n.s2} * 4294967296) | 0; iz = (hz & 127) << 1;
    if (Math.abs(hz) < knwn[iz]) ${target} = hz * knwn[iz | 1];
    else {
      ${n.rng}.s0 = ${n.s0}; ${n.rng}.s1 = ${n.s1}; ${n.rng}.s2 = ${n.s2}; ${n.rng}.c = ${n.c};
      normalSlow(${n.rng}, hz, iz >> 1); ${target} = slowDraw[0];
      ${n.s0} = ${n.rng}.s0; ${n.s1} = ${n.rng}.s1; ${n.s2} = ${n.rng}.s2; ${n.c} = ${n.rng}.c;
    }`;
}

/** The plain Student-t step on the state in `names`, its temporaries declared first. */
function plainStudentTSource(k: PlainStudentTConstants, names: StepNames): string {
  const { n } = k;
  const z = Array.from({ length: n }, (_, i) => `z${i}`);
  const lines = [
    `let t = 0, hz = 0, iz = 0, x = 0, v = 0, u = 0, x2 = 0, e = 0;`,
    n > 0 ? `let ${z.map((name) => `${name} = 0`).join(", ")};` : "",
    `for (;;) {`,
    normalInto(names, "x"),
    `  v = 1 + ${literal(k.gammaC)} * x;`,
    `  if (v <= 0) continue;`,
    `  v = v * v * v;`,
    `  ${alea(names)}`,
    `  u = 1 - ${names.s2};`,
    `  x2 = x * x;`,
    `  if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + ${literal(k.gammaD)} * (1 - v + Math.log(v))) break;`,
    `}`,
    `const mix = ${literal(k.tScale)} / (2 * (${literal(k.gammaD)} * v));`,
    ...z.map((name) => normalInto(names, name)),
    `const sqrtMix = Math.sqrt(mix);`,
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `e = ${product(k.chol, n, i)};`,
      `v = ${literal(k.baseVariance[i])} * mix;`,
      `${names.logReturn(i)} = ${literal(k.logDrift[i])} - 0.5 * v + ${literal(k.baseSd[i])} * sqrtMix * e;`,
      `${names.variance(i)} = v;`,
    );
  }
  return lines.join("\n");
}

/** GBM's step (GbmModel's n calls of normal(rng), the product, the outputs) on the state in `names`, its temporaries declared first. */
function gbmSource(k: GbmConstants, names: StepNames): string {
  const { n } = k;
  const z = Array.from({ length: n }, (_, i) => `z${i}`);
  const lines = [
    `let t = 0, hz = 0, iz = 0, e = 0;`,
    n > 0 ? `let ${z.map((name) => `${name} = 0`).join(", ")};` : "",
    ...z.map((name) => normalInto(names, name)),
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `e = ${product(k.chol, n, i)};`,
      `${names.logReturn(i)} = ${literal(k.logDrift[i])} + ${literal(k.scale[i])} * e;`,
      `${names.variance(i)} = ${literal(k.variance[i])};`,
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

/** A step function of a step's source: the stream's state in locals for the step, read from and stored back into `rng`. */
function compile(name: string, source: (names: StepNames) => string): CompiledStep {
  const names: StepNames = { rng: "rng", s0: "s0", s1: "s1", s2: "s2", c: "c", logReturn: (i) => `logReturnOut[${i}]`, variance: (i) => `stepVarianceOut[${i}]` };
  const body = [`let s0 = rng.s0, s1 = rng.s1, s2 = rng.s2, c = rng.c;`, source(names), `rng.s0 = s0; rng.s1 = s1; rng.s2 = s2; rng.c = c;`].join("\n");
  const factory = new Function(...Object.keys(ZIGGURAT), `"use strict"; return function ${name}(rng, logReturnOut, stepVarianceOut) {\n${body}\n};`);
  return factory(...Object.values(ZIGGURAT)) as CompiledStep;
}

/** The plain Student-t step for these constants, as a function of its own. */
export function compilePlainStudentTStep(k: PlainStudentTConstants): CompiledStep {
  return compile("plainStudentTStep", (names) => plainStudentTSource(k, names));
}

/** GBM's step for these constants, as a function of its own. */
export function compileGbmStep(k: GbmConstants): CompiledStep {
  return compile("gbmStep", (names) => gbmSource(k, names));
}

/** The plain Student-t step for these constants, as source for a caller's loop. */
export function inlinePlainStudentTStep(k: PlainStudentTConstants): InlineStep {
  return { source: (names) => `{\n${plainStudentTSource(k, names)}\n}`, bindings: ZIGGURAT, plain: { kind: "t", k } };
}

/** GBM's step for these constants, as source for a caller's loop. */
export function inlineGbmStep(k: GbmConstants): InlineStep {
  return { source: (names) => `{\n${gbmSource(k, names)}\n}`, bindings: ZIGGURAT, plain: { kind: "gbm", k } };
}
