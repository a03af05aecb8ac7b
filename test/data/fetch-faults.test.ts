/**
 * What can go wrong while fetching, against the loopback venue server: a zip whose sha256 is not its
 * .CHECKSUM, a venue row that fails the loaders' validation, an unknown symbol, a malformed reply,
 * 429 with Retry-After, Binance's used-weight header, a dropped connection midway (then resumed), an
 * interruption (Ctrl-C), and a venue that keeps failing. Each error is one line; nothing half-written.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/index.ts";
import { fetchData, readCandles, type FetchEvent, type FetchOptions } from "../../src/data/index.ts";
import { startVenueServer, type VenueServer } from "./fetchServer.ts";

const NOW = Date.UTC(2020, 2, 20, 5, 0);
let server: VenueServer;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startVenueServer(NOW);
});
afterEach(() => {
  server.fault = undefined;
  server.tamper = undefined;
  server.editCsv = undefined;
  server.log.length = 0;
});
afterAll(async () => {
  await server.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "perpsim-fetch-faults-"));
  dirs.push(d);
  return d;
}
/** every file under a folder, hidden ones included */
async function filesIn(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
const opts = (dataDir: string, o: Partial<FetchOptions> = {}): FetchOptions => ({
  venue: "binance-usdm", symbols: ["BTC"], from: Date.UTC(2020, 1, 1), to: Date.UTC(2020, 2, 1), dataDir, source: server.url, now: NOW, delayScale: 0, ...o,
});
/** run the CLI, collecting what it prints */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
  const error = vi.spyOn(console, "error").mockImplementation((s: string) => void err.push(s));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe("data fetch refuses bad downloads, writing nothing", () => {
  it("a zip whose sha256 is not its .CHECKSUM: one line naming the file, exit 1", async () => {
    const dir = await freshDir();
    server.tamper = (name, zip) => (name === "BTCUSDT-1h-2020-02.zip" ? Uint8Array.from(zip, (b, i) => (i === 40 ? b ^ 1 : b)) : zip);
    const r = await cli(["data", "fetch", "--venue", "binance-usdm", "--symbols", "BTC", "--from", "2020-02-01", "--to", "2020-03-01", "--kinds", "klines", "--data", dir, "--source", server.url]);
    expect(r.code).toBe(1);
    expect(r.err.split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/BTCUSDT-1h-2020-02\.zip: sha256 [0-9a-f]{64} does not match its \.CHECKSUM/);
    expect(await filesIn(dir)).toEqual([]);
  });

  it("a venue row that fails validation (high below the close): names the download, line and field", async () => {
    const dir = await freshDir();
    server.editCsv = (name, csv) => (name === "BTCUSDT-1h-2020-02.zip" ? csv.replace(/^(1580515200000,[^,]+),[^,]+,/m, "$1,1,") : csv);
    await expect(fetchData(opts(dir, { kinds: ["klines"] }))).rejects.toThrow(/BTCUSDT-1h-2020-02\.zip: fetched binance-usdm BTCUSDT 1h klines rows fail validation: field 'high' 1 is below max\(open, close\)/);
    expect(await filesIn(dir)).toEqual([]);
  });

  it("an unknown symbol (archive 404, API 'Invalid symbol'): one line, exit 1, nothing written", async () => {
    const dir = await freshDir();
    const r = await cli(["data", "fetch", "--venue", "binance-usdm", "--symbols", "BTC,NOPE", "--from", "2020-02-01", "--to", "2020-03-01", "--data", dir, "--source", server.url]);
    expect(r.code).toBe(1);
    expect(r.err.split("\n")).toHaveLength(1);
    expect(r.err).toContain("unknown symbol NOPEUSDT on binance-usdm");
    expect(await filesIn(dir)).toEqual([]); // BTC was fine, but nothing is fetched before every symbol is known
  });

  it("unknown symbols on Bybit and Hyperliquid too", async () => {
    const dir = await freshDir();
    await expect(fetchData(opts(dir, { venue: "bybit", symbols: ["NOPE"] }))).rejects.toThrow(/^unknown symbol NOPEUSDT on bybit/);
    await expect(fetchData(opts(dir, { venue: "hyperliquid", symbols: ["NOPE"] }))).rejects.toThrow(/^unknown symbol NOPE on hyperliquid/);
    expect(await filesIn(dir)).toEqual([]);
  });

  it("a malformed reply: one line naming the address and the field, exit 1, nothing written", async () => {
    const dir = await freshDir();
    server.fault = (req) => (req.includes("/v5/market/kline?") ? { status: 200, body: JSON.stringify({ retCode: 0, retMsg: "OK", result: { category: "linear", symbol: "BTCUSDT", list: [["1580515200000", "abc", "1", "1", "1", "1", "1"]] } }) } : undefined);
    const r = await cli(["data", "fetch", "--venue", "bybit", "--symbols", "BTC", "--from", "2020-02-01", "--to", "2020-03-01", "--data", dir, "--source", server.url]);
    expect(r.code).toBe(1);
    expect(r.err.split("\n")).toHaveLength(1);
    expect(r.err).toMatch(/\/v5\/market\/kline\?.*: malformed response \(result\.list\[0\]\[1\] open is "abc", not a number\)/);
    expect(await filesIn(dir)).toEqual([]);
    server.fault = (req) => (req.includes("/fapi/v1/fundingRate") ? { status: 200, body: "<html>maintenance</html>" } : undefined);
    await expect(fetchData(opts(dir, { kinds: ["funding"], to: NOW }))).rejects.toThrow(/fapi\/v1\/fundingRate\?.*: malformed response \(HTTP 200, not JSON: '<html>maintenance<\/html>'\)/);
    expect(await filesIn(dir)).toEqual([]);
  });
});

describe("data fetch checks overlapping sources", () => {
  it("the file's last row fetched again and different: says where and keeps the file's row", async () => {
    const dir = await freshDir();
    await fetchData(opts(dir, { kinds: ["klines"] })); // February; its last row is 2020-02-29 23:00
    server.editCsv = (name, csv) => (name === "BTCUSDT-1h-2020-02.zip" ? csv.replace(/^(1583017200000,[^,]+,[^,]+,[^,]+),[^,]+,/m, "$1,10000.5,") : csv);
    const report = await fetchData(opts(dir, { kinds: ["klines"], to: Date.UTC(2020, 2, 2) }));
    const s = report.series[0];
    expect(s.added).toBe(24);
    expect(s.overlap).toEqual({ compared: 1, differ: 1, first: expect.stringMatching(/^2020-02-29T23:00:00Z: close [\d.]+ in the file, 10000\.5 fetched \(from .*BTCUSDT-1h-2020-02\.zip\)$/) });
    expect(s.notes.join()).toMatch(/1 of 1 rows fetched again differ from the file's .*; the file's rows were kept/);
  });

  it("the archive and the API disagreeing at their seam: said, the archive's row kept", async () => {
    const dir = await freshDir();
    server.fault = (req) => {
      if (!req.includes("/fapi/v1/klines?") || !req.includes("startTime")) return undefined;
      // the API's copy of 2020-03-19 23:00 (the last archived hour) with another close
      return { status: 200, body: JSON.stringify([[Date.UTC(2020, 2, 19, 23), "6000", "6500", "5800", "6100.5", "1", 0, "0", 0, "0", "0", "0"]]) };
    };
    const report = await fetchData(opts(dir, { kinds: ["klines"], to: NOW }));
    expect(report.series[0].overlap.differ).toBe(1);
    expect(report.series[0].overlap.first).toMatch(/^2020-03-19T23:00:00Z: (open|high|low|close) .* from one source, .* from another \(from .*\/fapi\/v1\/klines\?/);
  });
});

describe("data fetch is polite and recovers", () => {
  it("Bybit's retCode 10006 (too many visits) in a 200 reply is retried", async () => {
    const dir = await freshDir();
    let sent = false;
    server.fault = (req) => {
      if (sent || !req.includes("/v5/market/funding/history")) return undefined;
      sent = true;
      return { status: 200, body: JSON.stringify({ retCode: 10006, retMsg: "Too many visits!", result: {}, retExtInfo: {}, time: NOW }) };
    };
    const waits: { ms: number; reason: string }[] = [];
    const report = await fetchData(opts(dir, { venue: "bybit", kinds: ["funding"], onEvent: (e) => e.type === "wait" && waits.push(e) }));
    expect(waits.map((w) => w.reason)).toEqual([expect.stringContaining("Bybit retCode 10006 (Too many visits!)")]);
    expect(report.series[0].added).toBe(3 * 29);
  });

  it("429 with Retry-After: waits what the venue asked (1 s), then succeeds", async () => {
    const dir = await freshDir();
    let sent = false;
    server.fault = (req) => {
      if (sent || !req.includes("/fapi/v1/fundingRate")) return undefined;
      sent = true;
      return { status: 429, headers: { "retry-after": "1" }, body: JSON.stringify({ code: -1003, msg: "Too many requests" }) };
    };
    const waits: FetchEvent[] = [];
    const report = await fetchData(opts(dir, { kinds: ["funding"], to: NOW, delayScale: 0.01, onEvent: (e) => e.type === "wait" && waits.push(e) }));
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ ms: 1000 });
    expect((waits[0] as { reason: string }).reason).toContain("HTTP 429");
    expect(server.log.filter((l) => l.includes("/fapi/v1/fundingRate"))).toHaveLength(2); // the refused one, then its retry
    expect(report.series[0].rows).toBe(3 * 29 + 3 * 19 + 1); // Feb (29 days) + 1-20 March, 8-hourly
  });

  it("Binance's X-MBX-USED-WEIGHT-1M near 2,400: pauses until the next minute", async () => {
    const dir = await freshDir();
    server.fault = (req) => (req.includes("/fapi/v1/klines?") && req.includes("startTime") ? { status: 200, body: "[]", headers: { "x-mbx-used-weight-1m": "2300" } } : undefined);
    const waits: { ms: number; reason: string }[] = [];
    await fetchData(opts(dir, { kinds: ["klines"], to: NOW, onEvent: (e) => e.type === "wait" && waits.push(e) }));
    expect(waits).toHaveLength(1);
    expect(waits[0].reason).toContain("request weight 2300/2400");
    expect(waits[0].ms).toBeGreaterThan(1000);
    expect(waits[0].ms).toBeLessThanOrEqual(61_000);
  });

  it("a venue that keeps failing (503): a clear error after the last retry, exit 1, nothing half-written", async () => {
    const dir = await freshDir();
    server.fault = (req) => (req.includes("2020-02.zip") ? { status: 503, body: "busy" } : undefined);
    const waits: FetchEvent[] = [];
    await expect(fetchData(opts(dir, { kinds: ["klines"], retries: 2, onEvent: (e) => e.type === "wait" && waits.push(e) }))).rejects.toThrow(/BTCUSDT-1h-2020-02\.zip\.CHECKSUM: HTTP 503 after 2 retries; try again later$/);
    expect(waits).toHaveLength(2);
    expect(await filesIn(dir)).toEqual([]);
  });

  it("a connection dropped midway leaves the months already written intact; the next run resumes and ends equal to a clean fetch", async () => {
    const clean = await freshDir();
    await fetchData(opts(clean, { from: Date.UTC(2019, 11, 1), to: NOW, kinds: ["klines"] }));
    const dir = await freshDir();
    // the connection drops for every request once the Feb zip has been asked for
    let cut = false;
    server.fault = (req) => ((cut ||= req.includes("BTCUSDT-1h-2020-02.zip")) ? { status: 0, drop: true } : undefined);
    await expect(fetchData(opts(dir, { from: Date.UTC(2019, 11, 1), to: NOW, kinds: ["klines"], retries: 1, concurrency: 1, commitEveryMs: 0 }))).rejects.toThrow(/connection failed .* after 1 retries/);
    const path = join(dir, "binance-usdm", "klines-1h", "BTCUSDT-1h.csv.gz");
    const partial = await readCandles(path, { expectedIntervalMs: 3_600_000 }); // whole and valid
    expect(partial.info.last).toBe(Date.UTC(2020, 0, 31, 23)); // Dec and Jan, complete
    expect(partial.info.rows).toBe((31 + 31) * 24);
    expect((await filesIn(dir)).filter((f) => f.includes(".partial"))).toEqual([]);
    server.fault = undefined;
    server.log.length = 0;
    const resumed = await fetchData(opts(dir, { from: Date.UTC(2019, 11, 1), to: NOW, kinds: ["klines"] }));
    expect(server.log.some((l) => l.includes("2019-12.zip"))).toBe(false); // not downloaded again
    expect(resumed.series[0].added).toBe((NOW - Date.UTC(2020, 1, 1)) / 3_600_000); // 1 Feb 00:00 → 20 Mar 04:00
    const a = await readCandles(path, { expectedIntervalMs: 3_600_000 });
    const b = await readCandles(join(clean, "binance-usdm", "klines-1h", "BTCUSDT-1h.csv.gz"), { expectedIntervalMs: 3_600_000 });
    expect(Array.from(a.bars.time)).toEqual(Array.from(b.bars.time));
    expect(Array.from(a.bars.close)).toEqual(Array.from(b.bars.close));
  });

  it("Ctrl-C on the command line: one line saying how to resume, exit 130, no temporary file left", async () => {
    const dir = await freshDir();
    server.fault = (req) => (req.includes("2020-02.zip.CHECKSUM") ? { status: 200, body: "", delayMs: 3000 } : undefined);
    const run = cli(["data", "fetch", "--venue", "binance-usdm", "--symbols", "BTC", "--from", "2020-01-01", "--to", "2020-03-01", "--kinds", "klines", "--data", dir, "--source", server.url, "--concurrency", "1"]);
    while (!server.log.some((l) => l.includes("2020-02.zip.CHECKSUM"))) await new Promise((r) => setTimeout(r, 10));
    process.emit("SIGINT");
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.err).toBe("perpsim data: interrupted: every file written so far is complete; run the same command again to resume");
    expect((await filesIn(dir)).filter((f) => f.includes(".partial"))).toEqual([]);
  });

  it("Ctrl-C (an abort) midway: stops with the abort's reason; earlier writes intact, nothing partial", async () => {
    const dir = await freshDir();
    const abort = new AbortController();
    let chunks = 0;
    const run = fetchData(opts(dir, {
      to: NOW, kinds: ["klines"], concurrency: 1, commitEveryMs: 0, signal: abort.signal,
      onEvent: (e) => {
        if (e.type === "progress" && ++chunks === 2) abort.abort(new Error("interrupted"));
      },
    }));
    await expect(run).rejects.toThrow("interrupted");
    const files = await filesIn(dir);
    expect(files.filter((f) => f.includes(".partial"))).toEqual([]);
    const c = await readCandles(files[0], { expectedIntervalMs: 3_600_000 });
    expect(c.info.first).toBe(Date.UTC(2020, 1, 1));
    expect((c.info.last + 3_600_000 - c.info.first) % 86_400_000).toBe(0); // whole archive files only
  });
});

