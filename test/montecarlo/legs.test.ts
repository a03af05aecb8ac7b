/**
 * Per-leg stress figures: two independent GBM assets, each held as a 20x isolated long on half the
 * balance. Each isolated leg is liquidated exactly when its own price first touches its liquidation
 * price, so its probability is the closed-form first passage p; the account's first liquidation is the
 * union, 1 − (1 − p)². In cross a liquidation closes both positions at once: both legs report the
 * account's figures. (Byte-identical legs across worker counts: test/montecarlo/stress.cli.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { stressSummary, type StressConfig } from "../../src/stress/index.ts";
import { firstPassage, isolatedLongBarrier } from "./closedForms.ts";

const VOL = 0.8, LEVERAGE = 20, MMR = 0.005, HOURS = 24, PATHS = 2000;

function config(modes: ("cross" | "isolated")[]): StressConfig {
  return parseStressConfig({
    venue: { name: "custom", maintenanceMarginRate: MMR, takerFee: 0, liquidationFee: 0 },
    initialBalance: 10000,
    portfolio: [{ symbol: "BTC", side: "long", leverage: LEVERAGE, weight: 0.5 }, { symbol: "ETH", side: "long", leverage: LEVERAGE, weight: 0.5 }],
    model: { type: "gbm", assets: { BTC: { price: 50000, vol: VOL }, ETH: { price: 3000, vol: VOL } }, correlation: [[1, 0], [0, 1]] },
    funding: { type: "none" },
    horizonHours: HOURS, stepMinutes: 60, paths: PATHS, seed: 5, modes,
  }, "test").config;
}

describe("stress per leg", () => {
  const p = firstPassage(VOL, HOURS, isolatedLongBarrier(LEVERAGE, MMR));
  const se = (q: number) => Math.sqrt((q * (1 - q)) / PATHS);

  it("isolated: each leg at the closed-form first passage; the account's first liquidation is the union 1 − (1 − p)²", async () => {
    const c = config(["isolated"]);
    const s = stressSummary(c, await simulateAll(c, { workers: 1 }), {});
    const run = s.runs[0];
    expect(run.legs!.map((l) => [l.symbol, l.side])).toEqual([["BTC", "long"], ["ETH", "long"]]);
    for (const leg of run.legs!) {
      expect(Math.abs(leg.liquidationProbability - p)).toBeLessThan(4 * se(p));
      expect(leg.ci95[0]).toBeLessThan(leg.liquidationProbability);
      expect(leg.ci95[1]).toBeGreaterThan(leg.liquidationProbability);
    }
    const union = 1 - (1 - p) ** 2;
    expect(Math.abs(run.liquidationProbability - union)).toBeLessThan(4 * se(union));
    // the account's first liquidation comes no later than either leg's
    const [a, b] = run.legs!;
    expect(run.timeToLiquidationHours.p10!).toBeLessThanOrEqual(Math.min(a.timeToLiquidationHours.p10 ?? Infinity, b.timeToLiquidationHours.p10 ?? Infinity) + 1e-9);
  }, 120_000);

  it("cross: both legs report the account's liquidation", async () => {
    const c = config(["cross"]);
    const s = stressSummary(c, await simulateAll(c, { workers: 1 }), {});
    const run = s.runs[0];
    expect(run.liquidationProbability).toBeGreaterThan(0);
    for (const leg of run.legs!) {
      expect(leg.liquidationProbability).toBe(run.liquidationProbability);
      expect(leg.timeToLiquidationHours).toEqual(run.timeToLiquidationHours);
    }
  }, 120_000);
});
