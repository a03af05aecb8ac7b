/**
 * A missing finer candle must not remove the liquidation checks of the coarse bar around it: resampling
 * drops a 4h bar with a hole, and the detail walk then goes over the 1h candles that exist.
 */
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { handMarket, type Candle } from "./hand.ts";

const HOUR = 3_600_000;
const hold = await loadStrategy("hold");
const flat = (p: number): Candle => [p, p, p, p];

// 4h bars; the second is absent (its 05:00 hour is missing), and its 06:00 hour trades down to 85
const detail: Candle[] = [
  flat(100), flat(100), flat(100), flat(100),
  [100, 100, 99, 99], null, [99, 99, 85, 88], [88, 95, 88, 95],
  flat(95), flat(95), flat(95), flat(95),
];
const market = handMarket(0, 4 * HOUR, [{ symbol: "BTCUSDT", rows: [flat(100), null, flat(95)], detail: { intervalMs: HOUR, rows: detail } }]);
// a 10x isolated long of 1,000 margin at 100: size 100; Binance isolated, BTC first bracket mmr 0.004:
// liq = (100 × 100 − 1,000) / (100 × (1 − 0.004)) = 90.3614…
const LIQ = 9000 / (100 * 0.996);

describe("--detail over a coarse bar with a missing sub-bar (hand-made 4h/1h market)", () => {
  const r = runBacktest({ market, venue: getVenue("binance"), strategy: hold, balance: 10000, modes: ["isolated"], detail: true });
  const run = r.runs[0].run;

  it("liquidates in the 06:00 sub-bar at the liquidation price, though the 4h bar itself is absent", () => {
    expect(run.survived).toBe(false);
    const l = run.liquidations[0];
    expect(l.price).toBeCloseTo(LIQ, 8);
    expect(Math.floor(Date.parse(l.time) / HOUR)).toBe(6);
    expect(run.finalEquity).toBeCloseTo(10000 - 1000 - 5, 8); // margin lost, open fee 0.05 % of 10,000
  });

  it("flags the bar in a warning and in the detail setting", () => {
    expect(r.warnings).toContain("--detail 1h: 1 bar×symbol walks with 1h candles missing, walked on the ones present (flat where absent): BTCUSDT 1970-01-01T04:00:00Z (3 of 4)");
    expect(r.settings.detail).toContain("1 walks with missing sub-bars");
  });

  it("a sub-bar walk ends where its last candle closed: the next bar's funding and equity start from 95", () => {
    const cross = runBacktest({ market, venue: getVenue("binance"), strategy: hold, balance: 10000, modes: ["cross"], detail: true }).runs[0];
    // cross survives (account value 10,000 − 5 + 100 × (85 − 100) = 8,495 ≫ maintenance); the absent bar's close is the 07:00 close, 95
    expect(cross.run.survived).toBe(true);
    const row = 1 * cross.equity!.stride;
    expect(cross.equity!.data[row + 5]).toBe(95); // BTCUSDT price at the absent bar's close
    expect(cross.equity!.data[row + 1]).toBeCloseTo(10000 - 5 + 100 * (95 - 100), 8);
  });
});

describe("clipToMark with a missing last-trade sub-bar", () => {
  it("leaves it absent; the first and last present sub-bars take the mark open and close", async () => {
    const { clipToMark } = await import("../../src/backtest/index.ts");
    const last = handMarket(0, 1, [{ symbol: "X", rows: [[100, 101, 96, 99], [99, 100, 90, 95], null] }]).symbols[0].bars;
    const out = { open: new Float64Array(3), high: new Float64Array(3), low: new Float64Array(3), close: new Float64Array(3) };
    clipToMark({ open: 100.5, high: 103, low: 97, close: 98 }, last, 0, 3, out);
    expect([...out.open]).toEqual([100.5, 99, NaN]);
    expect([...out.close]).toEqual([99, 98, NaN]); // sub-bar 1 is the last present: it closes at the mark close
    expect([...out.low]).toEqual([97, 97, NaN]); // 96 clipped; sub-bar 1 holds the last-trade low → the mark low
    expect([...out.high]).toEqual([103, 100, NaN]); // sub-bar 0 holds the last-trade high → the mark high
  });
});
