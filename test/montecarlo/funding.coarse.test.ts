/**
 * Audit item 4: several funding settlements inside one coarse step are each charged at the price at their
 * own time (the expected price on the step's bridge), not all at the step's end price. With a strong drift
 * and the price otherwise still (vol 1e-6), the fine-step reference is exact: 1-hour steps settle every
 * hour at that hour's price, S0·e^{μt}. Daily steps must pay the same funding; charging all 24 settlements
 * at the day's close overpaid a long by about μ × 11.5 h (1.05 % at μ = 8/yr).
 */
import { describe, expect, it } from "vitest";
import { FIELD } from "../../src/stress/pathResult.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";

const venue = { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 };

async function fundingPaid(stepMinutes: number, drift: number, vol = 1e-6, paths = 2): Promise<number[]> {
  const { config } = parseStressConfig({
    venue, initialBalance: 10000,
    portfolio: [{ symbol: "BTC", side: "long", leverage: 2, weight: 0.5 }],
    model: { type: "gbm", assets: { BTC: { price: 50000, vol, drift } } },
    funding: { type: "constant", ratePer8h: 0.001, settleEveryHours: 1 },
    horizonHours: 72, stepMinutes, paths, seed: 9, modes: ["cross", "isolated"],
  }, "test");
  const r = await simulateAll(config, { workers: 1 });
  return [r[FIELD.fundingPaid], r[FIELD.fundingPaid + r.length / paths / 2]];
}

describe("funding inside a coarse step", () => {
  it("daily steps pay what hourly settlements at hourly prices pay, under a strong drift", async () => {
    const fine = await fundingPaid(60, 8);
    const coarse = await fundingPaid(1440, 8);
    const eightHour = await fundingPaid(480, 8);
    // closed form: 72 settlements of size × S0·e^{μ t_k} × 0.001/8, size = 10000 × 0.5 × 2 / 50000 = 0.2
    let closed = 0;
    for (let k = 1; k <= 72; k++) closed += 0.2 * 50000 * Math.exp((8 * k) / 8760) * 0.001 / 8;
    for (const m of [0, 1]) {
      expect(fine[m]).toBeCloseTo(closed, 2);
      expect(coarse[m] / fine[m] - 1).toBeLessThan(1e-6);
      expect(coarse[m] / fine[m] - 1).toBeGreaterThan(-1e-6);
      expect(Math.abs(eightHour[m] / fine[m] - 1)).toBeLessThan(1e-6);
    }
  });
});
