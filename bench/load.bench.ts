/**
 * Load throughput of the data layer: the full BTC+ETH+SOL 1h history (klines, mark, funding) read,
 * validated and aligned by loadMarket, against a baseline measured in the same process: gunzip +
 * split('\n') of the same files (the floor any reader pays).
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { DEFAULT_DATA_DIR, datasetPath, loadMarket } from "../src/data/index.ts";
import { cpuSeconds, verdict } from "./measure.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const TARGET_MS = 1500;

function files(): string[] {
  return SYMBOLS.flatMap((s) => [
    datasetPath(DEFAULT_DATA_DIR, "binance-usdm", "klines", s, "1h"),
    datasetPath(DEFAULT_DATA_DIR, "binance-usdm", "mark", s, "1h"),
    datasetPath(DEFAULT_DATA_DIR, "binance-usdm", "funding", s),
  ]);
}

async function baseline(): Promise<number> {
  let rows = 0;
  for (const f of files()) rows += gunzipSync(await readFile(f)).toString().split("\n").length - 2;
  return rows;
}

async function load(): Promise<number> {
  return loadWith();
}

/** loadMarket on the whole history; with the binary cache of parsed columns (default) or parsing the CSV (PERPSIM_CACHE_DIR=off). */
async function loadWith(): Promise<number> {
  const m = await loadMarket({ symbols: SYMBOLS, from: 0, to: 4e12 });
  return m.symbols.reduce((n, s) => n + s.info.bars.rows + (s.info.mark?.rows ?? 0) + (s.info.funding?.rows ?? 0), 0);
}

async function best(fn: () => Promise<number>, runs: number): Promise<{ ms: number; cpuMs: number; rows: number }> {
  let ms = Infinity;
  let cpuMs = Infinity;
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const c = cpuSeconds();
    const t = performance.now();
    rows = await fn();
    const wall = performance.now() - t;
    if (wall < ms) [ms, cpuMs] = [wall, (cpuSeconds() - c) * 1000];
  }
  return { ms, cpuMs, rows };
}

/** What a one-month backtest loads: BTC klines, mark and funding for March 2020, from the binary cache. */
async function oneMonth(): Promise<number> {
  const m = await loadMarket({ symbols: ["BTCUSDT"], from: "2020-03-01", to: "2020-04-01" });
  return m.length;
}

export default async function (): Promise<void> {
  await load(); // warm-up: module compilation, file cache, and the binary cache's entries
  const base = await best(baseline, 3);
  const saved = process.env.PERPSIM_CACHE_DIR;
  process.env.PERPSIM_CACHE_DIR = "off";
  const parsed = await best(load, 3);
  if (saved === undefined) delete process.env.PERPSIM_CACHE_DIR;
  else process.env.PERPSIM_CACHE_DIR = saved;
  const ours = await best(load, 3);
  const rate = (r: { ms: number; rows: number }) => `${Math.round(r.rows / (r.ms / 1000)).toLocaleString("en-US")} rows/s`;
  const cpu = (r: { cpuMs: number }) => `(${r.cpuMs.toFixed(0)} CPU-ms)`;
  console.log(`baseline gunzip+split      ${base.rows} rows  ${base.ms.toFixed(0)} ms ${cpu(base)}  ${rate(base)}`);
  console.log(`loadMarket, parsing CSV    ${parsed.rows} rows  ${parsed.ms.toFixed(0)} ms ${cpu(parsed)}  ${rate(parsed)}  (klines+mark+funding, validated and aligned)`);
  console.log(`loadMarket, binary cache   ${ours.rows} rows  ${ours.ms.toFixed(0)} ms ${cpu(ours)}  ${rate(ours)}  (×${(parsed.ms / ours.ms).toFixed(1)} faster than parsing)`);
  const month = await best(oneMonth, 5);
  console.log(`loadMarket, one month      ${month.rows} bars   ${month.ms.toFixed(1)} ms (${month.cpuMs.toFixed(1)} CPU-ms)  (BTCUSDT 2020-03, from the binary cache: what a one-month backtest loads)`);
  console.log(`ratio loadMarket (parsing) / baseline time: ${(parsed.ms / base.ms).toFixed(2)}x`);
  console.log(verdict("full BTC+ETH+SOL hourly load, parsing the CSV", `${parsed.ms.toFixed(0)} ms wall, ${parsed.cpuMs.toFixed(0)} CPU-ms`, `< ${TARGET_MS} ms`, parsed.ms < TARGET_MS));
}
