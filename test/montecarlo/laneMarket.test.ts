import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileGbmStep, compilePlainStudentTStep, type GbmConstants, type PlainStudentTConstants } from "../../src/paths/models/compiledStep.ts";
import { ChiSquareSampler } from "../../src/paths/random/distributions.ts";
import { RandomStream, streamKey } from "../../src/paths/random/stream.ts";
import type { PlainStep } from "../../src/paths/index.ts";
import { AHEAD_STRIDE, marketAhead, marketModulesWritten } from "../../src/stress/lanes/laneMarketAhead.ts";

const STEPS = 720;

/** Lower Cholesky factor of a correlation matrix, row-major. */
function cholesky(c: number[][]): Float64Array {
  const n = c.length, l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let sum = c[i][j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(sum) : sum / l[j * n + j];
    }
  return l;
}

const CORRELATION = [[1, 0.8, 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]];
const HOUR = 1 / (24 * 365);

function studentT(nu: number): PlainStudentTConstants {
  const vols = [0.6, 0.75, 1.0];
  const { d, c } = new ChiSquareSampler(nu).gammaConstants();
  return {
    n: 3, chol: cholesky(CORRELATION), baseVariance: Float64Array.from(vols, (v) => v * v * HOUR), baseSd: Float64Array.from(vols, (v) => v * Math.sqrt(HOUR)),
    logDrift: Float64Array.from(vols, (_, i) => (i - 1) * 0.05 * HOUR), tScale: nu - 2, gammaD: d, gammaC: c,
  };
}

function gbm(): GbmConstants {
  const vols = [0.6, 0.75, 1.0];
  return { n: 3, chol: cholesky(CORRELATION), logDrift: Float64Array.from(vols, (v) => (0.1 - v * v / 2) * HOUR), scale: Float64Array.from(vols, (v) => v * Math.sqrt(HOUR)), variance: Float64Array.from(vols, (v) => v * v * HOUR) };
}

/** Each asset's log price at the paths' start (BTC, ETH, SOL-like prices). */
const START = [Math.log(30000), Math.log(2000), Math.log(150)];

/**
 * Pairs of paths through the module against the model's own step on each path's stream, the log price summed and
 * Math.exp taken as the kernel's loop does: every log price, price and variance of every step the same bits, the
 * streams left where the model leaves them. Returns how many lane-steps the host made again (the rare draws were met).
 */
function comparePairs(model: PlainStep, pairs: number, steps = STEPS): { compared: number; redos: number } {
  const m = marketAhead(model, STEPS)!;
  const reference = model.kind === "t" ? compilePlainStudentTStep(model.k) : compileGbmStep(model.k);
  const n = model.k.n;
  const r = new Float64Array(n), v = new Float64Array(n);
  let compared = 0;
  for (let p = 0; p < pairs; p++) {
    const lanes = [new RandomStream(streamKey(7, 2 * p)), new RandomStream(streamKey(7, 2 * p + 1))];
    m.fill(lanes[0], lanes[1], START, steps);
    for (const [lane, rng] of lanes.entries()) {
      const x = [...START];
      for (let s = 0; s < steps; s++) {
        reference(rng, r, v);
        for (let i = 0; i < n; i++) {
          x[i] = x[i] + r[i];
          const at = (s * n + i) * AHEAD_STRIDE + lane, price = Math.exp(x[i]);
          const f = m.figures;
          if (!Object.is(f[at], x[i]) || !Object.is(f[at + 2], price) || !Object.is(f[at + 4], v[i]))
            throw new Error(`pair ${p} lane ${lane} step ${s} asset ${i}: log price ${f[at]} against ${x[i]}, price ${f[at + 2]} against ${price}, variance ${f[at + 4]} against ${v[i]}`);
          compared++;
        }
      }
      expect(m.inRange(lane as 0 | 1)).toBe(true);
    }
    lanes.forEach((rng, lane) => expect(m.stream(lane as 0 | 1)).toEqual([rng.s0, rng.s1, rng.s2, rng.c]));
  }
  return { compared, redos: m.redos() };
}

