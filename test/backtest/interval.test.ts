import { describe, expect, it } from "vitest";
import { clipToMark, loadMarkDetail, runBacktest } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { candles, funding } from "./csv.ts";

const HOUR = 3_600_000;
const FIVE_MIN = 300_000;
const BINANCE_BTC_MMR = 0.004; // margin-rules.md: BTCUSDT first bracket, notional < 300k, cum 0
const binance = getVenue("binance");
const hold = await loadStrategy("hold");
const kline1h = candles("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz");
const mark1h = candles("data/binance-usdm/mark-1h/BTCUSDT-1h-mark.csv.gz");
const rates = funding("data/binance-usdm/funding/BTCUSDT.csv.gz");

describe("clipToMark (the clip rule on a hand-made bar)", () => {
  it("keeps the last trades' timing and the mark's levels", () => {
    // three last-trade sub-bars; the deepest low (90) is in sub-bar 1, the highest high (112) in sub-bar 2
    const t = new Float64Array([0, 1, 2]);
    const last = {
      intervalMs: 1, length: 3, time: t, volume: new Float64Array(3),
      open: new Float64Array([100, 99, 95]), high: new Float64Array([101, 100, 112]),
      low: new Float64Array([96, 90, 94]), close: new Float64Array([99, 95, 110]),
    };
    const out = { open: new Float64Array(3), high: new Float64Array(3), low: new Float64Array(3), close: new Float64Array(3) };
    clipToMark({ open: 100.5, high: 108, low: 97, close: 107 }, last, 0, 3, out);
    expect([...out.open]).toEqual([100.5, 99, 97]); // first opens at the mark open; 95 clipped up to 97
    expect([...out.low]).toEqual([97, 97, 97]); // 96 clipped; sub-bar 1 carries the mark low; 94 clipped
    expect([...out.high]).toEqual([101, 100, 108]); // sub-bar 2 carries the mark high
    expect([...out.close]).toEqual([99, 97, 107]); // last closes at the mark close
  });

  it("carries a mark extreme that is deeper than every last trade to the sub-bar of the last-trade extreme", () => {
    const t = new Float64Array([0, 1]);
    const last = {
      intervalMs: 1, length: 2, time: t, volume: new Float64Array(2),
      open: new Float64Array([100, 99]), high: new Float64Array([101, 100]),
      low: new Float64Array([98.8, 98]), close: new Float64Array([99, 99.5]),
    };
    const out = { open: new Float64Array(2), high: new Float64Array(2), low: new Float64Array(2), close: new Float64Array(2) };
    clipToMark({ open: 100, high: 102, low: 96, close: 99 }, last, 0, 2, out);
    expect([...out.low]).toEqual([98.8, 96]);
    expect([...out.high]).toEqual([102, 100]);
  });
});

describe("--interval 1d: the 10x isolated BTC long from 2020-03-01 (real data)", () => {
  const FROM = Date.UTC(2020, 2, 1);
  const TO = Date.UTC(2020, 3, 1);
  const entry = kline1h.get(FROM)!.open;
  const size = (10000 * 0.1 * 10) / entry;
  const held = rates.filter(([t]) => t > FROM && t < TO);

  // the e2e arithmetic, hour by hour on the 1h mark candles: funding moves the isolated liquidation price
  function predict() {
    let margin = 1000;
    let paid = 0;
    for (let t = FROM; t < TO; t += HOUR) {
      for (const [ft, r] of held) if (ft === t) {
        margin -= size * mark1h.get(t)!.open * r;
        paid += size * mark1h.get(t)!.open * r;
      }
      const liq = (entry * size - margin) / (size * (1 - BINANCE_BTC_MMR));
      if (mark1h.get(t)!.low <= liq) return { hour: t, paid, liq };
    }
    throw new Error("no liquidation");
  }

  for (const interval of ["1d", "4h"] as const) {
    it(`${interval} bars with 1h mark detail liquidate in the predicted hour, with the 1h run's funding`, async () => {
      const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2020-03-01", to: "2020-04-01", interval, detail: "1h" });
      expect(market.intervalMs).toBe(interval === "1d" ? 24 * HOUR : 4 * HOUR);
      const detailMark = await loadMarkDetail(market, "1h");
      const r = runBacktest({ market, venue: binance, strategy: hold, balance: 10000, detail: true, detailMark });
      const [cross, iso] = r.runs;
      const p = predict();
      expect(new Date(p.hour).toISOString()).toBe("2020-03-09T05:00:00.000Z");
      expect(iso.run.survived).toBe(false);
      const liq = iso.run.liquidations[0];
      expect(Math.floor(Date.parse(liq.time) / HOUR) * HOUR).toBe(p.hour);
      expect(liq.price).toBeCloseTo(p.liq, 4);
      // 8h settlements fall inside the coarse bars: paid at their own hour on that hour's mark open
      expect(iso.run.fundingPaid).toBeCloseTo(p.paid, 6);
      const all = held.reduce((s, [t, rate]) => s + size * mark1h.get(t)!.open * rate, 0);
      expect(cross.run.survived).toBe(true);
      expect(cross.run.fundingPaid).toBeCloseTo(all, 6);
      const m = mark1h.get(TO - HOUR)!;
      expect(cross.run.finalEquity).toBeCloseTo(10000 - 5 - all + size * (m.close - entry), 4);
      expect(r.settings.detail).toMatch(/^1h sub-bars — mark/);
    });
  }
});

