import { InputError } from "../../market/index.ts";
import type { CandleSource } from "../catalog.ts";
import type { HttpClient, HttpReply } from "./http.ts";
import type { Chunk, FetchKind, SeriesSpec } from "./rows.ts";

export type FetchVenue = "binance-usdm" | "bybit" | "hyperliquid";
export const FETCH_VENUES: readonly FetchVenue[] = ["binance-usdm", "bybit", "hyperliquid"];

export interface VenueContext {
  http: HttpClient;
  /** base address replacing the venue's own (`--source`), without a trailing slash */
  base?: string;
  /** the present, epoch ms: candles that have not closed by then are never written */
  now: number;
}

/** A download to run: resolves to one chunk of a series. */
export type Task = () => Promise<Chunk>;

/** One venue: how symbols are named, which exist, and the downloads that cover a stretch of a series. */
export interface VenueFetcher {
  readonly name: FetchVenue;
  /** the data folder the readers know it by */
  readonly source: CandleSource;
  readonly kinds: readonly FetchKind[];
  /** the venue's name for a user's symbol ("btc" → "BTCUSDT" / "BTC") */
  symbol(user: string): string;
  /** refuse unknown symbols before anything is written */
  checkSymbols(symbols: string[], from: number, to: number): Promise<void>;
  /** downloads covering [from, to) of one series, in time order (they may run concurrently) */
  tasks(spec: SeriesSpec, from: number, to: number): AsyncIterable<Task>;
}

/** JSON of a reply, or a one-line error naming the address. */
export function jsonOf(r: HttpReply): unknown {
  const text = r.body.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${r.url}: malformed response (HTTP ${r.status}, not JSON: '${oneLine(text)}')`);
  }
}

export function malformed(url: string, what: string): InputError {
  return new InputError(`${url}: malformed response (${what})`);
}

export function oneLine(s: string, max = 80): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** A decimal number as text (the venues send numbers as strings); anything else is malformed. */
export function decimalText(v: unknown, url: string, where: string): string {
  const s = typeof v === "number" ? String(v) : v;
  if (typeof s !== "string" || !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) throw malformed(url, `${where} is ${JSON.stringify(v)}, not a number`);
  return s;
}

/** An epoch-millisecond time from a number or numeric string. */
export function timeOf(v: unknown, url: string, where: string): number {
  const t = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0) throw malformed(url, `${where} is ${JSON.stringify(v)}, not an epoch-millisecond time`);
  return t;
}

/** `url` with the query parameters appended. */
export function withQuery(url: string, q: Record<string, string | number>): string {
  return `${url}?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)] as [string, string])).toString()}`;
}

export const DAY_MS = 86_400_000;

/** 00:00 UTC of the first day of the month holding `t`. */
export function monthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function dayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/** "2024-03" and "2024-03-07" as the archive names them. */
export function monthName(t: number): string {
  return new Date(t).toISOString().slice(0, 7);
}
export function dayName(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}
