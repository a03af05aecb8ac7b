/** Known facts of the shipped files (checked against the raw CSV and ../shared/data/README.md). */
import { describe, expect, it } from "vitest";
import { DEFAULT_DATA_DIR, loadMarket, readCandles, readFunding, resample } from "../../src/data/index.ts";
import { lowerBound } from "../../src/market/index.ts";
import { join } from "node:path";

const file = (rel: string) => join(DEFAULT_DATA_DIR, rel);
const H = 3_600_000;
const T = (iso: string) => Date.parse(iso);

describe("shipped Binance USD-M data", () => {
  it("BTCUSDT 1h: 58,623 bars from 2019-09-08 17:00 UTC, no gaps", async () => {
    const { bars, info } = await readCandles(file("binance-usdm/klines-1h/BTCUSDT-1h.csv.gz"));
    expect(bars.length).toBe(58_623);
    expect(bars.intervalMs).toBe(H);
    expect(bars.time[0]).toBe(T("2019-09-08T17:00:00Z"));
    expect(info.gaps.missingBars).toBe(0);
    expect(bars.time[bars.length - 1] - bars.time[0]).toBe((58_623 - 1) * H);
    const i = lowerBound(bars.time, T("2020-03-13T02:00:00Z"));
    expect(bars.low[i]).toBe(3621.81); // last-trade wick (README)
  });

  it("BTCUSDT mark low of the 2020-03-13 02:00 bar is 3,801.83057975", async () => {
    const { bars } = await readCandles(file("binance-usdm/mark-1h/BTCUSDT-1h-mark.csv.gz"));
    const i = lowerBound(bars.time, T("2020-03-13T02:00:00Z"));
    expect(bars.time[i]).toBe(T("2020-03-13T02:00:00Z"));
    expect(bars.low[i]).toBe(3801.83057975);
  });

  it("BTCUSDT funding of 2020-03-13 08:00 UTC is −0.3 % (the cap), jitter matched to the hour", async () => {
    const { funding, info, format } = await readFunding(file("binance-usdm/funding/BTCUSDT.csv.gz"));
    expect(format).toBe("binance-funding");
    const i = funding.time.indexOf(T("2020-03-13T08:00:00Z"));
    expect(i).toBeGreaterThan(0);
    expect(funding.rate[i]).toBe(-0.003);
    expect(funding.intervalHours[i]).toBe(8);
    // the file's second row is 1577865600000 and later rows carry up to 47 ms of jitter; all land on hours
    for (let k = 0; k < funding.length; k++) expect(funding.time[k] % H).toBe(0);
    expect(info.maxJitterMs).toBe(47);
    expect(info.gaps.missingBars).toBe(0);
  });

  it("SOLUSDT funding switches to 2h settlements in places and still has no missing settlement", async () => {
    const { funding, info } = await readFunding(file("binance-usdm/funding/SOLUSDT.csv.gz"));
    expect(Array.from(funding.intervalHours).filter((h) => h === 2).length).toBeGreaterThan(90);
    expect(info.gaps.missingBars).toBe(0);
  });
});

describe("shipped Hyperliquid funding", () => {
  it("a BTC row parses to its hourly rate at its settlement hour", async () => {
    const { funding, format, info } = await readFunding(file("hyperliquid/funding/BTC.csv.gz"));
    expect(format).toBe("hyperliquid-funding");
    // raw row: 1686243600054,BTC,1.25e-05  → 2023-06-08 17:00 UTC, 0.00125 % per hour
    const i = funding.time.indexOf(T("2023-06-08T17:00:00Z"));
    expect(funding.rate[i]).toBe(1.25e-5);
    expect(funding.intervalHours[i]).toBe(1);
    // raw first row: 1683849600048,BTC,-0.0006133368
    expect(funding.time[0]).toBe(T("2023-05-12T00:00:00Z"));
    expect(funding.rate[0]).toBe(-0.0006133368);
    // README: about 570 hours missing in 87 holes (a few holes are single hours between jittered rows)
    expect(info.gaps.missingBars).toBe(570);
    expect(info.rows).toBe(18_778);
  });
});

describe("spot data keeps its real outages as gaps", () => {
  it("SOLUSDT spot 1h: 10 holes, 20 missing hours, reported and not filled", async () => {
    const { bars, info } = await readCandles(file("binance-spot/klines-1h/SOLUSDT-1h.csv.gz"));
    expect(info.gaps.holes).toBe(10);
    expect(info.gaps.missingBars).toBe(20);
    expect(bars.length).toBe(50_489);
  });
});

