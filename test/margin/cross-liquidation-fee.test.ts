import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account, type EngineEvent } from "../../src/margin/index.ts";

// custom venue: flat mmr 0.5 %, no trading fee, full liquidation with a clearance fee.
// 2,000 of wallet; cross BTC long 1 @ 50,000 and ETH short 10 @ 3,000, both 50x.
// At BTC 47,800 / ETH 2,950: uPnL −2,200 + 500 → equity 300 < maintenance 0.5 % × (47,800 + 29,500) = 386.5.
function liquidate(liquidationFee: number, symbols: string[]) {
  const venue = getVenue({ name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee });
  const events: EngineEvent[] = [];
  const acc = new Account({ venue, balance: 2_000, symbols, events: (e) => events.push(e) });
  acc.trade(0, "BTC", "long", 1, 50_000, { leverage: 50 });
  acc.trade(0, "ETH", "short", 10, 3_000, { leverage: 50 });
  const px = new Float64Array(symbols.map((s) => (s === "BTC" ? 47_800 : 2_950)));
  expect(acc.checkLiquidations(1, px)).toBe(1);
  expect(acc.positions()).toEqual([]);
  const fees = new Map(events.filter((e) => e.type === "fee" && e.detail === "liquidation").map((e) => [e.symbol, -e.amount]));
  return { acc, fees };
}

describe("cross liquidation fee: on the total liquidated, capped once, whatever the slot order", () => {
  for (const order of [["BTC", "ETH"], ["ETH", "BTC"]]) {
    it(`uncapped (0.2 %), slots ${order.join(", ")}: fee 0.2 % × (47,800 + 29,500) = 154.6, wallet 300 − 154.6`, () => {
      const { acc, fees } = liquidate(0.002, order);
      expect(fees.get("BTC")).toBeCloseTo(95.6, 8);
      expect(fees.get("ETH")).toBeCloseTo(59, 8);
      expect(acc.walletBalance).toBeCloseTo(145.4, 8);
    });

    it(`capped (1 %), slots ${order.join(", ")}: fee min(773, 300) = 300, split 478 : 295`, () => {
      const { acc, fees } = liquidate(0.01, order);
      expect(fees.get("BTC")! + fees.get("ETH")!).toBeCloseTo(300, 8);
      expect(fees.get("BTC")).toBeCloseTo((300 * 478) / 773, 7);
      expect(acc.walletBalance).toBe(0);
      expect(acc.ledger.totals().badDebt).toBe(0);
    });
  }
});
