import { type GapReport, InputError, type Interval, isoTime } from "../../market/index.ts";
import { binanceFetcher } from "./binance.ts";
import { bybitFetcher } from "./bybit.ts";
import { HttpClient } from "./http.ts";
import { hyperliquidFetcher } from "./hyperliquid.ts";
import { inOrder } from "./ordered.ts";
import { type CandleRow, type FetchKind, type FundingRow, type SeriesSpec, seriesLabel } from "./rows.ts";
import { type OverlapReport, SeriesFile } from "./series.ts";
import type { FetchVenue, VenueContext, VenueFetcher } from "./venue.ts";

export interface FetchOptions {
  venue: FetchVenue;
  /** as the user typed them ("BTC", "ethusdt"); named the venue's way */
  symbols: string[];
  /** start, inclusive, epoch ms */
  from: number;
  /** end, exclusive, epoch ms; default now */
  to?: number;
  /** default: every kind the venue publishes */
  kinds?: FetchKind[];
  /** candle bar; default 1h */
  interval?: Interval;
  dataDir: string;
  /** replaces the venue's base address(es) */
  source?: string;
  /** requests in flight; default 4 */
  concurrency?: number;
  retries?: number;
  /** multiplies every wait (tests) */
  delayScale?: number;
  signal?: AbortSignal;
  /** the present (tests pin it); default Date.now() */
  now?: number;
  /** write what has arrived at most this often (and at the end of each series); default 5 s */
  commitEveryMs?: number;
  onEvent?: (e: FetchEvent) => void;
}

export type FetchEvent =
  | { type: "plan"; series: number }
  | { type: "progress"; series: number; fraction: number; rowsAdded: number; label: string }
  | { type: "wait"; ms: number; reason: string }
  | { type: "note"; text: string }
  | { type: "done"; result: SeriesResult };

export interface SeriesResult {
  label: string;
  path: string;
  added: number;
  rows: number;
  first?: number;
  last?: number;
  gaps: GapReport;
  overlap: OverlapReport;
  insideHoles: number;
  notes: string[];
}

export interface FetchReport {
  series: SeriesResult[];
  requests: number;
}

export function venueFetcher(venue: FetchVenue, ctx: VenueContext): VenueFetcher {
  switch (venue) {
    case "binance-usdm":
      return binanceFetcher(ctx);
    case "bybit":
      return bybitFetcher(ctx);
    case "hyperliquid":
      return hyperliquidFetcher(ctx);
  }
}

/**
 * `perpsim data fetch`: for each symbol and kind, extend (or create) its file in the data folder with
 * what the venue has between `from` and `to` that the file does not. Unknown symbols are refused
 * before anything is written; each file is written whole under a temporary name and renamed.
 */
export async function fetchData(opts: FetchOptions): Promise<FetchReport> {
  const now = opts.now ?? Date.now();
  const to = Math.min(opts.to ?? now, now);
  if (!(opts.from < to)) throw new InputError(`--from ${isoTime(opts.from)} is not before --to ${isoTime(to)}`);
  let requests = 0;
  const emit = opts.onEvent ?? (() => {});
  const http = new HttpClient({
    concurrency: opts.concurrency, retries: opts.retries, delayScale: opts.delayScale, signal: opts.signal,
    onWait: (ms, reason) => emit({ type: "wait", ms, reason }), onRequest: () => requests++,
  });
  const base = opts.source?.replace(/\/+$/, "");
  if (base !== undefined && !/^https?:\/\/[^/]/.test(base)) throw new InputError(`--source: '${opts.source}' is not an http(s) address`);
  const venue = venueFetcher(opts.venue, { http, base, now });
  const kinds = opts.kinds ?? venue.kinds;
  const missing = kinds.filter((k) => !venue.kinds.includes(k));
  if (missing.includes("mark")) throw new InputError(`${opts.venue} publishes no mark-price candle history; fetch --kinds ${venue.kinds.join(",")} (perpsim then triggers liquidations on last-trade candles)`);
  const symbols = [...new Set(opts.symbols.map((s) => venue.symbol(s)))];
  if (symbols.length === 0) throw new InputError("--symbols: no symbol given");
  await venue.checkSymbols(symbols, opts.from, to);

  const specs: SeriesSpec[] = symbols.flatMap((symbol) => kinds.map((kind) => ({ source: venue.source, kind, symbol, interval: kind === "funding" ? undefined : (opts.interval ?? "1h") })));
  emit({ type: "plan", series: specs.length });
  const results: SeriesResult[] = [];
  for (let i = 0; i < specs.length; i++) {
    const r = await fetchSeries(venue, specs[i], opts.from, to, opts, (fraction, rowsAdded) => emit({ type: "progress", series: i, fraction, rowsAdded, label: seriesLabel(specs[i]) }), (text) => emit({ type: "note", text }));
    results.push(r);
    emit({ type: "done", result: r });
  }
  return { series: results, requests };
}

async function fetchSeries(
  venue: VenueFetcher, spec: SeriesSpec, from: number, to: number, opts: FetchOptions,
  progress: (fraction: number, rowsAdded: number) => void, note: (text: string) => void,
): Promise<SeriesResult> {
  const file = await SeriesFile.open(opts.dataDir, spec);
  const notes: string[] = [];
  const ahead = Math.max(1, opts.concurrency ?? 4);
  const commitEvery = opts.commitEveryMs ?? 5000;
  const span = file.span;
  const total = to - from;
  let covered = 0;
  const tell = (text: string) => {
    notes.push(text);
    note(`${file.label}: ${text}`);
  };

  // older history than the file holds: gathered whole, then written in front of it in one rewrite
  if (span && from < span[0]) {
    const rows: (CandleRow | FundingRow)[] = [];
    for await (const chunk of inOrder(venue.tasks(spec, from, span[0]), ahead)) {
      rows.push(...((spec.kind === "funding" ? chunk.funding : chunk.candles) ?? []));
      if (chunk.note) tell(chunk.note);
      covered = chunk.through - from;
      progress(Math.min(1, covered / total), file.added);
    }
    if (rows.length > 0) await file.prepend(rows, `${seriesLabel(spec)} ${isoTime(from)} → ${isoTime(span[0])}`);
  }

  // the tail: from the file's last row (fetched again, to check the sources agree) to `to`
  const tailFrom = span ? Math.max(from, span[1]) : from;
  if (tailFrom < to) {
    let lastCommit = Date.now();
    for await (const chunk of inOrder(venue.tasks(spec, tailFrom, to), ahead)) {
      file.add(chunk);
      if (chunk.note) tell(chunk.note);
      covered = Math.max(covered, chunk.through - from);
      if (file.pendingRows > 0 && Date.now() - lastCommit >= commitEvery) {
        await file.commit();
        lastCommit = Date.now();
      }
      progress(Math.min(1, covered / total), file.added + file.pendingRows);
    }
    await file.commit();
  }
  progress(1, file.added);

  if (file.overlap.differ > 0) tell(`${file.overlap.differ} of ${file.overlap.compared} rows fetched again differ from the file's (first at ${file.overlap.first}); the file's rows were kept`);
  if (file.insideHoles > 0) tell(`${file.insideHoles} fetched rows fall inside holes of the existing file and were not inserted (fetch into an empty --data folder to get them)`);
  if (file.rows === 0) tell(`no rows between ${isoTime(from)} and ${isoTime(to)}`);
  const s = file.span;
  return { label: file.label, path: file.path, added: file.added, rows: file.rows, first: s?.[0], last: s?.[1], gaps: file.gaps, overlap: file.overlap, insideHoles: file.insideHoles, notes };
}