describe("resampling keeps true high and low", () => {
  it("5m BTC and SOL bars of 2025-10-10 21:00 resample to exactly the 1h file's bar", async () => {
    for (const [sym, o, h, l, c] of [
      ["BTCUSDT", 114200.4, 115075.6, 101516.5, 113253.6],
      ["SOLUSDT", 196.85, 203.84, 141.28, 190.7],
    ] as const) {
      const { bars } = await readCandles(file(`binance-usdm/klines-5m/${sym}-5m.csv.gz`));
      const { bars: hourly, partialBuckets } = resample(bars, H);
      const i = lowerBound(hourly.time, T("2025-10-10T21:00:00Z"));
      expect([hourly.open[i], hourly.high[i], hourly.low[i], hourly.close[i]]).toEqual([o, h, l, c]);
      expect(partialBuckets).toBe(0);
    }
  });
});

describe("loadMarket aligns symbols on one clock", () => {
  it("BTC + SOL default to their common span; values sit at their times", async () => {
    const m = await loadMarket({ symbols: ["BTC", "sol"] });
    expect(m.from).toBe(T("2022-12-12T00:00:00Z")); // SOLUSDT perp starts here
    expect(m.intervalMs).toBe(H);
    const [btc, sol] = m.symbols;
    expect(btc.symbol).toBe("BTCUSDT");
    expect(sol.symbol).toBe("SOLUSDT");
    expect(btc.bars.open[0]).toBe(17077.3); // raw: 1670803200000,17077.3,17078.6,16920,16943.5
    expect(sol.bars.close[0]).toBe(13.403); // raw: 1670803200000,13.407,13.488,13.368,13.403
    const k = (T("2025-10-10T21:00:00Z") - m.from) / H;
    expect(m.time[k]).toBe(T("2025-10-10T21:00:00Z"));
    expect(sol.bars.low[k]).toBe(141.28);
    expect(btc.bars.low[k]).toBe(101516.5);
    expect(btc.bars.length).toBe(m.length);
    expect(btc.mark!.length).toBe(m.length);
    // SOL mark starts 2024-01-01: earlier steps are absent (NaN), not filled
    expect(Number.isNaN(sol.mark!.close[0])).toBe(true);
    expect(m.warnings.some((w) => w.includes("SOLUSDT: mark-price candles start 2024-01-01T00:00:00Z"))).toBe(true);
    // funding is sliced to the range, every settlement inside it
    expect(btc.funding!.time[0]).toBeGreaterThanOrEqual(m.from);
  });

  it("4h clock from 1h files keeps the crash bar's true extremes; funding in range only", async () => {
    const m = await loadMarket({ symbols: ["BTCUSDT"], interval: "4h", from: "2020-03-12", to: "2020-03-14" });
    expect(m.length).toBe(12);
    const k = (T("2020-03-13T00:00:00Z") - m.from) / (4 * H);
    expect(m.symbols[0].bars.low[k]).toBe(3621.81);
    expect(m.symbols[0].mark!.low[k]).toBe(3801.83057975);
    expect(Array.from(m.symbols[0].funding!.rate)).toContain(-0.003);
    expect(m.symbols[0].funding!.length).toBe(6); // 8h settlements over 2 days
  });

  it("--detail 5m attaches fine bars over the span they cover", async () => {
    const m = await loadMarket({ symbols: ["ETH"], from: "2025-10-10T20:00Z", to: "2025-10-10T23:00Z", detail: "5m" });
    const d = m.symbols[0].detail!;
    expect(d.intervalMs).toBe(300_000);
    expect(d.length).toBe(36);
    let lo = Infinity;
    for (let i = 12; i < 24; i++) lo = Math.min(lo, d.low[i]);
    expect(lo).toBe(m.symbols[0].bars.low[1]); // the 21:00 hour's low equals its 5m lows' minimum
  });

  it("refuses unknown symbols and empty ranges with one-line InputErrors", async () => {
    await expect(loadMarket({ symbols: ["DOGE"] })).rejects.toThrow(/unknown symbol DOGEUSDT/);
    await expect(loadMarket({ symbols: ["SOL"], from: "2020-01-01", to: "2020-02-01" })).rejects.toThrow(/--to 2020-02-01T00:00:00Z is not after the start of the data for SOLUSDT \(\d{4}-\d\d-\d\dT/);
  });
});
