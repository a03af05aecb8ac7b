import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account, type EngineEvent } from "../../src/margin/index.ts";

// custom venue: flat mmr 0.5 %, taker 0.05 %
const venue = getVenue({ name: "custom", maintenanceMarginRate: 0.005, takerFee: 0.0005, liquidationFee: 0.01 });

describe("reducing an isolated position (voluntary)", () => {
  it("a losing half-close releases half the margin and books the loss to the wallet: the liquidation price does not move", () => {
    const events: EngineEvent[] = [];
    const acc = new Account({ venue, balance: 10_000, symbols: ["BTC"], events: (e) => events.push(e) });
    acc.trade(0, "BTC", "long", 1, 50_000, { mode: "isolated", margin: 5_000 }); // fee 25 → wallet 4,975
    // LP = (M − qE) / (q mmr − q) = (5,000 − 50,000) / (0.005 − 1) = 45,226.13…
    expect(acc.liquidationPrice("BTC")!).toBeCloseTo(45_000 / 0.995, 6);
    acc.reduce(1, "BTC", 0.5, 47_000); // realised 0.5 × (47,000 − 50,000) = −1,500; fee 11.75
    const pos = acc.position("BTC")!;
    expect(pos.size).toBe(0.5);
    expect(pos.margin).toBe(2_500); // 5,000 × (1 − ½), not (5,000 − 1,500) / 2 = 1,750
    // (2,500 − 25,000) / (0.0025 − 0.5) = 45,226.13…: unchanged (the old rule gave 46,733.67)
    expect(acc.liquidationPrice("BTC")!).toBeCloseTo(45_000 / 0.995, 6);
    // wallet: 4,975 − 1,500 − 11.75 + 2,500 = 5,963.25
    expect(acc.walletBalance).toBe(5_963.25);
    const tail = events.slice(-3).map((e) => [e.type, e.amount]);
    expect(tail).toEqual([["fill", -1_500], ["fee", -11.75], ["margin", -2_500]]);
    // closing the rest at 47k: wallet 5,963.25 − 1,500 − 11.75 + 2,500 = 6,951.5 = 10,000 − 3,000 − 48.5
    acc.close(2, "BTC", 47_000);
    expect(acc.position("BTC")).toBeNull();
    expect(acc.walletBalance).toBe(6_951.5);
  });

  it("funding paid before the reduce stays shared pro rata (the bucket, not the original margin, is split)", () => {
    const acc = new Account({ venue, balance: 10_000, symbols: ["BTC"] });
    acc.trade(0, "BTC", "long", 1, 50_000, { mode: "isolated", margin: 5_000 });
    acc.creditFunding(1, "BTC", -100); // margin 4,900
    const before = acc.liquidationPrice("BTC")!;
    acc.reduce(2, "BTC", 0.25, 51_000); // +250 realised, fee 6.375, 1,225 released
    expect(acc.position("BTC")!.margin).toBe(3_675);
    expect(acc.walletBalance).toBe(4_975 + 250 - 6.375 + 1_225);
    expect(acc.liquidationPrice("BTC")!).toBeCloseTo(before, 6);
  });
});
