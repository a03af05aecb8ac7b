import { HOUR_MS, type Interval } from "../../market/index.ts";
import type { CandleSource } from "../catalog.ts";

/** What `data fetch` can fetch: last-trade candles, mark-price candles, funding settlements. */
export type FetchKind = "klines" | "mark" | "funding";
export const FETCH_KINDS: readonly FetchKind[] = ["klines", "mark", "funding"];

/** One candle as the venue gave it: numbers kept as the venue's text, so nothing is re-rounded. */
export interface CandleRow {
  /** open time, epoch ms UTC */
  t: number;
  o: string;
  h: string;
  l: string;
  c: string;
  v: string;
}

/** One funding settlement; `t` keeps the venue's millisecond jitter. */
export interface FundingRow {
  t: number;
  rate: string;
  /** hours since the previous settlement as the venue states it; derived from the spacing when absent */
  intervalHours?: number;
}

/** One file's worth of series: which venue folder, what, which symbol, which bar. */
export interface SeriesSpec {
  source: CandleSource;
  kind: FetchKind;
  /** the venue's symbol: BTCUSDT on Binance and Bybit, BTC on Hyperliquid */
  symbol: string;
  /** bar length for candles */
  interval?: Interval;
}

/** A piece of a series from one download, in time order, and how far in time it reaches. */
export interface Chunk {
  /** where it came from (a URL), named in errors and notes */
  from: string;
  candles?: CandleRow[];
  funding?: FundingRow[];
  /** the series is covered up to this time (exclusive) once this chunk is in; for progress */
  through: number;
  /** something the user should know about this stretch (e.g. history the venue no longer serves) */
  note?: string;
}

/** The settlement hour a funding timestamp belongs to (the readers match with the same rule). */
export function settlementHour(t: number): number {
  return Math.round(t / HOUR_MS) * HOUR_MS;
}

export function seriesLabel(s: SeriesSpec): string {
  return `${s.source} ${s.symbol} ${s.kind === "funding" ? "funding" : `${s.interval} ${s.kind === "mark" ? "mark" : "klines"}`}`;
}
