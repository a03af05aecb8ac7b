import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account, liquidationPrice, maintenanceMargin, maintenanceRule, maxLeverageAt } from "../../src/margin/index.ts";
import { InputError } from "../../src/market/errors.ts";

// Binance BTCUSDT bracket 4: 3M ≤ notional < 12M, 50x, mmr 1 %, cum 12,000 (margin-rules.md §2.1)
const binance = getVenue("binance");
const big = { symbol: "BTCUSDT", side: "long" as const, size: 200, entryPrice: 50_000, mode: "isolated" as const, leverage: 20 };

describe("maxLeverage caps leverage; only Hyperliquid derives maintenance from it", () => {
  it("Binance 200 BTC at 50k: maintenance 10M × 1 % − 12,000 = 88,000 with or without --max-leverage 20", () => {
    expect(liquidationPrice(binance, big).maintenanceMargin).toBe(88_000);
    expect(liquidationPrice(binance, { ...big, maxLeverage: 20 }).maintenanceMargin).toBe(88_000);
    const rule = maintenanceRule(binance, "BTCUSDT", { maxLeverage: 20 });
    expect(maintenanceMargin(rule, 200, 50_000, 50_000)).toBe(88_000);
    // and the liquidation price stays bracket 4's: (500,000 + 12,000 − 10M) / (200 × 0.01 − 200) = 47,919.19
    expect(liquidationPrice(binance, { ...big, maxLeverage: 20 }).liquidationPrice!).toBeCloseTo(9_488_000 / 198, 9);
  });

  it("the cap lowers the bracket's maximum but never raises it", () => {
    const capped = maintenanceRule(binance, "BTCUSDT", { maxLeverage: 20 });
    expect(maxLeverageAt(capped, 10_000_000)).toBe(20); // bracket says 50
    expect(maxLeverageAt(capped, 250_000_000)).toBe(5); // bracket 230M–480M: 5x, below the cap
    expect(() => liquidationPrice(binance, { ...big, leverage: 25, maxLeverage: 20 })).toThrow(/leverage 25 is above Binance USD-M's maximum 20x/);
    const acc = new Account({ venue: binance, balance: 1_000_000, symbols: ["BTCUSDT"] });
    expect(() => acc.trade(0, "BTCUSDT", "long", 200, 50_000, { mode: "isolated", leverage: 25, maxLeverage: 20 })).toThrow(InputError);
    expect(acc.trade(0, "BTCUSDT", "long", 200, 50_000, { mode: "isolated", leverage: 20, maxLeverage: 20 })).toBe("filled");
    expect(acc.maintenanceMargin("BTCUSDT", 50_000)).toBe(88_000);
  });

  it("Hyperliquid still sets mmr = 1 / (2 × maxLeverage): 50x → 1 %", () => {
    const rule = maintenanceRule(getVenue("hyperliquid"), "ETH", { maxLeverage: 50 });
    expect(maintenanceMargin(rule, 10, 3_000, 3_000)).toBeCloseTo(300, 9);
    expect(maxLeverageAt(rule, 30_000)).toBe(50);
  });
});
