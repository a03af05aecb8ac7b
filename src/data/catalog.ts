import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError, type Interval } from "../market/index.ts";

/** The project's shipped data folder (`data/` at the repository root). */
export const DEFAULT_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../data");

/** Where a candle series comes from. */
export type CandleSource = "binance-usdm" | "binance-spot" | "bybit" | "hyperliquid";
export type FundingSource = "binance-usdm" | "bybit" | "hyperliquid";
/** Sources that publish mark-price candle history (Hyperliquid does not). */
export const MARK_SOURCES: readonly CandleSource[] = ["binance-usdm", "bybit"];
export type DatasetKind = "klines" | "mark" | "funding";

/** One file of a data root, identified by what it holds. */
export interface Dataset {
  source: CandleSource;
  kind: DatasetKind;
  /** bar length for candles; undefined for funding */
  interval?: Interval;
  /** symbol as the venue names it: "BTCUSDT" on Binance, "BTC" on Hyperliquid */
  symbol: string;
  path: string;
}

/**
 * The layout of a data root (same as ../shared/data):
 *   binance-usdm/klines-<iv>/<SYM>-<iv>.csv.gz     binance-usdm/mark-<iv>/<SYM>-<iv>-mark.csv.gz
 *   binance-usdm/funding/<SYM>.csv.gz              binance-spot/klines-<iv>/<SYM>-<iv>.csv.gz
 *   hyperliquid/candles-<iv>/<COIN>-<iv>.csv.gz    hyperliquid/funding/<COIN>.csv.gz
 *   bybit/ as binance-usdm (klines-<iv>, mark-<iv>, funding)
 * (`.csv` without gzip is accepted everywhere.)
 */
export function datasetPath(dataDir: string, source: CandleSource, kind: DatasetKind, symbol: string, interval?: Interval): string {
  const sym = venueSymbol(source, symbol);
  let rel: string;
  if (kind === "funding") {
    if (source === "binance-spot") throw new InputError("spot markets have no funding");
    rel = join(source, "funding", `${sym}.csv.gz`);
  } else if (kind === "mark") {
    if (!MARK_SOURCES.includes(source)) throw new InputError(`mark-price candles exist only for ${MARK_SOURCES.join(" and ")}, not ${source}`);
    rel = join(source, `mark-${interval}`, `${sym}-${interval}-mark.csv.gz`);
  } else {
    rel = join(source, source === "hyperliquid" ? `candles-${interval}` : `klines-${interval}`, `${sym}-${interval}.csv.gz`);
  }
  const gz = join(dataDir, rel);
  const plain = gz.replace(/\.gz$/, "");
  return existsSync(gz) || !existsSync(plain) ? gz : plain;
}

/**
 * "BTC", "btc", "BTCUSDT" → "BTCUSDT" for Binance and "BTC" for Hyperliquid. A symbol with another
 * quote currency is left as given.
 */
export function venueSymbol(source: CandleSource | FundingSource, symbol: string): string {
  const s = symbol.trim().toUpperCase();
  if (!/^[A-Z0-9]{2,20}$/.test(s)) throw new InputError(`symbol '${symbol}' is not a symbol name`);
  const base = s.endsWith("USDT") ? s.slice(0, -4) : s.endsWith("USDC") ? s.slice(0, -4) : s;
  if (source === "hyperliquid") return base;
  return /USDT$|USDC$|BUSD$/.test(s) ? s : `${s}USDT`;
}

const FOLDER = /^(klines|mark|candles)-(\d+[mhd])$/;

/** Every dataset file under a data root (sorted by source, kind, interval, symbol). */
export async function listDatasets(dataDir: string): Promise<Dataset[]> {
  if (!existsSync(dataDir)) throw new InputError(`--data ${dataDir}: no such folder`);
  const out: Dataset[] = [];
  for (const source of ["binance-usdm", "binance-spot", "bybit", "hyperliquid"] as const) {
    const root = join(dataDir, source);
    if (!existsSync(root)) continue;
    for (const folder of (await readdir(root)).sort()) {
      const m = FOLDER.exec(folder);
      const kind: DatasetKind | undefined = folder === "funding" ? "funding" : m ? (m[1] === "mark" ? "mark" : "klines") : undefined;
      if (!kind) continue;
      for (const name of (await readdir(join(root, folder))).sort()) {
        const f = /^([A-Z0-9]+)(?:-(\d+[mhd]))?(?:-mark)?\.csv(?:\.gz)?$/.exec(name);
        if (!f) continue;
        out.push({ source, kind, interval: m ? (m[2] as Interval) : undefined, symbol: f[1], path: join(root, folder, name) });
      }
    }
  }
  return out;
}
