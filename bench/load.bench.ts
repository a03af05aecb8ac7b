/**
 * Load throughput of the data layer: the full BTC+ETH+SOL 1h history (klines, mark, funding) read,
 * validated and aligned by loadMarket, against a baseline measured in the same process: gunzip +
 * split('\n') of the same files (the floor any reader pays).
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { DEFAULT_DATA_DIR, datasetPath, loadMarket } from "../src/data/index.ts";

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
  const m = await loadMarket({ symbols: SYMBOLS, from: 0, to: 4e12 });
  return m.symbols.reduce((n, s) => n + s.info.bars.rows + (s.info.mark?.rows ?? 0) + (s.info.funding?.rows ?? 0), 0);
}

async function best(fn: () => Promise<number>, runs: number): Promise<{ ms: number; rows: number }> {
  let ms = Infinity;
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    rows = await fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, rows };
}

export default async function (): Promise<void> {
  await load(); // warm-up: module compilation, file cache
  const base = await best(baseline, 3);
  const ours = await best(load, 3);
  const rate = (r: { ms: number; rows: number }) => `${Math.round(r.rows / (r.ms / 1000)).toLocaleString("en-US")} rows/s`;
  console.log(`baseline gunzip+split      ${base.rows} rows  ${base.ms.toFixed(0)} ms  ${rate(base)}`);
  console.log(`loadMarket BTC+ETH+SOL 1h  ${ours.rows} rows  ${ours.ms.toFixed(0)} ms  ${rate(ours)}  (klines+mark+funding, validated and aligned)`);
  console.log(`ratio loadMarket / baseline time: ${(ours.ms / base.ms).toFixed(2)}x; target < ${TARGET_MS} ms: ${ours.ms < TARGET_MS ? "met" : "MISSED"}`);
}
