/**
 * `ctx.fundingRate` is per 8 hours on every venue (the settlement's rate × 8 / its interval), so a
 * strategy's threshold means the same carry on Binance's 8-hourly and Hyperliquid's hourly funding.
 */
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { defineStrategy, loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { funding } from "./csv.ts";
import { handMarket } from "./hand.ts";

const HOUR = 3_600_000;
const FROM = Date.UTC(2024, 7, 1);
const TO = Date.UTC(2024, 7, 2);

/** records [bar time, ctx.fundingRate, ctx.fundingIntervalHours] at every close */
const seen: [number, number, number][] = [];
const recorder = defineStrategy({
  name: "recorder", description: "records the funding the context shows", params: {},
  onBar(ctx) {
    seen.push([ctx.time, ctx.fundingRate("BTCUSDT"), ctx.fundingIntervalHours("BTCUSDT")]);
  },
});

async function observe(source: "hyperliquid" | "binance-usdm") {
  seen.length = 0;
  const market = await loadMarket({ symbols: ["BTCUSDT"], from: FROM, to: TO, funding: source });
  runBacktest({ market, venue: getVenue(source === "hyperliquid" ? "hyperliquid" : "binance"), strategy: recorder, balance: 10000, modes: ["cross"] });
  return [...seen];
}

describe("ctx.fundingRate is per 8 h, with the settlement interval beside it (real data, 2024-08-01)", () => {
  it("Hyperliquid: 8 × the hourly rate settled at the bar's open, interval 1 h", async () => {
    const file = new Map(funding("data/hyperliquid/funding/BTC.csv.gz"));
    const rows = await observe("hyperliquid");
    expect(rows).toHaveLength(24);
    for (const [t, rate, iv] of rows) {
      expect(iv).toBe(1);
      expect(rate).toBeCloseTo(8 * file.get(t)!, 15);
    }
    // the common hourly 0.00125 % reads as Binance's 0.01 %/8h
    expect(rows.some(([t, r]) => file.get(t) === 0.0000125 && Math.abs(r - 0.0001) < 1e-15)).toBe(true);
  });

  it("Binance: the 8-hourly rate as it is, interval 8 h", async () => {
    const file = funding("data/binance-usdm/funding/BTCUSDT.csv.gz").filter(([t]) => t >= FROM && t < TO);
    expect(file.map(([t]) => (t - FROM) / HOUR)).toEqual([0, 8, 16]);
    const rows = await observe("binance-usdm");
    for (const [t, rate, iv] of rows) {
      const last = file.filter(([ft]) => ft <= t).at(-1)!;
      expect(iv).toBe(8);
      expect(rate).toBe(last[1]);
    }
  });
});

const carry = await loadStrategy("funding-carry");

describe("funding-carry's thresholds are per 8 h on any venue (hand-made market)", () => {
  const flat = Array.from({ length: 12 }, () => [100, 100, 100, 100] as [number, number, number, number]);
  const shorts = (fundingRows: [number, number, number][]) => {
    const market = handMarket(0, HOUR, [{ symbol: "BTCUSDT", rows: flat, funding: fundingRows }]);
    const r = runBacktest({ market, venue: getVenue("binance"), strategy: carry, balance: 10000, modes: ["cross"] });
    return r.runs[0].events.filter((e) => e.type === "fill" && e.side === "short").length;
  };
  const hourly = (rate: number) => Array.from({ length: 11 }, (_, k) => [(k + 1) * HOUR, rate, 1] as [number, number, number]);

  it("hourly 0.005 %/h = 0.04 %/8h ≥ the 0.03 %/8h entry: it shorts", () => {
    expect(shorts(hourly(0.00005))).toBeGreaterThan(0);
  });
  it("hourly 0.003 %/h = 0.024 %/8h < 0.03 %/8h: it stays out", () => {
    expect(shorts(hourly(0.00003))).toBe(0);
  });
  it("8-hourly 0.04 %: it shorts; 8-hourly 0.024 %: it stays out", () => {
    expect(shorts([[HOUR, 0.0004, 8]])).toBeGreaterThan(0);
    expect(shorts([[HOUR, 0.00024, 8]])).toBe(0);
  });
});
