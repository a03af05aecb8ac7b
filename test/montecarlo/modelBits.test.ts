import { describe, expect, it } from "vitest";
import { createModel, DEFAULT_GARCH, DEFAULT_JUMPS, DEFAULT_REGIMES, type PathModel, type TGarchJumpSpec } from "../../src/paths/index.ts";
import type { GbmSpec } from "../../src/paths/models/types.ts";
import { pathStream } from "../../src/paths/random/stream.ts";
import { ReferenceGbmModel } from "./referenceGbm.ts";
import { ReferenceTGarchJumpModel } from "./referenceTGarchJump.ts";

/*
 * Issue 13's model step (the compiled plain Student-t and GBM steps, the chi-square and normals drawn with the
 * generator's state in locals) must give the very bits of the model as it was: the same log returns,
 * variances, jumps and regimes for the same stream, step after step, and leave the stream where the old
 * one left it. The reference is that model, kept in referenceTGarchJump.ts.
 */

/** A valid correlation matrix: ρ^|i−j| (AR(1)), positive definite for |ρ| < 1. */
function ar1(n: number, rho: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => rho ** Math.abs(i - j)));
}

function spec(n: number, nu: number, parts: Partial<TGarchJumpSpec> = {}): TGarchJumpSpec {
  return {
    type: "t-garch-jump",
    assets: Array.from({ length: n }, (_, i) => ({
      symbol: `A${i}`, price: 100 + i, vol: 0.45 + 0.2 * i, drift: i % 2 ? 0.3 : 0, jumpBeta: 1 + 0.4 * i,
    })),
    correlation: ar1(n, n > 1 ? 0.72 : 0), nu, garch: false, jumps: false, regimes: false, ...parts,
  };
}

type StepRecord = (out: number[], model: PathModel, r: Float64Array, v: Float64Array) => void;
/** Every output of a step: returns, variances, jumps, regime, correlation. */
const everything: StepRecord = (out, model, r, v) => out.push(...r, ...v, ...model.lastJump, model.stressed, ...model.stepCorrelation);

/** `record`'s outputs of `steps` steps on paths 0..paths−1, step lengths cycling through `dts`, as one array. */
function outputs(model: PathModel, paths: number, steps: number, dts: number[], record = everything): number[] {
  const n = model.symbols.length;
  const r = new Float64Array(n), v = new Float64Array(n);
  const out: number[] = [];
  for (let p = 0; p < paths; p++) {
    const rng = pathStream(13, p);
    model.reset(rng);
    for (let s = 0; s < steps; s++) {
      model.step(dts[s % dts.length], r, v);
      record(out, model, r, v);
    }
    out.push(rng.next()); // the stream is left where the reference leaves it
  }
  return out;
}

function expectSameBits(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length);
  let first = -1;
  for (let i = 0; i < a.length && first < 0; i++) if (!Object.is(a[i], b[i])) first = i;
  expect(first, first < 0 ? "" : `first difference at ${first}: ${a[first]} vs ${b[first]}`).toBe(-1);
}

const HOUR = 1 / 8760;

describe("the t-garch-jump step gives the bits of the reference model", () => {
  it("plain Student-t (the compiled step), 1 to 6 assets, several ν, hourly steps", () => {
    for (const n of [1, 2, 3, 4, 6]) {
      for (const nu of [2.5, 4, 7.3]) {
        const s = spec(n, nu);
        expectSameBits(outputs(createModel(s), 6, 400, [HOUR]), outputs(new ReferenceTGarchJumpModel(s), 6, 400, [HOUR]));
      }
    }
  });

  it("plain Student-t with the step length changing between steps (recompiled per length)", () => {
    const s = spec(3, 4);
    const dts = [HOUR, HOUR / 60, 24 * HOUR, HOUR];
    expectSameBits(outputs(createModel(s), 8, 300, dts), outputs(new ReferenceTGarchJumpModel(s), 8, 300, dts));
  });

  it("with GARCH, jumps and regimes, each alone and all together", () => {
    const variants: Partial<TGarchJumpSpec>[] = [
      { garch: DEFAULT_GARCH }, { jumps: DEFAULT_JUMPS }, { regimes: DEFAULT_REGIMES },
      { garch: DEFAULT_GARCH, jumps: DEFAULT_JUMPS, regimes: { ...DEFAULT_REGIMES, start: "stress" } },
      // frequent jumps: counts of several per step by inversion, and market counts near 40 by PTRS
      { jumps: { market: { ...DEFAULT_JUMPS.market, ratePerYear: 8760 * 40, meanUp: 0.0004, meanDown: 0.0005 },
        idiosyncratic: { ...DEFAULT_JUMPS.idiosyncratic, ratePerYear: 8760 * 2.5, meanUp: 0.001, meanDown: 0.001 } } },
    ];
    for (const parts of variants) {
      for (const n of [1, 3]) {
        const s = spec(n, 4, parts);
        expectSameBits(outputs(createModel(s), 6, 600, [HOUR]), outputs(new ReferenceTGarchJumpModel(s), 6, 600, [HOUR]));
      }
    }
  });

  it("a plain step with many draws in the Ziggurat's slow path and the gamma's rejections is still the reference's", () => {
    // 40,000 steps × 4 normals: ~2,000 normals from the slow path (1.2 %), hundreds of gamma rejections
    const s = spec(3, 4);
    expectSameBits(outputs(createModel(s), 2, 20_000, [HOUR]), outputs(new ReferenceTGarchJumpModel(s), 2, 20_000, [HOUR]));
  });
});

