import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account } from "../../src/margin/index.ts";

describe("the account's position store", () => {
  it("holds the positions in place by slot, and its version moves on every change", () => {
    const acc = new Account({ venue: getVenue("binance"), balance: 10_000, symbols: ["BTCUSDT", "ETHUSDT"], ledger: "fast" });
    const st = acc.store;
    const v0 = st.version;
    acc.trade(0, "ETHUSDT", "short", 2, 3_000, { mode: "isolated", leverage: 5 });
    expect([st.dir[0], st.dir[1], st.size[1], st.entry[1], st.isolated[1], st.open, st.crossOpen]).toEqual([0, -1, 2, 3_000, 1, 1, 0]);
    expect(st.margin[1]).toBe(1_200); // 6,000 / 5
    // short isolated on Binance's first ETH bracket (0.4 %): (1,200 + 6,000) / (2 × 0.004 + 2) = 3,585.66
    expect(st.liq[1]).toBeCloseTo(7_200 / 2.008, 9);
    expect(st.version).toBeGreaterThan(v0);
    const v1 = st.version;
    acc.trade(1, "BTCUSDT", "long", 0.1, 50_000, { leverage: 10 });
    expect(st.version).toBeGreaterThan(v1);
    expect([st.dir[0], st.open, st.crossOpen]).toEqual([1, 2, 1]);
    acc.close(2, "ETHUSDT", 3_000);
    expect([st.dir[1], st.size[1], st.margin[1], st.open]).toEqual([0, 0, 0, 1]);
  });

  it("accrued funding moves an isolated margin and its liquidation price at once, and posts one amount to the ledger", () => {
    const acc = new Account({ venue: getVenue("binance"), balance: 10_000, symbols: ["BTCUSDT"], ledger: "fast" });
    acc.trade(0, "BTCUSDT", "long", 0.2, 50_000, { mode: "isolated", leverage: 10 }); // margin 1,000
    const st = acc.store;
    for (let k = 1; k <= 3; k++) acc.accrueFunding(0, 10, 50_000, k * 3_600_000);
    expect(st.margin[0]).toBe(970);
    // long on the 0.4 % bracket: (970 − 10,000) / (0.2 × 0.004 − 0.2) = 9,030 / 0.1992
    expect(st.liq[0]).toBeCloseTo(9_030 / 0.1992, 6);
    expect(acc.ledger.totals().funding).toBe(0); // nothing posted yet
    acc.postFunding();
    expect(acc.ledger.totals().funding).toBe(-30);
    expect(st.margin[0]).toBe(970);
    expect(acc.liquidationPrice("BTCUSDT")).toBeCloseTo(9_030 / 0.1992, 6);
  });
});
