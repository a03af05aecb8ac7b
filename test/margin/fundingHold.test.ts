import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { Account, FundingHold, type EngineEvent } from "../../src/margin/index.ts";

/*
 * A funding hold (Account.holdFunding / releaseFunding): a per-step loop accrues on its own copies and
 * hands them back in one go. Checked against the venue's closed form for the isolated trigger, and
 * against the same payments accrued through the account one by one (accrueFunding), float for float.
 */

const custom = { name: "custom" as const, maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 };

describe("funding hold", () => {
  it("isolated long on a flat rule: the held trigger moves to the closed form (M − P − qE) / (q mmr − q)", () => {
    const acc = new Account({ venue: getVenue(custom), balance: 10_000, symbols: ["SOL"], ledger: "fast" });
    acc.trade(0, "SOL", "long", 100, 150, { mode: "isolated", leverage: 5 }); // margin 3,000, mmr 0.5 %
    expect(acc.liquidationPrice("SOL")!).toBeCloseTo(12_000 / 99.5, 9);
    const h = new FundingHold(1);
    acc.holdFunding(h);
    h.accrue(0, 10, 151, 3_600_000);
    h.accrue(0, 5, 152, 7_200_000);
    expect(h.marginAt(0)).toBe(2_985);
    expect(h.liqAt(0)).toBeCloseTo(12_015 / 99.5, 9); // (2,985 − 15,000) / (0.5 − 100)
    expect(acc.position("SOL")!.margin).toBe(3_000); // the account is stale until the release
    acc.releaseFunding(h);
    expect(acc.position("SOL")!.margin).toBe(2_985);
    expect(acc.liquidationPrice("SOL")).toBe(h.liqAt(0));
    acc.postFunding();
    expect(acc.ledger.totals().funding).toBe(-15);
  });

  it("cross short: the held wallet pays, the posted wallet stays until the release", () => {
    const acc = new Account({ venue: getVenue(custom), balance: 10_000, symbols: ["ETH"], ledger: "fast" });
    acc.trade(0, "ETH", "short", 2, 3_000, { leverage: 10 });
    const h = new FundingHold(1);
    acc.holdFunding(h);
    h.accrue(0, -0.6, 3_000, 3_600_000); // a short receives at a positive rate
    expect(h.wallet).toBe(10_000.6);
    expect(h.walletBeforeAccrual).toBe(10_000);
    expect(acc.walletBalance).toBe(10_000);
    // D = wallet + q (p − E) − mmr q p on the held wallet: 10,000.6 + 0 − 0.005 × 2 × 3,000
    expect(acc.crossExcess([3_000], h.wallet)).toBeCloseTo(9_970.6, 9);
    acc.releaseFunding(h);
    expect(acc.walletBalance).toBe(10_000.6);
    expect(acc.postedCrossExcess([3_000])).toBeCloseTo(9_970, 9); // the posted wallet leaves the accrual out
  });

  for (const venue of ["binance", "bybit", "hyperliquid"]) {
    it(`${venue}: the same floats, events and ledger as accrueFunding one payment at a time`, () => {
      const symbols = ["BTCUSDT", "ETHUSDT"];
      const open = () => {
        const events: EngineEvent[] = [];
        const acc = new Account({ venue: getVenue(venue), balance: 2_000_000, symbols, ledger: "fast", events: (e) => events.push(e) });
        acc.trade(0, "BTCUSDT", "long", 12, 60_000, { mode: "isolated", leverage: 10 }); // 720k: past the first tier
        acc.trade(0, "ETHUSDT", "short", 40, 3_000, { mode: "cross", leverage: 10 });
        return { acc, events };
      };
      const one = open(), held = open();
      const h = new FundingHold(2);
      held.acc.holdFunding(h);
      const pays = [[0, 7.25], [1, -1.5], [0, 3.125], [1, 0.75], [0, -2.5]] as const;
      pays.forEach(([s, paid], k) => {
        one.acc.accrueFunding(s, paid, 59_000 + k, 3_600_000 * (k + 1));
        h.accrue(s, paid, 59_000 + k, 3_600_000 * (k + 1));
      });
      expect(held.acc.store.liq[0]).not.toBe(one.acc.store.liq[0]); // stale while held
      held.acc.releaseFunding(h);
      const a = one.acc.store, b = held.acc.store;
      expect([b.wallet, ...Array.from(b.margin), ...Array.from(b.liq)]).toEqual([a.wallet, ...Array.from(a.margin), ...Array.from(a.liq)]);
      expect(held.acc.postedCrossExcess([59_000, 2_900])).toBe(one.acc.postedCrossExcess([59_000, 2_900]));
      one.acc.checkLiquidations(20_000_000, [59_000, 2_900]); // posts, then checks
      held.acc.checkLiquidations(20_000_000, [59_000, 2_900]);
      expect(held.events).toEqual(one.events);
      expect(held.acc.ledger.totals()).toEqual(one.acc.ledger.totals());
    });
  }
});
