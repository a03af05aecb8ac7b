import { describe, expect, it } from "vitest";
import { createFunding, fundingPayment, settlementsBetween } from "../../src/paths/index.ts";
import { pathStream } from "../../src/paths/random/stream.ts";

describe("funding paths", () => {
  it("constant funding charges notional × rate × interval/8h at each settlement, longs paying", () => {
    const f = createFunding({ type: "constant", ratePer8h: 0.0001, settleEveryHours: 1 }, 2);
    const out = new Float64Array(2);
    f.step(1, new Float64Array(2), out);
    expect(Array.from(out)).toEqual([0.0001, 0.0001]);
    // 2160 hourly settlements on a 6,000 long: 6000 × 0.0001/8 × 2160 = 162
    expect(fundingPayment(6000, out[0], f.settleEveryHours) * settlementsBetween(0, 2160, 1)).toBeCloseTo(162, 9);
    expect(fundingPayment(-2000, out[0], 1)).toBeCloseTo(-0.025, 12);
  });

  it("counts settlements in a step, 8h grid", () => {
    expect(settlementsBetween(0, 24, 8)).toBe(3);
    expect(settlementsBetween(7.5, 8, 8)).toBe(1);
    expect(settlementsBetween(8, 8.25, 8)).toBe(0);
    expect(settlementsBetween(0, 2160, Infinity)).toBe(0);
  });

  it("mean-reverting funding stays within the cap, reverts to its mean, and follows momentum", () => {
    const spec = { type: "mean-reverting" as const, mean: 0.0001, halfLifeHours: 24, volPer8h: 0.0005, momentumWeight: 0.01, lookbackHours: 24, capPer8h: 0.0008, settleEveryHours: 8 };
    const f = createFunding(spec, 1);
    const out = new Float64Array(1);
    const flat = new Float64Array(1);
    let sum = 0;
    let n = 0;
    let max = 0;
    for (let p = 0; p < 200; p++) {
      f.reset(pathStream(1, p, 2));
      for (let k = 0; k < 500; k++) {
        f.step(1, flat, out);
        max = Math.max(max, Math.abs(out[0]));
        if (k > 200) { sum += out[0]; n++; }
      }
    }
    expect(max).toBeLessThanOrEqual(0.0008);
    expect(max).toBe(0.0008); // the cap binds at vol 0.0005
    expect(Math.abs(sum / n - 0.0001)).toBeLessThan(0.00005);
    // a steady rally pushes the rate up to the cap
    const rally = Float64Array.of(0.01);
    const g = createFunding({ ...spec, volPer8h: 0 }, 1);
    g.reset(pathStream(1, 0, 2));
    for (let k = 0; k < 200; k++) g.step(1, rally, out);
    expect(out[0]).toBe(0.0008);
  });
});
