import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account, type EngineEvent } from "../../src/margin/index.ts";

describe("creditFunding: posting a funding amount computed elsewhere", () => {
  it("isolated: comes out of the position's margin and its liquidation price moves by paid / (q (1 − mmr))", () => {
    const events: EngineEvent[] = [];
    const acc = new Account({ venue: getVenue("binance"), balance: 10_000, symbols: ["SOLUSDT"], events: (e) => events.push(e) });
    acc.trade(0, "SOLUSDT", "long", 100, 150, { mode: "isolated", leverage: 5 }); // margin 3,000; Binance's SOLUSDT bracket 1 (2024-10-24 table): mmr 0.5 %
    // LP = (M − q E) / (q mmr − q) = (3,000 − 15,000) / (0.5 − 100) = 120.6030…
    expect(acc.liquidationPrice("SOLUSDT")!).toBeCloseTo(12_000 / 99.5, 9);
    const wallet = acc.walletBalance;
    expect(acc.creditFunding(3_600_000, "SOLUSDT", -15, 151)).toBe(-15);
    expect(acc.position("SOLUSDT")!.margin).toBe(2_985);
    expect(acc.walletBalance).toBe(wallet);
    expect(acc.liquidationPrice("SOLUSDT")!).toBeCloseTo(12_015 / 99.5, 9);
    expect(events.at(-1)).toMatchObject({ time: 3_600_000, type: "funding", symbol: "SOLUSDT", side: "long", size: 100, price: 151, amount: -15 });
  });

  it("cross: goes to the wallet, rounded to the venue's settlement precision", () => {
    const acc = new Account({ venue: getVenue("binance"), balance: 10_000, symbols: ["ETHUSDT"] });
    acc.trade(0, "ETHUSDT", "short", 1, 3_000, { leverage: 10 }); // fee 1.5
    expect(acc.walletBalance).toBe(9_998.5);
    expect(acc.creditFunding(1, "ETHUSDT", 1 / 3)).toBe(0.33333333); // USDT: 8 decimals
    expect(acc.walletBalance).toBe(9_998.83333333);
    expect(acc.ledger.totals().funding).toBe(0.33333333);
  });

  it("a flat symbol receives nothing; a non-finite amount is refused", () => {
    const acc = new Account({ venue: getVenue("binance"), balance: 1_000, symbols: ["BTCUSDT"] });
    expect(acc.creditFunding(0, "BTCUSDT", 5)).toBe(0);
    expect(acc.walletBalance).toBe(1_000);
    acc.trade(0, "BTCUSDT", "long", 0.01, 50_000, { leverage: 10 });
    expect(() => acc.creditFunding(0, "BTCUSDT", Number.NaN)).toThrow(/funding amount must be a finite number/);
  });
});
