import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { candles, funding } from "./csv.ts";

const HOUR = 3_600_000;
const FROM = Date.UTC(2020, 2, 1);
const TO = Date.UTC(2020, 3, 1);
const BINANCE_BTC_MMR = 0.004; // margin-rules.md: BTCUSDT first bracket, notional < 300k, cum 0

const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2020-03-01", to: "2020-04-01" });
const hold = await loadStrategy("hold");
const result = runBacktest({ market, venue: getVenue("binance"), strategy: hold, balance: 10000 });
const [cross, isolated] = result.runs;

// ---- the same arithmetic, from the CSV files
const k = candles("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz");
const mark = candles("data/binance-usdm/mark-1h/BTCUSDT-1h-mark.csv.gz");
const rates = funding("data/binance-usdm/funding/BTCUSDT.csv.gz").filter(([t]) => t > FROM && t < TO);
const entry = k.get(FROM)!.open;
const size = (10000 * 0.1 * 10) / entry;

function predictIsolated() {
  let margin = 1000;
  let paid = 0;
  for (let t = FROM; t < TO; t += HOUR) {
    for (const [ft, r] of rates) if (ft === t) {
      margin -= size * mark.get(t)!.open * r;
      paid += size * mark.get(t)!.open * r;
    }
    const liq = (entry * size - margin) / (size * (1 - BINANCE_BTC_MMR));
    if (mark.get(t)!.low <= liq) return { hour: t, paid, liq };
  }
  return null;
}

describe("hold 10x BTC long from 2020-03-01 on Binance (real data)", () => {
  it("isolated is liquidated in the hour where the mark low crosses the funding-moved liquidation price", () => {
    const p = predictIsolated()!;
    expect(p).not.toBeNull();
    expect(new Date(p.hour).toISOString()).toBe("2020-03-09T05:00:00.000Z");
    expect(isolated.run.survived).toBe(false);
    const liq = isolated.run.liquidations[0];
    expect(Math.floor(Date.parse(liq.time) / HOUR) * HOUR).toBe(p.hour);
    expect(liq.price).toBeCloseTo(p.liq, 4); // fills at the trigger (no liquidation slippage)
    expect(isolated.run.fundingPaid).toBeCloseTo(p.paid, 6);
    // the loss is capped at the margin: the rest of the account is untouched
    expect(isolated.run.finalEquity).toBeCloseTo(10000 - 1000 - 5, 6);
  });

  it("cross with the same notional survives the month", () => {
    expect(cross.run.survived).toBe(true);
    expect(cross.run.liquidations).toEqual([]);
    const last = k.get(TO - HOUR)!;
    const m = mark.get(TO - HOUR)!;
    // equity at the end: wallet − fee + funding received + uPnL at the mark close
    const fundingPaid = rates.reduce((s, [t, r]) => s + size * mark.get(t)!.open * r, 0);
    expect(cross.run.fundingPaid).toBeCloseTo(fundingPaid, 6);
    expect(cross.run.finalEquity).toBeCloseTo(10000 - 5 - fundingPaid + size * (m.close - entry), 4);
    expect(last.close).toBeGreaterThan(0);
  });

  it("total funding = Σ size × mark × rate over the settlements held", () => {
    const heldUntil = Date.parse(isolated.run.liquidations[0].time);
    const expected = rates.filter(([t]) => t <= heldUntil).reduce((s, [t, r]) => s + size * mark.get(t)!.open * r, 0);
    expect(isolated.run.fundingPaid).toBeCloseTo(expected, 6);
  });

  /**
   * Funding erosion by hand. Each payment x moves a long's liquidation price up by x / (size × (1 −
   * mmr)) in both modes (isolated: the margin falls by x; cross: the wallet does), so the drift after
   * a settlement is the funding paid so far / (size × (1 − mmr)), taken in % of the mark open there.
   * The share of margin divides by the time-weighted margin in use: isolated 1,000 less each payment,
   * held from the first open to the liquidation; cross the initial margin size × entry / 10 = 1,000.
   */
  function erosion(until: number) {
    let margin = 1000, since = FROM, area = 0, paid = 0, maxPct = 0;
    for (const [t, r] of rates) {
      if (t > until) break;
      area += margin * (t - since);
      since = t;
      const x = size * mark.get(t)!.open * r;
      margin -= x;
      paid += x;
      maxPct = Math.max(maxPct, (paid / (size * (1 - BINANCE_BTC_MMR)) / mark.get(t)!.open) * 100);
    }
    area += margin * (until - since);
    return { paid, avgIsolatedMargin: area / (until - FROM), maxPct };
  }

  it("isolated funding erosion: paid over the time-weighted margin, liquidation price drift", () => {
    const tLiq = Date.parse(isolated.run.liquidations[0].time);
    const e = erosion(tLiq);
    expect(e.avgIsolatedMargin).toBeLessThan(1000);
    expect(isolated.run.fundingErosion.paidPctOfMargin).toBeCloseTo((e.paid / e.avgIsolatedMargin) * 100, 6);
    expect(isolated.run.fundingErosion.maxLiqPriceDriftPct).toBeCloseTo(e.maxPct, 6);
  });

  it("cross funding erosion: paid over the 1,000 initial margin; the cross liquidation price drifts too", () => {
    const e = erosion(TO);
    expect(cross.run.fundingErosion.paidPctOfMargin).toBeCloseTo((e.paid / 1000) * 100, 6);
    expect(e.maxPct).toBeGreaterThan(0.001);
    expect(cross.run.fundingErosion.maxLiqPriceDriftPct).toBeCloseTo(e.maxPct, 6);
  });

  it("a stop-loss inside the liquidation price caps the isolated loss below the margin", async () => {
    const stopped = runBacktest({
      market, venue: getVenue("binance"), strategy: hold, balance: 10000, modes: ["isolated"],
      params: { legs: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.1, stopLossPct: 5 }] },
    }).runs[0];
    expect(stopped.run.survived).toBe(true);
    const stop = stopped.events.find((e) => e.type === "stop")!;
    expect(stop.detail).toBe("stop-loss");
    // the first mark low at or below entry × 0.95, found from the CSV
    let hour = FROM;
    while (mark.get(hour)!.low > entry * 0.95) hour += HOUR;
    expect(Math.floor(stop.time / HOUR) * HOUR).toBe(hour);
    const loss = 10000 - stopped.run.finalEquity;
    expect(loss).toBeLessThan(1000);
    // 5 % of the 10,000 notional, plus two taker fees, plus the funding paid until then
    expect(loss).toBeCloseTo(500 + 5 + size * entry * 0.95 * 0.0005 + stopped.run.fundingPaid, 4);
  });
});
