/**
 * DESIGN.md §3.6: the exact ledger (decimal.js, every posting rounded half-even to the venue's settlement
 * precision: 8 decimals for Binance's USDT) and the fast ledger (float64, no rounding) agree on a full
 * historical backtest.
 *
 * The bound, and why: both ledgers receive the same operands from the same engine, so they can differ
 * only by the rounding of each posting, at most ½ × 10⁻⁸ each (the float ledger's own error, about
 * |amount| × 2⁻⁵³ ≈ 10⁻¹¹ on these amounts, is a thousand times smaller). After N postings the totals
 * differ by at most N × ½ × 10⁻⁸: for the hedger over 2020-01 … 2026-05 that is about 16,000 postings (cross) →
 * under 10⁻⁴ in money, i.e. within 10⁻⁸ of the 10,000 balance and within 10⁻⁶ relative of the funding
 * and fee totals. The equity the strategy sizes its rebalances from differs by as little, so every
 * decision (trade count, liquidations) must come out the same.
 */
import { describe, expect, it } from "vitest";
import { runBacktest, type BacktestResult } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";

const HALF_UNIT = 0.5e-8; // Binance settles USDT to 8 decimals
const market = await loadMarket({ symbols: ["BTCUSDT", "ETHUSDT"], from: "2020-01-01" });
const hedger = await loadStrategy("hedger");
const run = (ledger: "exact" | "fast"): BacktestResult =>
  runBacktest({ market, venue: getVenue("binance"), strategy: hedger, balance: 10000, ledger, recordEquity: false });
const exact = run("exact");
const fast = run("fast");

describe("exact and fast ledgers on the hedger, BTC/ETH 2020-01 → 2026-05 (real data)", () => {
  it("both ledgers ran the whole history with thousands of postings", () => {
    expect(exact.settings.ledger).toBe("exact");
    expect(fast.settings.ledger).toBe("fast");
    const fundings = exact.runs.map((r) => r.events.filter((e) => e.type === "funding").length);
    // cross holds both legs to the end: two settlements every 8 h for 6.4 years; isolated loses its legs early
    expect(fundings[0]).toBeGreaterThan(2 * 3 * 365 * 6);
    expect(fundings[1]).toBeGreaterThan(100);
  });

  for (const [i, mode] of [[0, "cross"], [1, "isolated"]] as const) {
    it(`${mode}: same decisions; final equity, funding and fees within N × ½·10⁻⁸`, () => {
      const a = exact.runs[i], b = fast.runs[i];
      expect(a.run.mode).toBe(mode);
      expect(b.run.mode).toBe(mode);
      expect(b.run.trades).toBe(a.run.trades);
      expect(b.run.liquidations.map((l) => [l.time, l.symbol])).toEqual(a.run.liquidations.map((l) => [l.time, l.symbol]));
      expect(b.events.map((e) => e.type)).toEqual(a.events.map((e) => e.type));

      const count = (...types: string[]) => a.events.filter((e) => types.includes(e.type)).length;
      const postings = count("fill", "fee", "funding", "liquidation", "bad-debt", "margin", "leverage");
      const within = (x: number, y: number, n: number) => expect(Math.abs(x - y)).toBeLessThanOrEqual(n * HALF_UNIT);
      within(b.run.finalEquity, a.run.finalEquity, postings);
      within(b.run.fundingPaid, a.run.fundingPaid, count("funding"));
      within(b.run.feesPaid, a.run.feesPaid, count("fee", "liquidation"));
      within(b.run.badDebt, a.run.badDebt, count("bad-debt", "liquidation"));
      // the stated relative tolerance, on the totals a user reads
      expect(Math.abs(b.run.fundingPaid - a.run.fundingPaid)).toBeLessThanOrEqual(1e-6 * Math.abs(a.run.fundingPaid));
      expect(Math.abs(b.run.feesPaid - a.run.feesPaid)).toBeLessThanOrEqual(1e-6 * a.run.feesPaid);
      expect(Math.abs(b.run.finalEquity - a.run.finalEquity)).toBeLessThanOrEqual(1e-6 * 10000);
    });
  }

  it("the exact ledger settles to 8 decimals: every funding and fee amount is a whole number of 10⁻⁸ USDT", () => {
    for (const r of exact.runs) {
      for (const e of r.events) {
        if (e.type !== "funding" && e.type !== "fee") continue;
        const scaled = e.amount * 1e8;
        expect(Math.abs(scaled - Math.round(scaled)), `${r.run.mode} ${e.type} ${e.amount}`).toBeLessThan(1e-3);
      }
    }
  });
});
