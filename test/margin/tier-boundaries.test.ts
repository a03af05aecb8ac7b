import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account, liquidationPrice, liquidationPriceF, maintenanceRule } from "../../src/margin/index.ts";

const binance = getVenue("binance");
const rule = maintenanceRule(binance, "BTCUSDT");

// Binance BTCUSDT brackets: 0–300k 0.4 % cum 0; 300k–800k 0.5 % cum 300; 0.8M–3M 0.65 % cum 1,500; 3M–12M 1 % cum 12,000;
// … 1,200M–1,800M 50 % cum 421,482,000 (the last one).
describe("the float and decimal liquidation solvers pick the same tier", () => {
  // margin chosen so the excess M + q (P − E) − MM(P) is zero exactly at P = 30,000, a bracket floor / size
  const cases = [
    { name: "300k floor", size: 10, entry: 40_000, margin: 10 * 10_000 + (300_000 * 0.005 - 300) }, // 101,200
    { name: "3M floor", size: 100, entry: 40_000, margin: 100 * 10_000 + (3_000_000 * 0.01 - 12_000) }, // 1,018,000
  ];
  for (const c of cases) {
    it(`root exactly on the ${c.name}: both give 30,000, and agree a cent either side`, () => {
      const q = (margin: number) => liquidationPrice(binance, { symbol: "BTCUSDT", side: "long", size: c.size, entryPrice: c.entry, margin, mode: "isolated" }).liquidationPrice!;
      expect(q(c.margin)).toBeCloseTo(30_000, 9);
      expect(liquidationPriceF(rule, 1, c.size, c.entry, c.margin)).toBeCloseTo(30_000, 8);
      for (const d of [-0.01, -1e-7, 1e-7, 0.01]) {
        const f = liquidationPriceF(rule, 1, c.size, c.entry, c.margin + d);
        expect(Math.abs(f - 30_000)).toBeLessThan(0.01); // ΔP = Δmargin / (q (1 − mmr)) ≤ 0.001
        expect(f).toBeCloseTo(q(c.margin + d), 6);
      }
    });
  }

  it("a short whose liquidation notional passes the last bracket's cap is priced in the last bracket", () => {
    // 30,000 BTC short at 50,000 (1.5B, last bracket, 1x), margin 1.5B: notional at liquidation > 1.8B.
    // (1.5B + 421,482,000 + 1.5B) / (30,000 × 0.5 + 30,000) = 3,421,482,000 / 45,000 = 76,032.9333…
    const want = 3_421_482_000 / 45_000;
    const calc = liquidationPrice(binance, { symbol: "BTCUSDT", side: "short", size: 30_000, entryPrice: 50_000, margin: 1.5e9, mode: "isolated" });
    expect(calc.liquidationPrice!).toBeCloseTo(want, 6);
    expect(liquidationPriceF(rule, -1, 30_000, 50_000, 1.5e9)).toBeCloseTo(want, 6);
    // and the engine liquidates there
    const acc = new Account({ venue: binance, balance: 2e9, symbols: ["BTCUSDT"] });
    expect(acc.trade(0, "BTCUSDT", "short", 30_000, 50_000, { mode: "isolated", leverage: 1 })).toBe("filled");
    expect(acc.checkLiquidations(1, new Float64Array([76_032.9]))).toBe(0);
    expect(acc.checkLiquidations(2, new Float64Array([76_033]))).toBe(1);
  });
});