describe("a plain model's market on two lanes, drawn ahead of the kernel's loop", () => {
  it("the Student-t step (ν = 4, the SSW's; ν = 3, 30 and 2.1, where 1 + c·x ≤ 0 is met): each lane the model's own bits at every step (log price, Math.exp's price, variance), the streams left where the model leaves them", () => {
    for (const nu of [4, 3, 30, 2.1]) {
      const { compared, redos } = comparePairs({ kind: "t", k: studentT(nu) }, 40);
      expect(compared).toBe(40 * 2 * STEPS * 3);
      // ~1.2 % of the ~250,000 normals went the Ziggurat's slow path and ~2 % of the gamma draws were rejected, both in
      // the lanes; the host made again only the steps with a draw from the normal's tail (one in ~1,700 normals)
      expect(redos).toBeGreaterThan(0);
      expect(redos).toBeLessThan(40 * STEPS * 2 * 0.01);
    }
  });

  it("GBM's step: the same, on paths of an even and an odd count of steps (the prices are taken two steps at a time, an odd path's last alone)", () => {
    expect(comparePairs({ kind: "gbm", k: gbm() }, 10, STEPS - 1).compared).toBe(10 * 2 * (STEPS - 1) * 3);
    const { compared, redos } = comparePairs({ kind: "gbm", k: gbm() }, 40);
    expect(compared).toBe(40 * 2 * STEPS * 3);
    // only a tail draw (one normal in ~1,700) goes to the host
    expect(redos).toBeGreaterThan(0);
    expect(redos).toBeLessThan(40 * STEPS * 2 * 3 * 0.002);
  });

  it("a thread writes a model's module once: a simulator of longer paths after one of shorter paths takes it, its memory grown to the figures, the model's bits at every step; a model one bit apart writes its own", () => {
    const k = studentT(5);
    const before = marketModulesWritten();
    const short = marketAhead({ kind: "t", k }, 10)!;
    short.fill(new RandomStream(streamKey(7, 0)), new RandomStream(streamKey(7, 1)), START, 10);
    expect(short.figures.length).toBe(10 * 3 * AHEAD_STRIDE);
    expect(marketModulesWritten()).toBe(before + 1);
    // 720 steps × 3 assets × 48 bytes: past the module's first page and the short simulator's figures
    expect(comparePairs({ kind: "t", k: { ...k } }, 4).compared).toBe(4 * 2 * STEPS * 3);
    expect(marketModulesWritten()).toBe(before + 1);
    const drift = Float64Array.from(k.logDrift);
    drift[2] = drift[2] + Math.abs(drift[2]) * Number.EPSILON;
    expect(drift[2]).not.toBe(k.logDrift[2]);
    expect(comparePairs({ kind: "t", k: { ...k, logDrift: drift } }, 4).compared).toBe(4 * 2 * STEPS * 3);
    expect(marketModulesWritten()).toBe(before + 2);
  });

  it("a lane whose log price leaves exp's range (|x| ≥ 707) is reported, the other lane's figures stay exact", () => {
    // one asset drifting up 100 a step: its log price passes 707 at the 7th step; a second start 600 lower never does in 5 steps
    const k: GbmConstants = { n: 1, chol: Float64Array.of(1), logDrift: Float64Array.of(100), scale: Float64Array.of(1e-3), variance: Float64Array.of(1e-6) };
    const m = marketAhead({ kind: "gbm", k }, 8)!;
    const a = new RandomStream(streamKey(1, 0)), b = new RandomStream(streamKey(1, 1));
    m.fill(a, b, [0], 8);
    expect([m.inRange(0), m.inRange(1)]).toEqual([false, false]);
    m.fill(a, b, [0], 5);
    expect([m.inRange(0), m.inRange(1)]).toEqual([true, true]);
    expect(m.figures[4 * AHEAD_STRIDE + 2]).toBe(Math.exp(m.figures[4 * AHEAD_STRIDE]));
    m.fill(a, b, [0], 7); // x = 700.x at the 7th step: in range (Math.exp(700) is finite and the lanes compute it)
    expect(m.inRange(0)).toBe(true);
    m.fill(a, b, [8], 7); // 708.x: out of range
    expect(m.inRange(0)).toBe(false);
  });

  it("no module for figures past the memory a simulator may keep: the kernel's loop draws such a market itself", () => {
    expect(marketAhead({ kind: "gbm", k: gbm() }, 500_000)).toBeNull(); // 3 assets × 500,000 steps × 48 bytes = 72 MB
    expect(marketAhead({ kind: "gbm", k: gbm() }, 100_000)).not.toBeNull();
  });

  it("a Node without WebAssembly (--jitless) runs the kernel with the market drawn in its loop: the same results", () => {
    const run = (flags: string[]) => JSON.parse(execFileSync(process.execPath, [...flags, "--import", "tsx", fileURLToPath(new URL("./fixtures/aheadOrNot.ts", import.meta.url))], { encoding: "utf8" }));
    const withLanes = run([]), without = run(["--jitless"]);
    expect([withLanes.ahead, without.ahead]).toEqual([true, false]);
    expect(without.results).toBe(withLanes.results);
  }, 60_000);
});
