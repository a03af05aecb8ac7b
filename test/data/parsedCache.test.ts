/**
 * The binary cache of parsed columns (src/data/parsedCache.ts): a cached read gives what parsing the
 * CSV gives, and a changed file (size, mtime) is parsed again, never served from a stale entry.
 */
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readCandlesCached, readFundingCached } from "../../src/data/cachedReaders.ts";
import { readCandles } from "../../src/data/candles.ts";
import { loadMarket } from "../../src/data/index.ts";

let dir: string;
let cache: string;
const saved = process.env.PERPSIM_CACHE_DIR;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-cache-data-"));
});
beforeEach(async () => {
  cache = await mkdtemp(join(dir, "cache-"));
  process.env.PERPSIM_CACHE_DIR = cache;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.PERPSIM_CACHE_DIR;
  else process.env.PERPSIM_CACHE_DIR = saved;
  await rm(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const csv = (closes: number[]) =>
  ["open_time,open,high,low,close,volume", ...closes.map((c, i) => `${T0 + i * HOUR},${c},${c + 1},${c - 1},${c},5`)].join("\n") + "\n";
const entries = async () => (await readdir(cache)).filter((f) => f.endsWith(".bin"));
const past = (seconds: number) => new Date(Date.now() - seconds * 1000);

describe("readCandlesCached", () => {
  it("reads from the cache what the CSV says, and parses again when the file's size or mtime changes", async () => {
    const file = join(dir, "X-1h.csv");
    await writeFile(file, csv([100, 101, 102]));
    await utimes(file, past(60), past(60));
    const first = await readCandlesCached(file, { expectedIntervalMs: HOUR });
    expect(await entries()).toHaveLength(1);
    const cached = await readCandlesCached(file, { expectedIntervalMs: HOUR });
    expect(Array.from(cached.bars.close)).toEqual([100, 101, 102]);
    expect(Array.from(cached.bars.high)).toEqual([101, 102, 103]);
    expect(cached.bars.time[2]).toBe(T0 + 2 * HOUR);
    expect(cached.bars.intervalMs).toBe(HOUR);
    expect(cached.info).toEqual(first.info);
    expect(cached).toEqual(await readCandles(file, { expectedIntervalMs: HOUR }));

    // same mtime, other size
    await writeFile(file, csv([100, 101, 102, 103]));
    await utimes(file, past(60), past(60));
    expect(Array.from((await readCandlesCached(file, { expectedIntervalMs: HOUR })).bars.close)).toEqual([100, 101, 102, 103]);
    // same size, other mtime
    await writeFile(file, csv([100, 101, 102, 104]));
    await utimes(file, past(30), past(30));
    expect(Array.from((await readCandlesCached(file, { expectedIntervalMs: HOUR })).bars.close)).toEqual([100, 101, 102, 104]);
  });

  it("does not cache a file modified seconds ago (a same-size rewrite within the clock's granularity cannot be served stale)", async () => {
    const file = join(dir, "Y-1h.csv");
    await writeFile(file, csv([7, 8]));
    expect(Array.from((await readCandlesCached(file)).bars.close)).toEqual([7, 8]);
    expect(await entries()).toHaveLength(0);
    await writeFile(file, csv([7, 9]));
    expect(Array.from((await readCandlesCached(file)).bars.close)).toEqual([7, 9]);
  });

  it("still refuses a malformed file with its line and field", async () => {
    const file = join(dir, "Z-1h.csv");
    await writeFile(file, csv([100, 101]).replace(`${T0 + HOUR},101,`, `${T0 + HOUR},abc,`));
    await utimes(file, past(60), past(60));
    await expect(readCandlesCached(file)).rejects.toThrow(/Z-1h\.csv:3: field 'open'/);
    expect(await entries()).toHaveLength(0);
  });
});

describe("loadMarket through the cache", () => {
  it("gives the same market as parsing the shipped files (BTCUSDT, March 2020, klines + mark + funding)", async () => {
    const opts = { symbols: ["BTCUSDT"], from: "2020-03-01", to: "2020-04-01" };
    process.env.PERPSIM_CACHE_DIR = "off";
    const parsed = await loadMarket(opts);
    process.env.PERPSIM_CACHE_DIR = cache;
    await loadMarket(opts); // writes the entries
    expect((await entries()).length).toBe(3);
    const cached = await loadMarket(opts);
    expect(cached).toEqual(parsed);
    expect(cached.symbols[0].funding!.length).toBe(93); // 31 days × 3 settlements
    expect(cached.symbols[0].bars.close[0]).toBe(parsed.symbols[0].bars.close[0]);
  });

  it("readFundingCached keeps the format and the jitter the CSV reader found", async () => {
    const file = join(dir, "F.csv");
    await writeFile(file, "calc_time,funding_interval_hours,last_funding_rate\n" + [0, 1, 2].map((k) => `${T0 + k * 8 * HOUR + 7},8,0.0001`).join("\n") + "\n");
    await utimes(file, past(60), past(60));
    await readFundingCached(file);
    const f = await readFundingCached(file);
    expect(f.format).toBe("binance-funding");
    expect(f.info.maxJitterMs).toBe(7);
    expect(Array.from(f.funding.time)).toEqual([T0, T0 + 8 * HOUR, T0 + 16 * HOUR]);
  });
});
