import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account } from "../../src/margin/index.ts";

// Binance: taker 0.05 %, BTC/ETH bracket 1 mmr 0.4 %.
function longBtcThenFall(check: "point" | "segment"): Account {
  const acc = new Account({ venue: getVenue("binance"), balance: 10_000, symbols: ["BTCUSDT", "ETHUSDT"] });
  expect(acc.trade(0, "BTCUSDT", "long", 1, 50_000, { leverage: 10 })).toBe("filled"); // fee 25 → wallet 9,975
  // BTC falls to 42k: equity 9,975 − 8,000 = 1,975 > maintenance 0.4 % × 42,000 = 168, so no liquidation
  const at42 = new Float64Array([42_000, 3_000]);
  const n = check === "point" ? acc.checkLiquidations(1, at42) : acc.checkSegment(0, 1, new Float64Array([50_000, 3_000]), at42);
  expect(n).toBe(0);
  expect(acc.equity(at42)).toBe(1_975);
  return acc;
}

describe("margin checks of new orders use the latest prices the account has seen", () => {
  for (const check of ["point", "segment"] as const) {
    it(`after a ${check} check moved BTC 50k → 42k, an ETH order needing 4,000 of initial margin is refused`, () => {
      const acc = longBtcThenFall(check);
      // free = 1,975 − 42,000 / 10 = −2,225 < 4 × 3,000 / 3 + fee 6 (at the fill price 50k it would have been 4,975)
      expect(acc.trade(2, "ETHUSDT", "long", 4, 3_000, { leverage: 3 })).toBe("insufficient-margin");
      expect(acc.position("ETHUSDT")).toBeNull();
      expect(acc.walletBalance).toBe(9_975);
    });
  }

  it("the same order fills once BTC is back at 50k (free 9,975 − 5,000 = 4,975 ≥ 4,006)", () => {
    const acc = longBtcThenFall("point");
    acc.checkLiquidations(2, new Float64Array([50_000, 3_000]));
    expect(acc.trade(3, "ETHUSDT", "long", 4, 3_000, { leverage: 3 })).toBe("filled");
  });

  it("adding isolated margin is checked at the latest prices too", () => {
    const acc = new Account({ venue: getVenue("binance"), balance: 10_000, symbols: ["BTCUSDT", "ETHUSDT"] });
    acc.trade(0, "ETHUSDT", "long", 1, 3_000, { mode: "isolated", leverage: 10 }); // fee 1.5, margin 300 → wallet 9,698.5
    acc.trade(0, "BTCUSDT", "long", 1, 50_000, { leverage: 10 }); // fee 25 → wallet 9,673.5
    acc.checkLiquidations(1, new Float64Array([42_000, 3_000]));
    // free = 9,673.5 − 8,000 − 4,200 = −2,526.5: nothing may leave the cross wallet
    expect(acc.addMargin(2, "ETHUSDT", 100)).toBe("insufficient-margin");
    // a funding settlement at 50k also brings BTC's latest price back: free = 9,673.5 − 5,000 = 4,673.5
    acc.settleFunding("BTCUSDT", 0, 50_000, 3);
    expect(acc.addMargin(4, "ETHUSDT", 100)).toBe("filled");
    expect(acc.position("ETHUSDT")!.margin).toBe(400);
  });
});
