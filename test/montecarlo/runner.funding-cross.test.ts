import { describe, expect, it } from "vitest";
import { FIELD } from "../../src/stress/pathResult.ts";
import { PATH_FIELDS } from "../../src/stress/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";

const venue = { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 };

describe("runner: funding drain on a static position (price held still: vol 1e-6)", () => {
  // 10x long, 100,000 notional on 10,000 of margin, maintenance 500. Funding 0.9 % per 8h settled every
  // 8 h costs 900 a settlement: after 10 the margin is 1,000, after 11 it is 100 < 500 → liquidated at hour 88.
  for (const mode of ["isolated", "cross"] as const) {
    it(`${mode}: liquidated at the 11th settlement (hour 88), 9,900 paid, 100 left`, async () => {
      const { config } = parseStressConfig({
        venue, initialBalance: 10000,
        portfolio: [{ symbol: "BTC", side: "long", leverage: 10, weight: 1 }],
        model: { type: "gbm", assets: { BTC: { price: 50000, vol: 1e-6 } } },
        funding: { type: "constant", ratePer8h: 0.009, settleEveryHours: 8 },
        horizonHours: 120, stepMinutes: 60, paths: 3, seed: 5, modes: [mode],
      }, "test");
      const r = await simulateAll(config, { workers: 1 });
      for (let p = 0; p < 3; p++) {
        const at = p * PATH_FIELDS;
        expect(r[at + FIELD.liquidated]).toBe(1);
        expect(r[at + FIELD.liquidationHour]).toBe(88);
        expect(r[at + FIELD.fundingPaid]).toBeCloseTo(9900, 0);
        expect(r[at + FIELD.terminalEquity]).toBeCloseTo(100, 0);
        expect(r[at + FIELD.badDebt]).toBe(0);
      }
    });
  }
});

describe("runner: the cross account's D-bridge makes the step size irrelevant", () => {
  // Long BTC + long ETH at 10x in cross (ρ = 0.8): liquidation is a first passage of equity − maintenance.
  // 5-minute steps are near-continuous monitoring; 48-hour steps (five for the horizon) must agree within 4 standard errors of
  // the difference of two independent estimates (checking only the step ends shifts the barrier by about 0.58·σ√Δt ≈ 3 % here: a large share missed).
  const paths = 2000;
  const probability = async (stepMinutes: number, seed: number) => {
    const { config } = parseStressConfig({
      venue, initialBalance: 10000,
      portfolio: [{ symbol: "BTC", side: "long", leverage: 10, weight: 0.5 }, { symbol: "ETH", side: "long", leverage: 10, weight: 0.5 }],
      model: { type: "gbm", assets: { BTC: { price: 50000, vol: 0.6 }, ETH: { price: 3000, vol: 0.8 } }, correlation: [[1, 0.8], [0.8, 1]] },
      funding: { type: "none" }, horizonHours: 240, stepMinutes, paths, seed, modes: ["cross"],
    }, "test");
    const r = await simulateAll(config, { workers: 1 });
    let k = 0;
    for (let p = 0; p < paths; p++) k += r[p * PATH_FIELDS + FIELD.liquidated];
    return k / paths;
  };

  it("48-hour steps match 5-minute steps", async () => {
    const fine = await probability(5, 21);
    const coarse = await probability(2880, 22);
    expect(fine).toBeGreaterThan(0.15);
    expect(fine).toBeLessThan(0.85);
    const se = Math.sqrt((2 * fine * (1 - fine)) / paths);
    expect(Math.abs(coarse - fine)).toBeLessThan(4 * se);
  }, 60_000);
});
