import { describe, expect, it } from "vitest";
import { FIELD } from "../../src/stress/pathResult.ts";
import { PATH_FIELDS, stressSummary, type StressConfig } from "../../src/stress/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { firstPassage, isolatedLongBarrier } from "./closedForms.ts";

/**
 * When a lone isolated 20x long under GBM (zero drift: log drift m = −σ²/2, no funding, no fees) is
 * liquidated: the first time ln S touches b = ln(L/S0), whose law is closed-form,
 *   P(τ ≤ t) = Φ((b − m t)/(σ√t)) + e^{2mb/σ²}·Φ((b + m t)/(σ√t)),
 * at any step size: the bridge finds the touch inside a step and the touch time is drawn from its
 * exact law given the step's ends. One 24 h step and 1-minute steps must both reproduce it.
 */
const VOL = 2;
const LEVERAGE = 20;
const MMR = 0.005;
const HOURS = 24;
const PATHS = 3000;
const HOURS_PER_YEAR = 365 * 24;

function config(stepMinutes: number): StressConfig {
  return parseStressConfig({
    venue: { name: "custom", maintenanceMarginRate: MMR, takerFee: 0, liquidationFee: 0 },
    initialBalance: 10000,
    portfolio: [{ symbol: "BTC", side: "long", leverage: LEVERAGE, weight: 1 }],
    model: { type: "gbm", assets: { BTC: { price: 50000, vol: VOL } } },
    funding: { type: "none" },
    horizonHours: HOURS, stepMinutes, paths: PATHS, seed: 5, modes: ["isolated"],
  }, "test").config;
}

/** P(liquidated by hour t), the closed form above; L/E = (1 − 1/leverage)/(1 − mmr) for an isolated long. */
function liquidatedBy(hours: number): number {
  return firstPassage(VOL, hours, isolatedLongBarrier(LEVERAGE, MMR));
}

/** The closed form's median time to liquidation, by bisection. */
function medianHours(): number {
  let lo = 0.01;
  let hi = HOURS;
  for (let k = 0; k < 60; k++) {
    const mid = 0.5 * (lo + hi);
    if (liquidatedBy(mid) < 0.5) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function shareLiquidatedBy(results: Float64Array, hours: number): number {
  let k = 0;
  for (let p = 0; p < PATHS; p++) if (results[p * PATH_FIELDS + FIELD.liquidated] && results[p * PATH_FIELDS + FIELD.liquidationHour] <= hours) k++;
  return k / PATHS;
}

describe("runner: time to liquidation vs the closed-form first passage, at any step size", () => {
  const median = medianHours();
  const p12 = liquidatedBy(12);
  // the sample median's standard error: √(¼/n) / density at the median (density by central difference)
  const density = (liquidatedBy(median + 0.01) - liquidatedBy(median - 0.01)) / 0.02;
  const medianBound = (4 * Math.sqrt(0.25 / PATHS)) / density;

  it("the closed form puts the median well inside the day (about 10.6 h) and half the paths liquidated by 12 h", () => {
    expect(median).toBeGreaterThan(9);
    expect(median).toBeLessThan(12);
    expect(p12).toBeGreaterThan(0.5);
    expect(p12).toBeLessThan(0.6);
  });

  for (const [label, stepMinutes] of [["one 24 h step", HOURS * 60], ["1-minute steps", 1]] as const) {
    it(`${label}: median time and the survival at 12 h within 4 standard errors`, async () => {
      const c = config(stepMinutes);
      const results = await simulateAll(c, { workers: 1 });
      const share12 = shareLiquidatedBy(results, 12);
      expect(Math.abs(share12 - p12)).toBeLessThan(4 * Math.sqrt((p12 * (1 - p12)) / PATHS));
      expect(Math.abs(shareLiquidatedBy(results, median) - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / PATHS));
      const summaryMedian = stressSummary(c, results, {}).runs[0].timeToLiquidationHours.median;
      expect(summaryMedian).not.toBeNull();
      expect(Math.abs(summaryMedian! - median)).toBeLessThan(medianBound);
    }, 60_000);
  }
});