describe("data fetch asks the archive only for what can be there", () => {
  it("months missing from the archive (before listing) are one request each; only last month falls back to daily zips", async () => {
    const dir = await freshDir();
    const now = Date.UTC(2020, 2, 5); // March 5th: February's monthly zip is held back below, as in the first days of a month
    server.now = now;
    server.fault = (req) => (req.includes("monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2020-02.zip") ? { status: 404, body: "" } : undefined);
    try {
      const report = await fetchData(opts(dir, { from: Date.UTC(2019, 7, 1), to: Date.UTC(2020, 2, 1), kinds: ["klines"], now }));
      const log = server.log.filter((l) => l.includes("/data/futures/"));
      // August 2019 precedes BTCUSDT's listing (2019-09-08): one .CHECKSUM request, no probing of its days
      expect(log.filter((l) => /BTCUSDT-1h-2019-08/.test(l))).toHaveLength(1);
      expect(log.filter((l) => l.includes("/daily/") && l.includes("2019-"))).toEqual([]);
      // February's days instead of its month
      expect(log.filter((l) => l.includes("/daily/") && l.endsWith(".zip"))).toHaveLength(29);
      expect(report.series[0].first).toBe(Date.UTC(2019, 8, 8, 17));
      expect(report.series[0].last).toBe(Date.UTC(2020, 1, 29, 23));
      expect(report.series[0].gaps.missingBars).toBe(0);
    } finally {
      server.now = NOW;
    }
  });
});
