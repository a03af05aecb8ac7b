import { describe, expect, it } from "vitest";
import { Account, type EngineEvent } from "../../src/margin/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { runBacktest } from "../../src/backtest/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { PATH_FIELDS } from "../../src/stress/index.ts";
import { handMarket } from "../backtest/hand.ts";

/**
 * Binance's liquidation fee is the symbol's own rate (exchangeInfo `liquidationFee`: LTCUSDT 0.015,
 * BTCUSDT 0.0125 as recorded; SOLUSDT none recorded, so the 0.5 % default), charged "on the amount
 * liquidated only", and "if the user is margin compliant after calculating the realized losses and
 * liquidation fee deductions" what is left stays the trader's (shared/reference/margin-rules.md §2.4).
 * The figures below are computed by hand from Binance's rules and brackets, not read from the engine.
 */
const binance = getVenue("binance");
const T = Date.UTC(2026, 5, 1); // LTCUSDT and SOLUSDT on the 2024-10-24 brackets, BTCUSDT on 2026-03-05

// An isolated LTCUSDT long: 2,000 LTC at 100 (200,000 notional), 10x: 20,000 of margin. Its bracket at
// the liquidation price is 100k–750k: maintenance 2 % − 800 (cum). Binance's one-way isolated formula,
// LP = (WB + cum − q·EP) / (q·MMR − q) = (20,000 + 800 − 200,000) / (2,000 × 0.02 − 2,000):
const Q = 2_000;
const LP = (20_000 + 800 - Q * 100) / (Q * 0.02 - Q); // 91.428571…
const NOTIONAL_AT_LP = Q * LP; // 182,857.14…, inside 100k–750k
const LEFT = 20_000 + Q * (LP - 100); // margin + realised loss = the maintenance at LP, 2,857.14…
const LTC_FEE = 0.015 * NOTIONAL_AT_LP; // 2,742.857…: LTCUSDT's own rate
const RETURNED = LEFT - LTC_FEE; // 114.2857…, back to the wallet (the 0.5 % default would have returned 1,942.86)
const OPEN_FEE = 0.0005 * Q * 100; // taker 0.05 % on 200,000 = 100

