/** `barsWherePathAndWorstDiffer` counts strategy bars, also when --detail walks several sub-bars inside one. */
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { handMarket, type Candle } from "./hand.ts";

const HOUR = 3_600_000;
const hold = await loadStrategy("hold");
// long BTC and short ETH at 20x, 50,000 notional each (size 500 at 100; 2,500 initial margin each) against a 10,000 cross wallet (9,950 after fees).
// BTC 100 → 90 (nearer) → 120 → 100; ETH 100 → 95 (nearer) → 110 → 100. On the path the worst point
// is (90, 95): −5,000 + 2,500; `worst` puts BTC at 90 and ETH at 110 at once: −10,000 < 9,950 — liquidated.
const btc: Candle = [100, 120, 90, 100];
const eth: Candle = [100, 110, 95, 100];
const flat: Candle = [100, 100, 100, 100];
const legs = [
  { symbol: "BTCUSDT", side: "long", leverage: 20, weight: 0.25 },
  { symbol: "ETHUSDT", side: "short", leverage: 20, weight: 0.25 },
];

describe("barsWherePathAndWorstDiffer counts bars (hand-made 4h market, four such 1h sub-bars in the first bar)", () => {
  const market = handMarket(0, 4 * HOUR, [
    { symbol: "BTCUSDT", rows: [btc, flat], detail: { intervalMs: HOUR, rows: [btc, btc, btc, btc, flat, flat, flat, flat] } },
    { symbol: "ETHUSDT", rows: [eth, flat], detail: { intervalMs: HOUR, rows: [eth, eth, eth, eth, flat, flat, flat, flat] } },
  ]);
  const run = (detail: boolean, intrabar: "path" | "worst") =>
    runBacktest({ market, venue: getVenue("binance"), strategy: hold, params: { legs }, balance: 10000, modes: ["cross"], detail, intrabar });

  it("the two policies do disagree there: path survives, worst liquidates", () => {
    expect(run(true, "path").runs[0].run.survived).toBe(true);
    expect(run(true, "worst").runs[0].run.survived).toBe(false);
  });

  it("one bar differs, with or without the 1h detail walk", () => {
    expect(run(true, "path").settings["barsWherePathAndWorstDiffer:cross"]).toBe(1);
    expect(run(false, "path").settings["barsWherePathAndWorstDiffer:cross"]).toBe(1);
  });
});
