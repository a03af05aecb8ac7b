/**
 * A gap through a stop fills at the gap price, not at the stop level (DESIGN.md §4, replay's stopRule).
 * The real bar: Binance BTCUSDT perp, 2019-09-24. The 19:00 bar (open 8,683.20, low 8,645.61) was a
 * near-halt of 10.8 BTC; the 20:00 bar opened at 8,358.01, 3.3 % below that low. A long entered at the
 * 19:00 open with a 2 % stop (8,509.536) never sees its level inside a bar: the price jumps past it.
 */
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { candles } from "./csv.ts";

const ENTRY_BAR = Date.UTC(2019, 8, 24, 19);
const GAP_BAR = ENTRY_BAR + 3_600_000;
const TAKER = 0.0005; // Binance USD-M taker fee (margin-rules.md)

const k = candles("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz");
const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2019-09-24T19:00Z", to: "2019-09-25T00:00Z" });
const hold = await loadStrategy("hold");

describe("a gap through a stop (BTCUSDT 2019-09-24 20:00, real data)", () => {
  it("the shipped data has the gap: the 20:00 open lies below the whole 19:00 bar", () => {
    expect(k.get(ENTRY_BAR)).toMatchObject({ open: 8683.2, low: 8645.61 });
    expect(k.get(GAP_BAR)!.open).toBe(8358.01);
  });

  it("fills the stop at the 20:00 open in both modes; the loss is the gap's, not the stop's", () => {
    const stopLossPct = 2; // percent
    const entry = k.get(ENTRY_BAR)!.open;
    const level = entry * (1 - stopLossPct / 100);
    const gapOpen = k.get(GAP_BAR)!.open;
    expect(level).toBeLessThan(k.get(ENTRY_BAR)!.low); // the entry bar never reaches the stop
    expect(level).toBeGreaterThan(gapOpen); // the next bar opens past it

    const result = runBacktest({
      market, venue: getVenue("binance"), strategy: hold, balance: 10000, liqPrice: "last",
      params: { legs: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.1, stopLossPct }] },
    });
    const size = 10000 / entry; // notional 10,000 = balance × weight × leverage
    // (8,683.20 − 8,358.01) × size + open fee on 10,000 + close fee on size × 8,358.01 = 374.50 + 5 + 4.81
    const expectedLoss = size * (entry - gapOpen) + 10000 * TAKER + size * gapOpen * TAKER;
    expect(expectedLoss).toBeCloseTo(384.32, 2);
    for (const r of result.runs) {
      const stop = r.events.find((e) => e.type === "stop")!;
      expect(stop, r.run.mode).toBeDefined();
      expect(stop.detail).toBe("stop-loss");
      expect(stop.time).toBe(GAP_BAR);
      expect(stop.price).toBe(gapOpen);
      expect(r.run.survived).toBe(true);
      expect(r.run.fundingPaid).toBe(0); // funding data starts 2020-01-01
      expect(10000 - r.run.finalEquity).toBeCloseTo(expectedLoss, 6);
      // against a fill at the level (200 + fees), the gap cost size × (level − gap open) more, less the smaller close fee
      expect(10000 - r.run.finalEquity - (10000 * (stopLossPct / 100) + 10000 * TAKER + size * level * TAKER)).toBeCloseTo(size * (level - gapOpen) * (1 - TAKER), 6);
    }
  });
});
