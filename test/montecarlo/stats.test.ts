import { describe, expect, it } from "vitest";
import { equityQuantiles } from "../../src/stress/stats/tail.ts";
import { FixedHistogram } from "../../src/stress/stats/histogram.ts";
import { kaplanMeier, survivalOnGrid, timeToShare } from "../../src/stress/stats/survival.ts";
import { normInv, normPdf } from "../../src/paths/math.ts";
import { wilsonInterval } from "../../src/stress/stats/wilson.ts";

describe("Wilson interval", () => {
  it("matches published values", () => {
    const [lo, hi] = wilsonInterval(5, 10);
    expect(lo).toBeCloseTo(0.2366, 4);
    expect(hi).toBeCloseTo(0.7634, 4);
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(0, 10)[1]).toBeCloseTo(0.2775, 4); // z²/(n+z²)
    const [a, b] = wilsonInterval(81, 263); // Newcombe (1998), example: 0.2553–0.3662
    expect(a).toBeCloseTo(0.2553, 4);
    expect(b).toBeCloseTo(0.3662, 4);
  });
});

describe("Kaplan–Meier", () => {
  it("reproduces a textbook curve with censoring", () => {
    // times 1,2+,3,3,4+,5 (+ = censored): S = 5/6 at 1, ×(1 − 2/4) at 3, ×(1 − 1/1) at 5
    const curve = kaplanMeier({ time: [1, 2, 3, 3, 4, 5], event: [1, 0, 1, 1, 0, 1] });
    expect(curve).toEqual([[0, 1], [1, 5 / 6], [3, 5 / 12], [5, 0]]);
    expect(survivalOnGrid(curve, [0, 2, 3, 4.5, 6])).toEqual([[0, 1], [2, 5 / 6], [3, 5 / 12], [4.5, 5 / 12], [6, 0]]);
    expect(timeToShare(curve, 0.5)).toBe(3);
    expect(timeToShare(curve, 0.1)).toBe(1);
  });

  it("deaths and censorings tied at one time, given out of order: the deaths count against everyone at risk there; a NaN time is refused", () => {
    // at t = 2: 4 at risk, 2 deaths (the censored one leaves after them) → 1/2; at t = 4: 1 at risk, 1 death → 0
    expect(kaplanMeier({ time: [4, 2, 2, 2], event: [1, 1, 0, 1] })).toEqual([[0, 1], [2, 0.5], [4, 0]]);
    expect(() => kaplanMeier({ time: [1, NaN], event: [1, 0] })).toThrow(/NaN/);
  });

  it("with horizon censoring only is the share not yet liquidated; median is null when under half die", () => {
    const curve = kaplanMeier({ time: [10, 20, 100, 100, 100], event: [1, 1, 0, 0, 0] });
    expect(curve.map(([t]) => t)).toEqual([0, 10, 20]);
    expect(curve[2][1]).toBeCloseTo(0.6, 12);
    expect(timeToShare(curve, 0.5)).toBeNull();
  });
});

describe("VaR and expected shortfall of an equity sample", () => {
  it("match the normal closed forms on a quantile grid of N(μ, s²) equity", () => {
    const N = 100_000;
    const initial = 1000;
    const mu = 1010;
    const s = 50;
    const equity = Array.from({ length: N }, (_, i) => mu + s * normInv((i + 0.5) / N)).reverse();
    const q = equityQuantiles(equity, initial);
    expect(q.mean).toBeCloseTo(mu, 6);
    expect(q.p5).toBeCloseTo(mu - 1.6448536 * s, 1);
    expect(q.var95).toBeCloseTo(initial - (mu - 1.6448536 * s), 1);
    expect(q.var99).toBeCloseTo(initial - (mu - 2.3263479 * s), 1);
    // ES_α of a normal loss: s·φ(Φ⁻¹(α))/(1 − α)
    expect(q.es975).toBeCloseTo(initial - mu + (s * normPdf(1.959964)) / 0.025, 0);
    expect(q.es99).toBeCloseTo(initial - mu + (s * normPdf(2.3263479)) / 0.01, 0);
  });

  it("weights the boundary path fractionally", () => {
    // 10 paths, worst 2.5 % = a quarter of the worst path
    const q = equityQuantiles([0, 10, 20, 30, 40, 50, 60, 70, 80, 90], 100);
    expect(q.es975).toBe(100);
    expect(q.p5).toBe(0);
    const r = equityQuantiles(Array.from({ length: 40 }, (_, i) => i), 100); // worst 1 = value 0, then value 1
    expect(r.es975).toBe(100 - 0);
    expect(r.var95).toBe(100 - 1);
  });
});

describe("fixed-bin histograms", () => {
  it("merge to the same counts whatever the split", () => {
    const values = Array.from({ length: 1000 }, (_, i) => ((i * 37) % 113) - 5);
    const whole = new FixedHistogram(0, 100, 10);
    values.forEach((v) => whole.add(v));
    const a = new FixedHistogram(0, 100, 10);
    const b = new FixedHistogram(0, 100, 10);
    values.forEach((v, i) => (i % 3 ? a : b).add(v));
    b.merge(a);
    expect(b.toJSON()).toEqual(whole.toJSON());
    expect(whole.underflow).toBe(values.filter((v) => v < 0).length);
    expect(whole.overflow).toBe(values.filter((v) => v >= 100).length);
    expect(FixedHistogram.fromJSON(whole.toJSON()).total).toBe(1000);
  });
});
