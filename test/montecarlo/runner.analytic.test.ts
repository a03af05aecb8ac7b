import { describe, expect, it } from "vitest";
import { FIELD } from "../../src/stress/pathResult.ts";
import { PATH_FIELDS, type StressConfig } from "../../src/stress/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { firstPassage, isolatedLongBarrier, liquidationShare as shareOf } from "./closedForms.ts";

/**
 * A lone isolated long under GBM (zero drift: log drift μ = −σ²/2), no funding, no fees: it is
 * liquidated when the price first touches its liquidation price L. With b = ln(L/S0) the closed form is
 * P(min ≤ b) = Φ((b − μT)/(σ√T)) + e^{2μb/σ²}·Φ((b + μT)/(σ√T)), at any step size thanks to the bridge.
 */
const VOL = 0.8;
const LEVERAGE = 20;
const MMR = 0.005;
const HOURS = 24;
const PATHS = 2000;

function config(stepMinutes: number, modes: ("cross" | "isolated")[] = ["isolated"], weight = 1): StressConfig {
  return parseStressConfig({
    venue: { name: "custom", maintenanceMarginRate: MMR, takerFee: 0, liquidationFee: 0 },
    initialBalance: 10000,
    portfolio: [{ symbol: "BTC", side: "long", leverage: LEVERAGE, weight }],
    model: { type: "gbm", assets: { BTC: { price: 50000, vol: VOL } } },
    funding: { type: "none" },
    horizonHours: HOURS, stepMinutes, paths: PATHS, seed: 11, modes,
  }, "test").config;
}

const closedForm = () => firstPassage(VOL, HOURS, isolatedLongBarrier(LEVERAGE, MMR));
const liquidationShare = (results: Float64Array, modes: number, mode: number) => shareOf(results, PATHS, modes, mode);

describe("runner: liquidation probability vs the closed-form first passage", () => {
  const p = closedForm();
  const bound = 4 * Math.sqrt((p * (1 - p)) / PATHS);

  it("the closed form is in a range where the test has power (about 0.3)", () => {
    expect(p).toBeGreaterThan(0.2);
    expect(p).toBeLessThan(0.4);
  });

  for (const [label, stepMinutes] of [["1-minute", 1], ["1-hour", 60], ["one step for the horizon", HOURS * 60]] as const) {
    it(`${label} steps: within 4 standard errors`, async () => {
      const results = await simulateAll(config(stepMinutes), { workers: 1 });
      expect(Math.abs(liquidationShare(results, 1, 0) - p)).toBeLessThan(bound);
    }, 60_000);
  }
});

describe("runner: cross equals isolated for one position whose isolated margin is the whole balance", () => {
  it("same liquidations, times and equities path by path", async () => {
    const c = config(60, ["cross", "isolated"], 1);
    const r = await simulateAll({ ...c, paths: 400 }, { workers: 1 });
    let liquidated = 0;
    for (let p = 0; p < 400; p++) {
      const cross = r.subarray(p * 2 * PATH_FIELDS, (p * 2 + 1) * PATH_FIELDS);
      const iso = r.subarray((p * 2 + 1) * PATH_FIELDS, (p * 2 + 2) * PATH_FIELDS);
      expect(cross[FIELD.liquidated]).toBe(iso[FIELD.liquidated]);
      if (cross[FIELD.liquidated]) expect(cross[FIELD.liquidationHour]).toBeCloseTo(iso[FIELD.liquidationHour], 9);
      expect(cross[FIELD.terminalEquity]).toBeCloseTo(iso[FIELD.terminalEquity], 6);
      expect(cross[FIELD.minEquity]).toBeCloseTo(iso[FIELD.minEquity], 6);
      liquidated += cross[FIELD.liquidated];
    }
    expect(liquidated).toBeGreaterThan(50); // the comparison covers liquidated paths too
  });

  it("a liquidated 20x long keeps what is left above the liquidation price: maintenance at L (no fees)", async () => {
    const c = config(60, ["isolated"], 1);
    const r = await simulateAll({ ...c, paths: 200 }, { workers: 1 });
    const q = (10000 * LEVERAGE) / 50000;
    const L = (50000 * (1 - 1 / LEVERAGE)) / (1 - MMR);
    for (let p = 0; p < 200; p++) {
      if (!r[p * PATH_FIELDS + FIELD.liquidated]) continue;
      expect(r[p * PATH_FIELDS + FIELD.terminalEquity]).toBeCloseTo(MMR * q * L, 4);
    }
  });
});