describe("Binance's per-symbol liquidation fee, by hand from its rules", () => {
  it("the hand figures: LP 91.4286, maintenance left 2,857.14, fee 1.5 % = 2,742.86, 114.29 returned", () => {
    expect(LP).toBeCloseTo(91.428571428571, 9);
    expect(LEFT).toBeCloseTo(NOTIONAL_AT_LP * 0.02 - 800, 6); // liquidated exactly when margin = maintenance
    expect(RETURNED).toBeCloseTo(114.285714, 5);
  });

  it("margin engine: an isolated LTCUSDT long liquidated at 91.4286 pays 1.5 % of the notional and gets 114.29 back", () => {
    const events: EngineEvent[] = [];
    const acc = new Account({ venue: binance, balance: 30_000, symbols: ["LTCUSDT"], events: (e) => events.push(e) });
    acc.trade(T, "LTCUSDT", "long", Q, 100, { leverage: 10, mode: "isolated" });
    expect(acc.walletBalance).toBeCloseTo(30_000 - 20_000 - OPEN_FEE, 9);
    expect(acc.checkSegment(T, T + 3_600_000, [100], [85])).toBe(1);
    const liq = events.find((e) => e.type === "liquidation" && e.size > 0)!;
    expect(liq.price).toBeCloseTo(LP, 9);
    const fee = events.find((e) => e.type === "fee" && e.detail === "liquidation")!;
    expect(-fee.amount).toBeCloseTo(LTC_FEE, 6);
    expect(acc.walletBalance).toBeCloseTo(30_000 - 20_000 - OPEN_FEE + RETURNED, 6);
    expect(acc.positions()).toEqual([]);
  });

  it("margin engine, cross: each position's fee at its own rate (BTCUSDT 1.25 %, SOLUSDT the 0.5 % default), capped once at what is left, split pro rata", () => {
    // 10,000 of wallet; BTC long 1 @ 100,000 and SOL long 100 @ 200; taker fees 0.05 % × 120,000 = 60.
    // At BTC 92,000 / SOL 181: equity 9,940 − 8,000 − 1,900 = 40 < maintenance 0.4 % × 92,000 + 0.5 % × 18,100 = 458.5.
    // Fees due: 1.25 % × 92,000 = 1,150 and 0.5 % × 18,100 = 90.5; only the 40 left is charged, shared 1,150 : 90.5.
    const events: EngineEvent[] = [];
    const acc = new Account({ venue: binance, balance: 10_000, symbols: ["BTCUSDT", "SOLUSDT"], events: (e) => events.push(e) });
    acc.trade(T, "BTCUSDT", "long", 1, 100_000, { leverage: 50 });
    acc.trade(T, "SOLUSDT", "long", 100, 200, { leverage: 20 });
    expect(acc.checkLiquidations(T + 1, [92_000, 181])).toBe(1);
    const fees = new Map(events.filter((e) => e.type === "fee" && e.detail === "liquidation").map((e) => [e.symbol, -e.amount]));
    expect(fees.get("BTCUSDT")).toBeCloseTo((40 * 1_150) / 1_240.5, 8); // 37.08 (one rate for both would give 33.42)
    expect(fees.get("SOLUSDT")).toBeCloseTo((40 * 90.5) / 1_240.5, 8);
    expect(acc.walletBalance).toBeCloseTo(0, 9);
  });

  it("backtest: the hold strategy's isolated LTCUSDT leg liquidated on a wick ends at 20,014.29 (40,000 − 20,000 − 100 + 114.29)", async () => {
    const hold = await loadStrategy("hold");
    const flat: [number, number, number, number] = [100, 100, 100, 100];
    const market = handMarket(T, 3_600_000, [{ symbol: "LTCUSDT", rows: [flat, flat, [100, 100, 85, 90], [90, 90, 90, 90]] }]);
    const r = runBacktest({
      market, venue: binance, strategy: hold, balance: 40_000, modes: ["isolated"],
      params: { legs: [{ symbol: "LTCUSDT", side: "long", leverage: 10, weight: 0.5 }] },
    });
    const run = r.runs[0];
    expect(run.run.liquidations).toHaveLength(1);
    expect(run.run.finalEquity).toBeCloseTo(40_000 - 20_000 - OPEN_FEE + RETURNED, 6);
    expect(run.run.liquidationLosses).toBeCloseTo(20_000 - LEFT + LTC_FEE, 6); // realised loss 17,142.86 + fee 2,742.86
    const fee = run.events.find((e) => e.type === "fee" && e.detail === "liquidation")!;
    expect(-fee.amount).toBeCloseTo(LTC_FEE, 6);
  });

  it("stress: every path whose isolated LTCUSDT leg is liquidated ends at the same 20,014.29", async () => {
    const { config } = parseStressConfig({
      venue: "binance", initialBalance: 40_000,
      portfolio: [{ symbol: "LTCUSDT", side: "long", leverage: 10, weight: 0.5 }],
      model: { type: "gbm", assets: { LTCUSDT: { price: 100, vol: 2 } } },
      funding: { type: "none" }, horizonHours: 48, stepMinutes: 60, paths: 200, seed: 5, modes: ["isolated"],
    }, "test");
    const results = await simulateAll(config, { workers: 1 });
    let liquidated = 0;
    for (let p = 0; p < 200; p++) {
      const row = results.subarray(p * PATH_FIELDS, (p + 1) * PATH_FIELDS);
      if (!row[FIELD.liquidated]) continue;
      liquidated++;
      expect(row[FIELD.terminalEquity]).toBeCloseTo(40_000 - 20_000 - OPEN_FEE + RETURNED, 6);
    }
    expect(liquidated).toBeGreaterThan(20);
  }, 60_000);
});