describe("--interval 1d without detail: funding inside a bar settles at its own time on the 4-point path", () => {
  it("08:00 falls on the nearer extreme and 16:00 on the farther one (the path's thirds of the day)", async () => {
    const FROM = Date.UTC(2020, 2, 1);
    const TO = Date.UTC(2020, 3, 1);
    const market = await loadMarket({ symbols: ["BTCUSDT"], from: FROM, to: TO, interval: "1d" });
    const cross = runBacktest({ market, venue: binance, strategy: hold, balance: 10000, modes: ["cross"] }).runs[0];
    expect(cross.run.survived).toBe(true);
    const size = (10000 * 0.1 * 10) / kline1h.get(FROM)!.open;
    let expected = 0;
    for (const [t, rate] of rates.filter(([t]) => t > FROM && t < TO)) {
      const day = Math.floor(t / (24 * HOUR)) * 24 * HOUR;
      // the day's mark candle from the 1h mark file
      let high = -Infinity;
      let low = Infinity;
      for (let h = day; h < day + 24 * HOUR; h += HOUR) { high = Math.max(high, mark1h.get(h)!.high); low = Math.min(low, mark1h.get(h)!.low); }
      const open = mark1h.get(day)!.open;
      const lowFirst = open - low <= high - open;
      const at = t - day;
      const price = at === 0 ? open : at === 8 * HOUR ? (lowFirst ? low : high) : lowFirst ? high : low;
      expect([0, 8 * HOUR, 16 * HOUR]).toContain(at);
      expected += size * price * rate;
    }
    expect(cross.run.fundingPaid).toBeCloseTo(expected, 6);
  });
});

describe("--detail 5m inside 1h bars on 2025-10-10 (BTC; no 5m mark file): the clip rule", async () => {
  const T0 = Date.UTC(2025, 9, 10, 21);
  const k5 = candles("data/binance-usdm/klines-5m/BTCUSDT-5m.csv.gz");
  const markBar = mark1h.get(T0)!;
  let lastLow = Infinity;
  let lowAt = T0;
  for (let t = T0; t < T0 + HOUR; t += FIVE_MIN) if (k5.get(t)!.low < lastLow) { lastLow = k5.get(t)!.low; lowAt = t; }
  // the lowest low of the other sub-bars of the hour
  let otherLow = Infinity;
  for (let t = T0; t < T0 + HOUR; t += FIVE_MIN) if (t !== lowAt) otherLow = Math.min(otherLow, k5.get(t)!.low);
  const entry = kline1h.get(T0)!.open;
  const market = await loadMarket({ symbols: ["BTCUSDT"], from: T0, to: T0 + HOUR, detail: "5m" });
  const detailMark = await loadMarkDetail(market, "5m");

  /** hold a 1,000 USDT isolated long whose liquidation price is `liq` (Binance isolated closed form) */
  function run(liq: number, liqPrice?: "last") {
    const leverage = 1 / (1 - (liq * (1 - BINANCE_BTC_MMR)) / entry);
    const legs = [{ symbol: "BTCUSDT", side: "long", leverage, weight: 0.1 }];
    return runBacktest({ market, venue: binance, strategy: hold, params: { legs }, balance: 10000, modes: ["isolated"], detail: true, detailMark, liqPrice }).runs[0];
  }

  it("the data: the mark low lies between the last-trade low and every other 5m low", () => {
    expect(lastLow).toBe(101516.5);
    expect(new Date(lowAt).toISOString()).toBe("2025-10-10T21:20:00.000Z");
    expect(markBar.low).toBeCloseTo(101877.68981743, 6);
    expect(lastLow).toBeLessThan(markBar.low);
    expect(otherLow).toBeGreaterThan(markBar.low);
    expect(detailMark).toEqual([undefined]);
  });

  it("a liquidation price just above the mark low is hit at the mark level, in the 5m sub-bar of the last-trade low", () => {
    const liq = markBar.low + 0.25 * (otherLow - markBar.low);
    const r = run(liq);
    expect(r.run.survived).toBe(false);
    const l = r.run.liquidations[0];
    expect(l.price).toBeCloseTo(liq, 4); // at the liquidation price: not deeper than the mark low path
    expect(l.price).toBeGreaterThanOrEqual(markBar.low);
    expect(Math.floor(Date.parse(l.time) / FIVE_MIN) * FIVE_MIN).toBe(lowAt);
  });

  it("a liquidation price below the mark low but above the last-trade low survives (it would not on raw last trades)", () => {
    const liq = (markBar.low + lastLow) / 2;
    const clipped = run(liq);
    expect(clipped.run.survived).toBe(true);
    const raw = run(liq, "last");
    expect(raw.run.survived).toBe(false);
    expect(Math.floor(Date.parse(raw.run.liquidations[0].time) / FIVE_MIN) * FIVE_MIN).toBe(lowAt);
  });

  it("states the rule used", () => {
    const r = runBacktest({ market, venue: binance, strategy: hold, balance: 10000, detail: true, detailMark });
    expect(r.settings.detail).toMatch(/clip \(1\): .*clipped into the mark bar's \[low, high\]/);
    expect(r.warnings.filter((w) => w.startsWith("--detail"))).toEqual(["--detail 5m: 1 bar×symbol walks on 5m last-trade candles clipped into the bar's mark candle (no 5m mark candles)"]);
  });
});