describe("the GBM step (compiled) gives the bits of the reference model", () => {
  it("1 to 6 assets, hourly and changing step lengths", () => {
    for (const n of [1, 2, 3, 6]) {
      const s: GbmSpec = { type: "gbm", assets: spec(n, 4).assets, correlation: ar1(n, n > 1 ? 0.6 : 0) };
      for (const dts of [[HOUR], [HOUR, HOUR / 60, 24 * HOUR]]) {
        expectSameBits(outputs(createModel(s), 6, 2000, dts), outputs(new ReferenceGbmModel(s), 6, 2000, dts));
      }
    }
  });
});

/**
 * The outputs of a model's inline step (PathModel.inlineStep), run as a compiled loop runs it: the source
 * in a loop of its own, the stream's state in locals from step to step, stored back at the end.
 */
function inlineOutputs(model: PathModel, paths: number, steps: number, dt: number): number[] {
  const n = model.symbols.length;
  const inline = model.inlineStep?.(dt);
  if (!inline) throw new Error("no inline step");
  const names = { rng: "rng", s0: "q0", s1: "q1", s2: "q2", c: "qc", logReturn: (i: number) => `lr${i}`, variance: (i: number) => `lv${i}` };
  const outs = Array.from({ length: n }, (_, i) => `lr${i}, lv${i}`).join(", ");
  const body = `let q0 = rng.s0, q1 = rng.s1, q2 = rng.s2, qc = rng.c, ${Array.from({ length: n }, (_, i) => `lr${i} = 0, lv${i} = 0`).join(", ")};
    for (let s = 0; s < steps; s++) {\n${inline.source(names)}\nout.push(${outs});\n}
    rng.s0 = q0; rng.s1 = q1; rng.s2 = q2; rng.c = qc;`;
  const loop = new Function(...Object.keys(inline.bindings), `"use strict"; return function (rng, steps, out) {\n${body}\n};`)(...Object.values(inline.bindings));
  const out: number[] = [];
  for (let p = 0; p < paths; p++) {
    const rng = pathStream(13, p);
    model.reset(rng);
    loop(rng, steps, out);
    out.push(rng.next());
  }
  return out;
}

/** The step outputs in inlineOutputs' order (log return and variance per asset), and where the stream is left. */
const stepOutputs = (model: PathModel, paths: number, steps: number, dt: number) =>
  outputs(model, paths, steps, [dt], (out, _model, r, v) => {
    for (let i = 0; i < r.length; i++) out.push(r[i], v[i]);
  });

describe("a model's step as source for the stress kernel's loop (inlineStep) gives the reference's bits", () => {
  it("plain Student-t, 1 to 6 assets, several ν, the stream in the caller's locals (10,000 steps: slow-path normals, gamma rejections)", () => {
    for (const n of [1, 3, 6]) {
      for (const nu of [2.5, 4, 7.3]) {
        const s = spec(n, nu);
        expectSameBits(inlineOutputs(createModel(s), 2, 5000, HOUR), stepOutputs(new ReferenceTGarchJumpModel(s), 2, 5000, HOUR));
      }
    }
  });

  it("GBM, 1 to 6 assets", () => {
    for (const n of [1, 2, 6]) {
      const s: GbmSpec = { type: "gbm", assets: spec(n, 4).assets, correlation: ar1(n, n > 1 ? 0.6 : 0) };
      expectSameBits(inlineOutputs(createModel(s), 3, 3000, HOUR), stepOutputs(new ReferenceGbmModel(s), 3, 3000, HOUR));
    }
  });

  it("none with GARCH, jumps or regimes: their steps have state and jumps a loop cannot carry", () => {
    for (const parts of [{ garch: DEFAULT_GARCH }, { jumps: DEFAULT_JUMPS }, { regimes: DEFAULT_REGIMES }]) {
      expect(createModel(spec(3, 4, parts)).inlineStep?.(HOUR) ?? null).toBeNull();
    }
  });
});
