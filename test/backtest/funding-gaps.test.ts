/** Missing funding settlements inside a run's range are counted, warned about and recorded in the settings. */
import { describe, expect, it } from "vitest";
import { fundingCoverage, runBacktest } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { funding } from "./csv.ts";
import { handMarket } from "./hand.ts";

const HOUR = 3_600_000;
const hold = await loadStrategy("hold");

describe("funding gaps in a backtest (real data: Hyperliquid BTC has no settlement at 2024-08-15 13:00)", () => {
  const FROM = Date.UTC(2024, 7, 15);
  const TO = Date.UTC(2024, 7, 16);

  it("the shipped Hyperliquid file skips 13:00 that day; Binance's file has all three settlements", () => {
    const hl = funding("data/hyperliquid/funding/BTC.csv.gz").map(([t]) => t).filter((t) => t >= FROM && t < TO);
    expect(hl).toHaveLength(23);
    expect(hl).not.toContain(FROM + 13 * HOUR);
    expect(funding("data/binance-usdm/funding/BTCUSDT.csv.gz").filter(([t]) => t >= FROM && t < TO)).toHaveLength(3);
  });

  it("a Hyperliquid-funded run warns of the one missing settlement and records fundingGaps 1, fundingComplete false", async () => {
    const market = await loadMarket({ symbols: ["BTCUSDT"], from: FROM, to: TO, funding: "hyperliquid" });
    const r = runBacktest({ market, venue: getVenue("hyperliquid"), strategy: hold, balance: 10000, modes: ["cross"] });
    expect(r.settings.fundingGaps).toBe(1);
    expect(r.settings.fundingComplete).toBe(false);
    const w = r.warnings.filter((x) => x.startsWith("funding:"));
    expect(w).toHaveLength(1);
    expect(w[0]).toContain("1 settlement missing");
    expect(w[0]).toContain("BTCUSDT 2024-08-15T13:00");
    // the position was held all day: 22 settlements paid (00:00 is at the first open, before the fill)
    expect(r.runs[0].events.filter((e) => e.type === "funding")).toHaveLength(22);
  });

  it("a Binance-funded run over the same day is complete", async () => {
    const market = await loadMarket({ symbols: ["BTCUSDT"], from: FROM, to: TO, funding: "binance-usdm" });
    const r = runBacktest({ market, venue: getVenue("binance"), strategy: hold, balance: 10000, modes: ["cross"] });
    expect(r.settings.fundingGaps).toBe(0);
    expect(r.settings.fundingComplete).toBe(true);
    expect(r.warnings.some((x) => x.startsWith("funding:"))).toBe(false);
  });
});

describe("fundingCoverage on a hand-made 8-hourly series", () => {
  const rows = Array.from({ length: 48 }, () => [100, 100, 100, 100] as [number, number, number, number]);

  it("counts a hole inside, and the settlements missing after the last one before the clock ends", () => {
    // settlements due at 0, 8, 16, 24, 32, 40 h; the file has 0, 8, 24: 16 is missing, 32 and 40 too
    const m = handMarket(0, HOUR, [{ symbol: "X", rows, funding: [[0, 0.0001, 8], [8 * HOUR, 0.0001, 8], [24 * HOUR, 0.0001, 8]] }]);
    const c = fundingCoverage(m);
    expect(c.missing).toBe(3);
    expect(c.holes.map((h) => [h.from / HOUR, h.to / HOUR, h.settlements])).toEqual([[16, 16, 1], [32, 40, 2]]);
    expect(c.complete).toBe(false);
  });

  it("counts the settlements missing before the first one, from the symbol's first bar", () => {
    const late = [...Array.from({ length: 10 }, () => null), ...rows.slice(10)];
    // first bar at 10 h: 16 h is due and present; before it nothing is due after the first bar
    expect(fundingCoverage(handMarket(0, HOUR, [{ symbol: "X", rows: late, funding: [16, 24, 32, 40].map((h) => [h * HOUR, 0, 8] as [number, number, number]) }])).missing).toBe(0);
    // from 0 h: 0 and 8 h are missing
    const c = fundingCoverage(handMarket(0, HOUR, [{ symbol: "X", rows, funding: [16, 24, 32, 40].map((h) => [h * HOUR, 0, 8] as [number, number, number]) }]));
    expect(c.missing).toBe(2);
    expect(c.complete).toBe(false);
  });

  it("a symbol with no funding series makes the run incomplete", () => {
    const c = fundingCoverage(handMarket(0, HOUR, [{ symbol: "X", rows }]));
    expect(c).toMatchObject({ missing: 0, complete: false, withoutFunding: ["X"] });
  });
});
