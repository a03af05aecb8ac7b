/**
 * `perpsim data fetch` for Binance USD-M against a loopback archive + REST built from the shipped
 * files: the fetched files hold exactly the shipped rows (funding jitter included), a backtest on them
 * gives the shipped-data backtest's figures, a second run adds nothing, a later run adds only the tail.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSummary, runBacktest } from "../../src/backtest/index.ts";
import { fetchData, loadMarket, type FetchOptions } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { shippedRows, startVenueServer, type VenueServer } from "./fetchServer.ts";

const HOUR = 3_600_000;
const NOW = Date.UTC(2020, 2, 20, 5, 0); // 2020-03-20 05:00: Jan/Feb monthly zips, March daily zips, then REST
const FROM = Date.UTC(2020, 1, 1);

let server: VenueServer;
let dir: string;
beforeAll(async () => {
  server = await startVenueServer(NOW);
  dir = await mkdtemp(join(tmpdir(), "perpsim-fetch-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const opts = (o: Partial<FetchOptions> = {}): FetchOptions => ({
  venue: "binance-usdm", symbols: ["BTC"], from: FROM, dataDir: dir, source: server.url, now: NOW, delayScale: 0, ...o,
});
const lines = async (path: string) => gunzipSync(await readFile(path)).toString("utf8").trim().split("\n");
const shippedLines = (path: string, from: number, to: number, key = (t: number) => t) =>
  shippedRows(path).filter((r) => key(Number(r[0])) >= from && key(Number(r[0])) < to).map((r) => r.join(","));
const hourOf = (t: number) => Math.round(t / HOUR) * HOUR;
const K = join("binance-usdm", "klines-1h", "BTCUSDT-1h.csv.gz");
const M = join("binance-usdm", "mark-1h", "BTCUSDT-1h-mark.csv.gz");
const F = join("binance-usdm", "funding", "BTCUSDT.csv.gz");

describe("data fetch, Binance USD-M (archive zips + REST tail)", () => {
  it("writes exactly the shipped rows: closed candles only, funding with its millisecond jitter", async () => {
    const report = await fetchData(opts());
    const lastClosed = NOW - HOUR; // the 05:00 candle is still open at NOW
    expect(await lines(join(dir, K))).toEqual(["open_time,open,high,low,close,volume", ...shippedLines(`data/${K}`, FROM, lastClosed + 1)]);
    expect(await lines(join(dir, M))).toEqual(["open_time,open,high,low,close,volume", ...shippedLines(`data/${M}`, FROM, lastClosed + 1)]);
    const funding = await lines(join(dir, F));
    expect(funding).toEqual(["calc_time,funding_interval_hours,last_funding_rate", ...shippedLines(`data/${F}`, FROM, NOW, hourOf)]);
    // jitter kept: 2020-03-01 00:00 settled at …000 + a few ms in Binance's file, and so here
    const jittered = funding.slice(1).filter((l) => Number(l.split(",")[0]) % 1000 !== 0);
    expect(jittered.length).toBeGreaterThan(0);
    expect(report.series.map((s) => s.added)).toEqual([(lastClosed - FROM) / HOUR + 1, (lastClosed - FROM) / HOUR + 1, funding.length - 1]);
    // the archive was used for what it has, REST only for the tail of the current day
    expect(server.log.some((l) => l.includes("/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2020-02.zip.CHECKSUM"))).toBe(true);
    expect(server.log.some((l) => l.includes("/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2020-03-19.zip"))).toBe(true);
    const rest = server.log.filter((l) => l.startsWith("GET /fapi/v1/klines?") && l.includes("startTime"));
    expect(rest).toHaveLength(1);
    expect(rest[0]).toContain(`startTime=${Date.UTC(2020, 2, 19, 23)}`); // the last archived hour again: the seam is compared
    expect(report.series[0].overlap).toEqual({ compared: 1, differ: 0 });
  });

  it("a backtest on the fetched files gives the shipped-data backtest's figures (10x hold, liquidated 2020-03-09)", async () => {
    const hold = await loadStrategy("hold");
    const run = async (dataDir?: string) => {
      const market = await loadMarket({ dataDir, symbols: ["BTCUSDT"], from: "2020-03-01", to: "2020-03-20" });
      const result = runBacktest({ market, venue: getVenue("binance"), strategy: hold, balance: 10000 });
      return buildSummary({ venue: "binance", strategy: "hold", symbols: ["BTCUSDT"], from: market.from, to: market.to, initialBalance: 10000 }, result);
    };
    const fetched = await run(dir);
    const shipped = await run(undefined);
    expect(fetched).toEqual(shipped);
    const iso = shipped.runs.find((r) => r.mode === "isolated")!;
    expect(iso.liquidations).toHaveLength(1); // the comparison covers a liquidation and funding, not a quiet month
    expect(iso.fundingPaid).not.toBe(0);
  });

  it("a second run adds nothing and downloads no archive file; the files are byte-identical", async () => {
    const before = await Promise.all([K, M, F].map((p) => readFile(join(dir, p))));
    server.log.length = 0;
    const report = await fetchData(opts());
    expect(report.series.map((s) => s.added)).toEqual([0, 0, 0]);
    expect(report.series.every((s) => s.overlap.differ === 0 && s.overlap.compared > 0)).toBe(true);
    expect(server.log.filter((l) => l.includes("/data/futures/"))).toEqual([]);
    const after = await Promise.all([K, M, F].map((p) => readFile(join(dir, p))));
    expect(after).toEqual(before);
  });

  it("a later run fetches only the missing tail: the days since, no month again", async () => {
    const later = Date.UTC(2020, 2, 25);
    server.now = later;
    server.log.length = 0;
    try {
      const report = await fetchData(opts({ now: later }));
      expect(report.series[0].added).toBe((later - NOW) / HOUR); // 05:00 on the 20th → 23:00 on the 24th
      expect(server.log.filter((l) => l.includes("/monthly/"))).toEqual([]);
      expect(server.log.filter((l) => /daily\/klines\/BTCUSDT\/1h\/BTCUSDT-1h-2020-03-\d\d\.zip$/.test(l)).map((l) => l.slice(-14, -4)).sort()).toEqual(["2020-03-20", "2020-03-21", "2020-03-22", "2020-03-23", "2020-03-24"]);
      expect(await lines(join(dir, K))).toEqual(["open_time,open,high,low,close,volume", ...shippedLines(`data/${K}`, FROM, later)]);
      expect(await lines(join(dir, F))).toEqual(["calc_time,funding_interval_hours,last_funding_rate", ...shippedLines(`data/${F}`, FROM, later, hourOf)]);
      expect((await readdir(join(dir, "binance-usdm", "klines-1h"))).filter((n) => n.startsWith("."))).toEqual([]);
    } finally {
      server.now = NOW;
    }
  });

  it("an earlier --from puts the older months in front, once", async () => {
    const jan = Date.UTC(2020, 0, 1);
    const report = await fetchData(opts({ from: jan, kinds: ["klines"], to: Date.UTC(2020, 1, 2) }));
    expect(report.series[0].added).toBe(31 * 24);
    const all = await lines(join(dir, K));
    expect(all.slice(1, 31 * 24 + 2)).toEqual(shippedLines(`data/${K}`, jan, Date.UTC(2020, 1, 1, 1)));
    expect(new Set(all).size).toBe(all.length);
  });
});
