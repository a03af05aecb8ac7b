import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { accountLiquidationPrices, compareModes, liquidationPrice } from "../../src/margin/index.ts";

describe("margin-rules.md §6 worked examples through the calculator", () => {
  it("HL-1: Hyperliquid isolated ETH long → 2,866.27 (unrounded: (2986.3 − 4.981226/0.0335) / 0.99)", () => {
    const q = liquidationPrice(getVenue("hyperliquid"), {
      symbol: "ETH", side: "long", size: 0.0335, entryPrice: 2986.3, margin: 4.981226, maxLeverage: 50, mode: "isolated",
    });
    expect(q.liquidationPrice!).toBeCloseTo((2986.3 - 4.981226 / 0.0335) / 0.99, 9);
  });

  it("HL-1 stated at the mark: margin 4.967826 at mark 2985.90 gives the documented 2866.2694 ± rounding", () => {
    // liq = price − side × margin_available / size / (1 − l): with entry = mark and the API's marginUsed
    const q = liquidationPrice(getVenue("hyperliquid"), {
      symbol: "ETH", side: "long", size: 0.0335, entryPrice: 100.02765 / 0.0335, margin: 4.967826, maxLeverage: 50, mode: "isolated",
    });
    expect(Math.abs(q.liquidationPrice! - 2866.26936529)).toBeLessThan(0.01);
  });

  it("BY-1: Bybit isolated 1 BTC long at 20,000, 50x, MMR 0.5 % → 19,700; IM 400, MM 100", () => {
    const q = liquidationPrice(getVenue("bybit"), { symbol: "BTCUSDT", side: "long", size: 1, entryPrice: 20_000, leverage: 50, mmr: 0.005, mode: "isolated" });
    expect(q.liquidationPrice).toBe(19_700);
    expect(q.maintenanceMargin).toBe(100);
    expect(q.bankruptcyPrice).toBe(19_600); // Entry × (1 − 1/leverage)
  });

  it("BY-1 uses the venue's own first tier (0.5 % to 2M) without an override", () => {
    const q = liquidationPrice(getVenue("bybit"), { symbol: "BTCUSDT", side: "long", size: 1, entryPrice: 20_000, leverage: 50, mode: "isolated" });
    expect(q.liquidationPrice).toBe(19_700);
  });

  it("DY-1: dYdX short 3 ETH at 3,000 with 1,000 equity, MMF 5 % → 3,174.60", () => {
    const q = liquidationPrice(getVenue("dydx"), { symbol: "ETH-USD", side: "short", size: 3, entryPrice: 3000, margin: 1000, mmr: 0.05, mode: "isolated" });
    expect(q.liquidationPrice!).toBeCloseTo(10_000 / 3.15, 9); // 3,174.603…
    // equity at liquidation = 3 × 3,174.6 × 0.05 ≈ 476.2
    expect(1000 - 3 * (q.liquidationPrice! - 3000)).toBeCloseTo(3 * q.liquidationPrice! * 0.05, 9);
  });

  it("classic example: $10,000 account, BTC at $50,000, 10x, $1,000 margin on Binance", () => {
    const [cross, isolated] = compareModes(getVenue("binance"), { symbol: "BTCUSDT", side: "long", size: 0.2, entryPrice: 50_000, leverage: 10 }, 10_000);
    // isolated, first bracket (0.4 %, cum 0): (1000 − 10000) / (0.2 × 0.004 − 0.2) = 45,180.72
    expect(isolated).toMatchObject({ mode: "isolated", bankruptcyPrice: 45_000, maintenanceMargin: 40 });
    expect(isolated.liquidationPrice!).toBeCloseTo(9000 / 0.1992, 9);
    expect(isolated.distancePct!).toBeCloseTo(((50_000 - 9000 / 0.1992) / 50_000) * 100, 9); // 9.6386 %
    expect(cross).toMatchObject({ mode: "cross", liquidationPrice: null, bankruptcyPrice: null, distancePct: null });
  });

  it("Binance one-way cross: other positions' PnL and maintenance enter (WB − TMM1 + UPNL1)", () => {
    // BTC long 1 @ 50,000 cross; ETH short 10 @ 3,000 marked at 3,100 (uPnL −1,000, MM 0.4 % × 31,000 = 124); wallet 8,000
    const [btc] = accountLiquidationPrices(getVenue("binance"), 8_000, [
      { symbol: "BTCUSDT", side: "long", size: 1, entryPrice: 50_000, mode: "cross", leverage: 20 },
      { symbol: "ETHUSDT", side: "short", size: 10, entryPrice: 3_000, markPrice: 3_100, mode: "cross", leverage: 20 },
    ]);
    // (8000 − 124 − 1000 − 50000) / (1 × 0.004 − 1) = 43,124 / 0.996 = 43,297.19 (bracket 1: notional 43k < 300k)
    expect(btc.liquidationPrice!).toBeCloseTo(43_124 / 0.996, 9);
  });

  it("tiers are iterated: a large Binance position is priced in the bracket of its notional at liquidation", () => {
    // 10 BTC long @ 40,000 isolated with 100,000 margin: notional 400k at entry (bracket 2), ≈ 300k at liquidation.
    const q = liquidationPrice(getVenue("binance"), { symbol: "BTCUSDT", side: "long", size: 10, entryPrice: 40_000, margin: 100_000, mode: "isolated" });
    // bracket 1 candidate: (100000 − 400000)/(10×0.004 − 10) = 30,120.48 → notional 301,204.8 ≥ 300k: not bracket 1
    // bracket 2: (100000 + 300 − 400000)/(10×0.005 − 10) = 30,120.60 → notional 301,206 in [300k, 800k)
    expect(q.liquidationPrice!).toBeCloseTo(299_700 / 9.95, 9);
  });

  it("never gives a negative price", () => {
    const q = liquidationPrice(getVenue("hyperliquid"), { symbol: "BTC", side: "long", size: 0.1, entryPrice: 50_000, margin: 5_000, mode: "isolated" });
    expect(q.liquidationPrice).toBeNull();
    expect(q.bankruptcyPrice).toBeNull();
  });
});
