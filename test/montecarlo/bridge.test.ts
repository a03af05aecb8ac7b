import { describe, expect, it } from "vitest";
import {
  bridgeCrossed, crossingProbability, lowerBarrierProbability, normal, RandomStream, sampleBridgeExtremes, sampleBridgeMax, sampleBridgeMin,
  upperBarrierProbability,
} from "../../src/montecarlo/index.ts";

describe("bridge crossing probability", () => {
  it("is exp(−2(x0−b)(x1−b)/(σ²Δt)) for a lower barrier and symmetric for an upper one", () => {
    const v = 0.8 ** 2 / 8760; // 80 % vol over one hour
    const b = Math.log(0.99);
    expect(lowerBarrierProbability(0, 0, b, v)).toBeCloseTo(Math.exp((-2 * b * b) / v), 15);
    expect(lowerBarrierProbability(0, 0, b, v)).toBeCloseTo(0.0630, 4);
    expect(upperBarrierProbability(0, 0.005, -b, v)).toBeCloseTo(Math.exp((-2 * -b * (-b - 0.005)) / v), 15);
    expect(lowerBarrierProbability(0, b - 0.001, b, v)).toBe(1);
  });

  it("takes the early-out far from the barrier, and agrees with the formula elsewhere", () => {
    expect(crossingProbability(1, 1, 0.01)).toBe(0);
    expect(bridgeCrossed(1, 1, 0.01, 0)).toBe(false);
    const p = crossingProbability(0.01, 0.02, 0.001);
    expect(p).toBeCloseTo(Math.exp(-0.4), 15);
    expect(bridgeCrossed(0.01, 0.02, 0.001, p - 1e-9)).toBe(true);
    expect(bridgeCrossed(0.01, 0.02, 0.001, p + 1e-9)).toBe(false);
  });

  it("the inverse-CDF minimum reproduces the crossing probability", () => {
    const rng = new RandomStream("min");
    const v = 1e-4;
    const x = 0.004;
    const b = -0.008;
    const N = 200_000;
    let hits = 0;
    for (let i = 0; i < N; i++) if (sampleBridgeMin(x, v, rng.nextOpen()) <= b) hits++;
    const p = crossingProbability(-b, x - b, v);
    expect(Math.abs(hits / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });
});

describe("bar high/low sampling", () => {
  // Parkinson (1980): E[ln(H/L)] = √(8/π)·σ√Δt and E[ln(H/L)²] = 4 ln2·σ²Δt for driftless BM
  const N = 100_000;
  const v = 0.6 ** 2 / 8760;
  const sd = Math.sqrt(v);

  function rangeMoments(sample: (x: number, rng: RandomStream) => number): { m1: number; m2: number; se2: number } {
    const rng = new RandomStream("parkinson");
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < N; i++) {
      const r = sample(normal(rng) * sd, rng) / sd;
      s1 += r;
      s2 += r * r;
      s4 += r ** 4;
    }
    const m2 = s2 / N;
    return { m1: s1 / N, m2, se2: Math.sqrt((s4 / N - m2 * m2) / N) };
  }

  it("the exact joint sampler satisfies Parkinson", () => {
    const out = new Float64Array(2);
    let outside = 0;
    const { m1, m2, se2 } = rangeMoments((x, rng) => {
      sampleBridgeExtremes(x, v, rng, out);
      if (out[0] > Math.min(0, x) || out[1] < Math.max(0, x)) outside++;
      return out[1] - out[0];
    });
    expect(outside).toBe(0);
    expect(Math.abs(m2 - 4 * Math.LN2)).toBeLessThan(4 * se2);
    expect(Math.abs(m1 - Math.sqrt(8 / Math.PI))).toBeLessThan(0.01);
  });

  it("independent marginals overstate E[ln(H/L)²] by about 2.5 % (why the joint sampler exists)", () => {
    const { m2, se2 } = rangeMoments((x, rng) => sampleBridgeMax(x, v, rng.nextOpen()) - sampleBridgeMin(x, v, rng.nextOpen()));
    expect(m2 - 4 * Math.LN2).toBeGreaterThan(4 * se2);
    expect(m2 / (4 * Math.LN2) - 1).toBeCloseTo(0.025, 2);
  });
});
