/**
 * Bybit v5 and Hyperliquid /info against the loopback server: pages meet without a duplicated or lost
 * row (Bybit newest-first pages of 1,000 candles and 200 settlements, Hyperliquid forward pages of 500
 * settlements), Hyperliquid's funding jitter kept, its 5,000-candle horizon stated; the CLI prints what
 * each file gained and `data list` shows the new series with their first and last times.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/index.ts";
import { fetchData, loadMarket } from "../../src/data/index.ts";
import { shippedRows, startVenueServer, type VenueServer } from "./fetchServer.ts";

const HOUR = 3_600_000;
let server: VenueServer;
let dir: string;
beforeAll(async () => {
  server = await startVenueServer(Date.UTC(2020, 2, 20, 5));
  dir = await mkdtemp(join(tmpdir(), "perpsim-fetch-venues-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
const body = async (path: string) => gunzipSync(await readFile(join(dir, path))).toString("utf8").trim().split("\n").slice(1);
const hourOf = (t: number) => Math.round(t / HOUR) * HOUR;

describe("data fetch, Bybit (v5 linear, newest-first pages)", () => {
  const from = Date.UTC(2020, 0, 1);
  const to = Date.UTC(2020, 2, 1); // 1,440 hours: a full page of 1,000 and one of 440

  it("klines and mark candles across page boundaries: every hour once, in order, equal to the source", async () => {
    server.now = Date.UTC(2020, 2, 20, 5);
    const report = await fetchData({ venue: "bybit", symbols: ["BTC"], from, to, kinds: ["klines", "mark"], dataDir: dir, source: server.url, now: server.now, delayScale: 0 });
    const pages = server.log.filter((l) => l.includes("/v5/market/kline?"));
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain(`start=${from + 1000 * HOUR}`);
    const src = shippedRows("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz").filter((r) => +r[0] >= from && +r[0] < to);
    expect(await body("bybit/klines-1h/BTCUSDT-1h.csv.gz")).toEqual(src.map((r) => r.join(",")));
    const mark = shippedRows("data/binance-usdm/mark-1h/BTCUSDT-1h-mark.csv.gz").filter((r) => +r[0] >= from && +r[0] < to);
    expect(await body("bybit/mark-1h/BTCUSDT-1h-mark.csv.gz")).toEqual(mark.map((r) => [...r.slice(0, 5), "0"].join(",")));
    expect(report.series.map((s) => [s.added, s.gaps.missingBars])).toEqual([[1440, 0], [1440, 0]]);
    // the loader reads Bybit's folder, mark candles included
    const market = await loadMarket({ dataDir: dir, source: "bybit", symbols: ["BTC"], from: "2020-01-01", to: "2020-03-01", funding: false });
    expect(market.symbols[0].mark?.low[0]).toBe(Number(mark[0][3]));
  });

  it("funding: a window with more settlements than a page (hourly symbol) is walked back page by page", async () => {
    const f = Date.UTC(2023, 6, 1);
    const t = Date.UTC(2023, 8, 1);
    server.now = Date.UTC(2023, 9, 1);
    server.log.length = 0;
    try {
      const report = await fetchData({ venue: "bybit", symbols: ["HOURLY"], from: f, to: t, kinds: ["funding"], dataDir: dir, source: server.url, now: server.now, delayScale: 0 });
      const src = shippedRows("data/hyperliquid/funding/BTC.csv.gz").filter((r) => hourOf(+r[0]) >= f && hourOf(+r[0]) < t);
      expect(await body("bybit/funding/HOURLYUSDT.csv.gz")).toEqual(src.map((r) => `${hourOf(+r[0])},1,${r[2]}`));
      const pages = server.log.filter((l) => l.includes("/v5/market/funding/history"));
      // one window sized for 8-hour settlements (1,600 h) covers the 62 days: 1,486 hourly rows, 7 full pages and one of 86
      expect(src.length).toBe(1486);
      expect(pages).toHaveLength(8);
      expect(pages.every((l) => l.includes(`startTime=${f}&`))).toBe(true);
      const ends = pages.map((l) => Number(/endTime=(\d+)/.exec(l)![1]));
      expect(ends.every((e, i) => i === 0 || e < ends[i - 1])).toBe(true); // each page ends before the one after it began
      expect(report.series[0].added).toBe(src.length);
    } finally {
      server.now = Date.UTC(2020, 2, 20, 5);
    }
  });
});

describe("data fetch, Hyperliquid (POST /info)", () => {
  const now = Date.UTC(2023, 8, 1);
  it("funding in pages of 500 keeps each settlement's own timestamp (jitter up to minutes)", async () => {
    server.now = now;
    server.log.length = 0;
    const from = Date.UTC(2023, 6, 1);
    try {
      const report = await fetchData({ venue: "hyperliquid", symbols: ["BTC"], from, kinds: ["funding"], dataDir: dir, source: server.url, now, delayScale: 0 });
      const src = shippedRows("data/hyperliquid/funding/BTC.csv.gz").filter((r) => hourOf(+r[0]) >= from && hourOf(+r[0]) < now);
      expect(await body("hyperliquid/funding/BTC.csv.gz")).toEqual(src.map((r) => r.join(",")));
      expect(src.some((r) => Math.abs(+r[0] - hourOf(+r[0])) > 1000)).toBe(true); // real jitter in the range
      expect(server.log.filter((l) => l.includes("fundingHistory")).length).toBe(Math.ceil(src.length / 500) + (src.length % 500 === 0 ? 1 : 0));
      expect(report.series[0].added).toBe(src.length);
    } finally {
      server.now = Date.UTC(2020, 2, 20, 5);
    }
  });

  it("candles: only the most recent 5,000 exist; the fetch says so and writes what there is", async () => {
    server.now = now;
    try {
      const from = Date.UTC(2022, 0, 1);
      const report = await fetchData({ venue: "hyperliquid", symbols: ["BTC"], from, kinds: ["klines"], dataDir: dir, source: server.url, now, delayScale: 0 });
      expect(report.series[0].added).toBe(5000 - 1); // the 5,000th is the candle still open at `now`: left out
      expect(report.series[0].first).toBe(now - 4999 * HOUR);
      expect(report.series[0].notes.join()).toContain(`most recent 5,000 1h candles: BTC has none before ${new Date(now - 4999 * HOUR).toISOString().replace(".000Z", "Z")}`);
      await expect(fetchData({ venue: "hyperliquid", symbols: ["BTC"], from, kinds: ["mark"], dataDir: dir, source: server.url, now })).rejects.toThrow(/hyperliquid publishes no mark-price candle history/);
    } finally {
      server.now = Date.UTC(2020, 2, 20, 5);
    }
  });
});

describe("data fetch from the command line", () => {
  it("prints rows added per file with span and gaps; data list then shows the series' first and last time", async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
    try {
      const d = join(dir, "cli");
      expect(await main(["data", "fetch", "--venue", "binance-usdm", "--symbols", "ETH", "--from", "2020-02-01", "--to", "2020-02-03", "--data", d, "--source", server.url])).toBe(0);
      expect(out).toContain(`+     48 rows  ${join("binance-usdm", "klines-1h", "ETHUSDT-1h.csv.gz")}  (2020-02-01T00:00 → 2020-02-02T23:00, 48 rows; no gaps)`);
      expect(out.some((l) => l.startsWith("+      6 rows  binance-usdm/funding/ETHUSDT.csv.gz  (2020-02-01T00:00 → 2020-02-02T16:00, 6 rows; no missing settlements)"))).toBe(true);
      out.length = 0;
      expect(await main(["data", "list", "--data", d])).toBe(0);
      expect(out.find((l) => l.includes("klines"))).toMatch(/^binance-usdm\s+ETHUSDT\s+klines\s+1h\s+2020-02-01T00:00\s+2020-02-02T23:00\s+48$/);
    } finally {
      log.mockRestore();
    }
  });
});
