import { describe, expect, it } from "vitest";
import {
  bridgeCrossed, crossingProbability, lowerBarrierProbability, sampleBridgeMax, sampleBridgeMin,
  upperBarrierProbability,
} from "../../src/paths/bridge.ts";
import { normal } from "../../src/paths/random/ziggurat.ts";
import { RandomStream, sampleBridgeExtremes, sampleCrossingFraction } from "../../src/paths/index.ts";
import { pathStream } from "../../src/paths/random/stream.ts";

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

describe("the joint law of the bar's high and low", () => {
  // Standard units: a bridge from 0 to x over one step of unit variance; the sampler works at any variance.
  const v = 0.6 ** 2 / 8760;
  const sd = Math.sqrt(v);
  const N = 50_000;

  /** P(l < min, max < h | end x) by the method of images (Feller II, X.5): Σ_k [φ(x − 2kw) − φ(x − 2h + 2kw)] / φ(x), w = h − l. */
  function stripProbability(l: number, h: number, x: number): number {
    const phi = (z: number) => Math.exp(-0.5 * z * z);
    const w = h - l;
    let p = 0;
    for (let k = -30; k <= 30; k++) p += phi(x - 2 * k * w) - phi(x - 2 * h + 2 * k * w);
    return p / phi(x);
  }

  /** P(min ≤ l and max ≥ h) by inclusion–exclusion over the one-sided laws exp(−2l(l − x)), exp(−2h(h − x)) and the strip. */
  function bothTouched(l: number, h: number, x: number): number {
    const minAbove = 1 - Math.exp(-2 * l * (l - x));
    const maxBelow = 1 - Math.exp(-2 * h * (h - x));
    return 1 - minAbove - maxBelow + stripProbability(l, h, x);
  }

  function touchedShare(x: number, l: number, h: number, key: string, sample: (rng: RandomStream, out: Float64Array) => void): number {
    const rng = new RandomStream(key);
    const out = new Float64Array(2);
    let hits = 0;
    for (let i = 0; i < N; i++) {
      sample(rng, out);
      if (out[0] <= l * sd && out[1] >= h * sd) hits++;
    }
    return hits / N;
  }

  // the last column is bothTouched() to 5 places, pinned so a slip in the test's own formula shows
  it.each([
    [0.3, -0.4, 0.8, 0.13929],
    [0.3, -0.8, 0.6, 0.0534],
    [-0.7, -1.2, 0.3, 0.09194],
    [1.2, -0.3, 1.5, 0.11534],
    [0, -0.5, 0.5, 0.24912],
  ])("end %f: P(low ≤ %f, high ≥ %f) is the double-barrier value %f", (x, l, h, closedForm) => {
    const p = bothTouched(l, h, x);
    expect(p).toBeCloseTo(closedForm, 5);
    const share = touchedShare(x, l, h, `joint/${x}/${l}/${h}`, (rng, out) => sampleBridgeExtremes(x * sd, v, rng, out));
    expect(Math.abs(share - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });

  it("the same probability from independent marginals is far off (the test can tell)", () => {
    const [x, l, h] = [0.3, -0.4, 0.8];
    const p = bothTouched(l, h, x);
    const share = touchedShare(x, l, h, "joint/independent", (rng, out) => {
      out[0] = sampleBridgeMin(x * sd, v, rng.nextOpen());
      out[1] = sampleBridgeMax(x * sd, v, rng.nextOpen());
    });
    expect(share - p).toBeGreaterThan(4 * Math.sqrt((p * (1 - p)) / N));
  });

  it("a bar that closes where it opened has Kuiper's range law: E = √(π/2), P(range > r) = 2Σ(4k²r² − 1)e^(−2k²r²)", () => {
    const kuiperTail = (r: number) => {
      let s = 0;
      for (let k = 1; k < 50; k++) s += (4 * k * k * r * r - 1) * Math.exp(-2 * k * k * r * r);
      return 2 * s;
    };
    expect(kuiperTail(1.25)).toBeCloseTo(0.46152, 5);
    const rng = new RandomStream("kuiper");
    const out = new Float64Array(2);
    const levels = [0.8, 1.25, 1.5, 2];
    const above = levels.map(() => 0);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      sampleBridgeExtremes(0, v, rng, out);
      const r = (out[1] - out[0]) / sd;
      s1 += r;
      s2 += r * r;
      levels.forEach((level, j) => { if (r > level) above[j]++; });
    }
    const mean = s1 / N;
    expect(Math.abs(mean - Math.sqrt(Math.PI / 2))).toBeLessThan(4 * Math.sqrt((s2 / N - mean * mean) / N));
    levels.forEach((level, j) => {
      const p = kuiperTail(level);
      expect(Math.abs(above[j] / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    });
  });

  it("keeps low ≤ min(0, x) and high ≥ max(0, x), finite, for far-out bars and extreme uniforms", () => {
    const out = new Float64Array(2);
    // a stream whose draws are scripted: the max's nextOpen() = 1 − u1, the min's next() = u2
    const scripted = (u1: number, u2: number) => {
      const draws = [u1, u2];
      return { next: () => draws.shift()!, nextOpen: () => 1 - draws.shift()! } as unknown as RandomStream;
    };
    for (const x of [-40, -3, -1e-9, 0, 1e-9, 3, 40]) {
      for (const [u1, u2] of [[0, 0], [0, 0.999999999], [0.999999999, 0], [0.5, 0.5], [0.999999999, 0.999999999]]) {
        sampleBridgeExtremes(x * sd, v, scripted(u1, u2), out);
        expect(Number.isFinite(out[0]) && Number.isFinite(out[1])).toBe(true);
        expect(out[0]).toBeLessThanOrEqual(Math.min(0, x * sd));
        expect(out[1]).toBeGreaterThanOrEqual(Math.max(0, x * sd));
        expect(out[1] - out[0]).toBeLessThan(12 * sd + Math.abs(x * sd));
      }
    }
  });
});

describe("sampleCrossingFraction: the first-passage time inside a step, given its ends", () => {
  /**
   * P(τ ≤ u·T | touched, end) by integrating the strong-Markov density directly (T = 1):
   * g(t) = [d0/√(2πv t³)·e^{−d0²/(2vt)}]·[e^{−d1²/(2v(1−t))}/√(2πv(1−t))] / [e^{−(d0+|d1|)²/(2v)}/√(2πv)],
   * Simpson's rule on t = u·s² (which removes the t^{−3/2} corner), independent of the sampler's transform.
   */
  function conditionalCdf(d0: number, d1: number, v: number, u: number): number {
    const e = Math.abs(d1);
    const g = (t: number) => {
      if (t <= 0) return 0;
      const first = (d0 / Math.sqrt(2 * Math.PI * v * t ** 3)) * Math.exp(-(d0 * d0) / (2 * v * t));
      const rest = Math.exp(-(e * e) / (2 * v * (1 - t))) / Math.sqrt(2 * Math.PI * v * (1 - t));
      return (first * rest) / (Math.exp(-((d0 + e) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v));
    };
    const n = 4000;
    let sum = 0;
    for (let k = 0; k <= n; k++) {
      const s = k / n;
      const w = k === 0 || k === n ? 1 : k % 2 ? 4 : 2;
      sum += w * g(u * s * s) * 2 * u * s;
    }
    return (sum / (3 * n));
  }

  it.each([
    ["returned above the barrier", 0.5, 0.3, 1],
    ["ended past the barrier", 0.2, -1.5, 1],
    ["ended on the barrier (Lévy limit)", 1, 1e-9, 0.5],
  ])("%s: empirical CDF within 4 standard errors of the integrated law", (_label, d0, d1, v) => {
    const rng = pathStream(3, 0, 1);
    const n = 20000;
    const xs = Float64Array.from({ length: n }, () => sampleCrossingFraction(d0, d1, v, rng));
    for (const u of [0.1, 0.3, 0.5, 0.8]) {
      const p = conditionalCdf(d0, d1, v, u);
      const share = xs.filter((x) => x <= u).length / n;
      expect(Math.abs(share - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / n) + 1e-9);
    }
    // the density is a law: it integrates to 1 (Simpson cannot resolve the end-point spike when d1 ≈ 0)
    if (Math.abs(d1) > 0.1) expect(conditionalCdf(d0, d1, v, 1 - 1e-9)).toBeCloseTo(1, 3);
  });
});
