import { scoreStatistic } from "../stats/pairedReference.ts";
import { describe, expect, it } from "vitest";
import { FIELD } from "../../src/stress/pathResult.ts";
import { PATH_FIELDS, stressSummary } from "../../src/stress/index.ts";
import { pairedDifference } from "../../src/stress/stats/paired.ts";
import { parseStressConfig } from "../../src/stress/config.ts";

/**
 * 100 hand-made paths under cross and isolated (no simulation): cross liquidates paths 0–21, isolated
 * paths 0–9 and 22–25, so both = 10, only cross = 12, only isolated = 4, neither = 74. Cross paths
 * 0–4 leave bad debt; isolated paths 0–9 end at 50 (a wipeout: ≤ 10 % of 1000).
 */
const PATHS = 100;
const config = parseStressConfig({
  venue: "binance", initialBalance: 1000, portfolio: [{ symbol: "BTC", side: "long", leverage: 5, weight: 1 }],
  model: { type: "gbm", assets: { BTC: { price: 50000, vol: 0.6 } } }, funding: { type: "none" },
  horizonHours: 24, stepMinutes: 60, paths: PATHS, seed: 1, modes: ["cross", "isolated"],
}, "test").config;

function results(): Float64Array {
  const r = new Float64Array(PATHS * 2 * PATH_FIELDS);
  for (let p = 0; p < PATHS; p++) {
    const cross = (p * 2) * PATH_FIELDS;
    const iso = (p * 2 + 1) * PATH_FIELDS;
    const cl = p < 22;
    const il = p < 10 || (p >= 22 && p < 26);
    r[cross + FIELD.liquidated] = cl ? 1 : 0;
    r[cross + FIELD.liquidationHour] = cl ? 12 : NaN;
    r[cross + FIELD.terminalEquity] = cl ? 500 : 1000;
    r[cross + FIELD.minEquity] = cl ? 500 : 1000;
    r[cross + FIELD.badDebt] = p < 5 ? 3 : 0;
    r[iso + FIELD.liquidated] = il ? 1 : 0;
    r[iso + FIELD.liquidationHour] = il ? 6 : NaN;
    r[iso + FIELD.terminalEquity] = p < 10 ? 50 : 1000;
    r[iso + FIELD.minEquity] = p < 10 ? 50 : 1000;
  }
  return r;
}

describe("stress summary: intervals on every probability and the paired difference", () => {
  const s = stressSummary(config, results(), {});
  const [cross, iso] = s.runs;

  it("Wilson intervals of the wipeout and bad-debt probabilities (hand-computed from the score formula)", () => {
    expect(cross.wipeoutProbability).toBe(0);
    expect(cross.wipeoutCi95![0]).toBe(0);
    expect(cross.wipeoutCi95![1]).toBeCloseTo(0.036993, 6); // z²/(n + z²) at 0 of 100
    expect(cross.badDebtProbability).toBe(0.05);
    expect(cross.badDebtCi95![0]).toBeCloseTo(0.021544, 6);
    expect(cross.badDebtCi95![1]).toBeCloseTo(0.11175, 5);
    expect(iso.wipeoutProbability).toBe(0.1);
    expect(iso.wipeoutCi95![0]).toBeCloseTo(0.055229, 5); // Wilson 10/100: 0.0552–0.1744
    expect(iso.wipeoutCi95![1]).toBeCloseTo(0.174366, 5);
    expect(iso.badDebtCi95![1]).toBeCloseTo(0.036993, 6);
  });

  it("paired cross − isolated difference: d = (12 − 4)/100 with Tango's score interval (bounds solve T(Δ) = ±z)", () => {
    expect(s.paired).toMatchObject({ both: 10, onlyCross: 12, onlyIsolated: 4, neither: 74 });
    const d = s.paired.difference!;
    expect(d.estimate).toBe(0.08);
    expect(scoreStatistic(12, 4, 100, d.ci95[0])).toBeCloseTo(1.959964, 4); // the summary rounds to 1e-6
    expect(scoreStatistic(12, 4, 100, d.ci95[1])).toBeCloseTo(-1.959964, 4);
    expect(d.ci95[0]).toBeGreaterThan(0); // the modes differ beyond noise on these 100 paths
  });

  it("no difference when only one mode ran; without discordant pairs the interval is ±z²/(n + z²), not [0, 0]", () => {
    const one = stressSummary({ ...config, modes: ["isolated"] }, results().filter((_, k) => Math.floor(k / PATH_FIELDS) % 2 === 1), {});
    expect(one.paired.difference).toBeNull();
    const none = pairedDifference(0, 0, 50);
    expect(none.estimate).toBe(0);
    expect(none.ci95[1]).toBeCloseTo(3.841459 / (50 + 3.841459), 6);
    const neg = pairedDifference(4, 12, 100);
    expect(neg.estimate).toBe(-0.08);
    expect(neg.ci95[1]).toBeCloseTo(-d12_4_lower(), 12);
  });
});

/** the lower bound of the (12, 4, 100) interval: swapping the modes mirrors it */
function d12_4_lower(): number {
  return pairedDifference(12, 4, 100).ci95[0];
}
