import { existsSync } from "node:fs";
import { type Bars, InputError, sliceFunding, type Interval, INTERVALS, formatDuration, isoTime, type MarketData, type SeriesInfo, type SymbolData } from "../market/index.ts";
import { alignBars, alignedGaps, describeGaps, presentSpan } from "./align.ts";
import { readCandlesCached, readFundingCached } from "./cachedReaders.ts";
import { type CandleSource, DEFAULT_DATA_DIR, type FundingSource, MARK_SOURCES, datasetPath, venueSymbol } from "./catalog.ts";
import type { FundingFile } from "./funding.ts";
import { resample } from "./resample.ts";

export interface LoadMarketOptions {
  /** a data root laid out like ../shared/data; default: the project's shipped `data/` */
  dataDir?: string;
  /** "BTC", "BTCUSDT", "eth"… (normalised per source) */
  symbols: string[];
  /** the clock's bar length; default "1h". Coarser than the files: resampled with true high/low */
  interval?: Interval;
  /** start, inclusive: epoch ms or an ISO date/time (UTC unless it says otherwise); default: the common start */
  from?: number | string;
  /** end, exclusive; default: the common end */
  to?: number | string;
  /** whose last-trade candles; default "binance-usdm" */
  source?: CandleSource;
  /** load mark-price candles (binance-usdm and bybit only). Default: yes when the source has them, a warning if a file is missing */
  mark?: boolean;
  /** funding series to attach; default: the source's own (none for spot). `false` for none */
  funding?: FundingSource | false;
  /** a missing funding file is an InputError (default: when `funding` is given); false: a warning, funding unknown */
  fundingRequired?: boolean;
  /** finer candles to replay inside each bar, e.g. "5m" */
  detail?: Interval;
}

/** Epoch ms from a number or an ISO date; a date/time without zone is taken as UTC. */
export function parseTimeArg(value: number | string, what: string): number {
  if (typeof value === "number") return value;
  const s = value.trim();
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(s) || /^\d{4}-\d\d-\d\d$/.test(s) ? s : `${s}Z`;
  const t = /^\d{10,16}$/.test(s) ? Number(s) : Date.parse(zoned);
  const ymd = /^(\d{4})-(\d\d)-(\d\d)/.exec(s);
  if (ymd) {
    const day = new Date(Date.UTC(+ymd[1], +ymd[2] - 1, +ymd[3]));
    // Date.parse rolls 2020-02-30 over to 03-01; a day the calendar does not have is a typo
    if (day.getUTCMonth() !== +ymd[2] - 1 || day.getUTCDate() !== +ymd[3]) throw new InputError(`--${what}: '${value}' is not a day of the calendar`);
  }
  if (!Number.isFinite(t)) throw new InputError(`--${what}: '${value}' is not a date (use 2020-03-12 or 2020-03-12T02:00Z)`);
  return t;
}

interface CandleLoad {
  bars: Bars;
  info: SeriesInfo;
  partialBuckets: number;
}

/** The finest file at or below `interval` that divides it, read and resampled to `interval`. */
async function loadCandles(dataDir: string, source: CandleSource, kind: "klines" | "mark", symbol: string, interval: Interval): Promise<CandleLoad | undefined> {
  const target = INTERVALS[interval];
  const candidates = (Object.keys(INTERVALS) as Interval[])
    .filter((iv) => INTERVALS[iv] <= target && target % INTERVALS[iv] === 0)
    .sort((a, b) => INTERVALS[b] - INTERVALS[a]);
  for (const iv of candidates) {
    const path = datasetPath(dataDir, source, kind, symbol, iv);
    if (!existsSync(path)) continue;
    const file = await readCandlesCached(path, { expectedIntervalMs: INTERVALS[iv] }); // parsed once, then from the binary cache
    const r = resample(file.bars, target);
    return { bars: r.bars, info: file.info, partialBuckets: r.partialBuckets };
  }
  return undefined;
}

/**
 * Load, validate and align several symbols on one clock. This is what the backtester and
 * `perpsim data` call.
 *
 * Policy, stated once: bars are never invented. Steps where a symbol has no bar are NaN (see
 * `hasBar`) and described in `warnings`; a symbol with no bar at all in the range, an unknown
 * symbol, or a missing funding/mark file that was asked for explicitly is an InputError.
 * The default range is the span every symbol covers; a range given by the caller is clipped to
 * where any symbol has data.
 */
export async function loadMarket(opts: LoadMarketOptions): Promise<MarketData> {
  const dataDir = opts.dataDir ?? DEFAULT_DATA_DIR;
  if (!existsSync(dataDir)) throw new InputError(`--data ${dataDir}: no such folder`);
  if (opts.symbols.length === 0) throw new InputError("no symbols given");
  const interval = opts.interval ?? "1h";
  const iv = INTERVALS[interval];
  const source = opts.source ?? "binance-usdm";
  const wantMark = opts.mark ?? MARK_SOURCES.includes(source);
  const markExplicit = opts.mark === true;
  const fundingSource: FundingSource | false = opts.funding ?? (source === "binance-spot" ? false : source);
  const fundingExplicit = opts.fundingRequired ?? opts.funding !== undefined;
  if (wantMark && !MARK_SOURCES.includes(source)) throw new InputError(`mark-price candles exist only for ${MARK_SOURCES.join(" and ")}, not ${source}`);
  if (opts.detail && INTERVALS[opts.detail] >= iv) throw new InputError(`--detail ${opts.detail} must be finer than the interval ${interval}`);
  const symbols = opts.symbols.map((s) => venueSymbol(source, s));
  const dup = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (dup) throw new InputError(`symbol ${dup} given twice`);
  const warnings: string[] = [];

  const loaded = await Promise.all(
    symbols.map(async (symbol) => {
      const [bars, mark, funding, detail] = await Promise.all([
        loadCandles(dataDir, source, "klines", symbol, interval),
        wantMark ? loadCandles(dataDir, source, "mark", symbol, interval) : undefined,
        fundingSource ? loadFundingFile(dataDir, fundingSource, symbol) : undefined,
        opts.detail ? loadCandles(dataDir, source, "klines", symbol, opts.detail) : undefined,
      ]);
      if (!bars) throw new InputError(`unknown symbol ${symbol}: no ${source} ${interval} candles in ${dataDir} (see \`perpsim data list\`)`);
      if (wantMark && !mark) {
        if (markExplicit) throw new InputError(`${symbol}: no ${interval} mark-price candles in ${dataDir}`);
        warnings.push(`${symbol}: no mark-price candles; liquidation triggers fall back to last-trade prices`);
      }
      if (fundingSource && !funding) {
        if (fundingExplicit) throw new InputError(`${symbol}: no ${fundingSource} funding file in ${dataDir}`);
        warnings.push(`${symbol}: no funding file; funding is unknown (not zero) for this symbol`);
      }
      if (opts.detail && !detail) warnings.push(`${symbol}: no ${opts.detail} candles for --detail; bars are replayed on their 4-point path`);
      return { symbol, bars, mark, funding, detail };
    }),
  );

  const { from, to } = marketClock(loaded, opts, iv, interval, symbols, warnings);
  const length = (to - from) / iv;
  const time = new Float64Array(length);
  for (let k = 0; k < length; k++) time[k] = from + k * iv;

  const out: SymbolData[] = loaded.map((l) => alignSymbol(l, from, to, length, iv, interval, warnings));

  return { intervalMs: iv, from, to, length, time, symbols: out, warnings };
}

/** One symbol's files as read, before they are put on the run's clock. */
interface LoadedSymbol { symbol: string; bars: CandleLoad; mark?: CandleLoad; funding?: FundingFile; detail?: CandleLoad }

/** The clock: a caller's range clipped to the data, or by default the span all symbols share (whole bars). */
function marketClock(loaded: readonly LoadedSymbol[], opts: LoadMarketOptions, iv: number, interval: Interval, symbols: readonly string[], warnings: string[]): { from: number; to: number } {
  const firsts = loaded.map((l) => l.bars.bars.time[0]);
  const ends = loaded.map((l) => l.bars.bars.time[l.bars.bars.length - 1] + iv);
  const userFrom = opts.from !== undefined ? parseTimeArg(opts.from, "from") : undefined;
  const userTo = opts.to !== undefined ? parseTimeArg(opts.to, "to") : undefined;
  if (userFrom !== undefined && userTo !== undefined && userFrom >= userTo) throw new InputError(`--from ${isoTime(userFrom)} is not before --to ${isoTime(userTo)}`);
  let from = userFrom !== undefined ? Math.max(userFrom, Math.min(...firsts)) : Math.max(...firsts);
  let to = userTo !== undefined ? Math.min(userTo, Math.max(...ends)) : Math.min(...ends);
  from = Math.ceil(from / iv) * iv;
  to = Math.floor(to / iv) * iv;
  if (userFrom !== undefined && from > userFrom && to > from) warnings.push(`--from ${isoTime(userFrom)} is before the data: the run starts at ${isoTime(from)}, where the data starts`);
  if (userTo !== undefined && to < userTo && to > from) warnings.push(`--to ${isoTime(userTo)} is after the data: the run ends at ${isoTime(to)}, where the data ends`);
  if (!(to > from)) {
    const dataSpan = `${isoTime(Math.max(...firsts))} → ${isoTime(Math.min(...ends))}`;
    if (userTo !== undefined && userTo <= Math.max(...firsts)) throw new InputError(`--to ${isoTime(userTo)} is not after the start of the data for ${symbols.join(", ")} (${dataSpan})`);
    if (userFrom !== undefined && userFrom >= Math.min(...ends)) throw new InputError(`--from ${isoTime(userFrom)} is not before the end of the data for ${symbols.join(", ")} (${dataSpan})`);
    const span = `${isoTime(userFrom ?? Math.max(...firsts))} → ${isoTime(userTo ?? Math.min(...ends))}`;
    throw new InputError(`no ${interval} data for ${symbols.join(", ")} in ${span}`);
  }
  return { from, to };
}

/** One symbol's bars, mark, funding and detail on the clock [from, to), with what is absent described in `warnings`. */
function alignSymbol(l: LoadedSymbol, from: number, to: number, length: number, iv: number, interval: Interval, warnings: string[]): SymbolData {
  const bars = alignBars(l.bars.bars, from, length, l.bars.info.file);
  const span = presentSpan(bars);
  if (!span) throw new InputError(`${l.symbol}: no ${interval} candles between ${isoTime(from)} and ${isoTime(to)} (its data: ${isoTime(l.bars.info.first)} → ${isoTime(l.bars.info.last)})`);
  if (span[0] > from) warnings.push(`${l.symbol}: candles start ${isoTime(span[0])}, after the clock's start ${isoTime(from)}; earlier steps are absent`);
  if (span[1] + iv < to) warnings.push(`${l.symbol}: candles end ${isoTime(span[1] + iv)}, before the clock's end ${isoTime(to)}; later steps are absent`);
  reportHoles(warnings, `${l.symbol} ${interval} candles`, bars, l.bars.partialBuckets, interval);
  const sd: SymbolData = { symbol: l.symbol, bars, info: { bars: l.bars.info } };
  if (l.mark) {
    sd.mark = alignBars(l.mark.bars, from, length, l.mark.info.file);
    sd.info.mark = l.mark.info;
    const ms = presentSpan(sd.mark);
    if (!ms) warnings.push(`${l.symbol}: no mark-price candles in range; liquidation triggers fall back to last-trade prices`);
    else {
      if (ms[0] > from) warnings.push(`${l.symbol}: mark-price candles start ${isoTime(ms[0])}; before that, last-trade prices stand in`);
      reportHoles(warnings, `${l.symbol} mark candles`, sd.mark, l.mark.partialBuckets, interval);
    }
  }
  if (l.funding) {
    sd.funding = sliceFunding(l.funding.funding, from, to);
    sd.info.funding = l.funding.info;
    const f = sd.funding;
    if (f.length === 0) warnings.push(`${l.symbol}: no funding settlements in range; funding is unknown (not zero)`);
    else if (f.time[0] - Math.max(from, span[0]) > 8 * 3_600_000) warnings.push(`${l.symbol}: funding starts ${isoTime(f.time[0])}; before that funding is unknown (not zero)`);
  }
  if (l.detail) {
    const dIv = l.detail.bars.intervalMs;
    const dFrom = Math.max(from, Math.ceil(l.detail.bars.time[0] / dIv) * dIv);
    const dTo = Math.min(to, l.detail.bars.time[l.detail.bars.length - 1] + dIv);
    if (dTo > dFrom) {
      sd.detail = alignBars(l.detail.bars, dFrom, Math.floor((dTo - dFrom) / dIv), l.detail.info.file);
      sd.info.detail = l.detail.info;
      if (dFrom > from || dTo < to) warnings.push(`${l.symbol}: ${formatDuration(dIv)} detail covers ${isoTime(dFrom)} → ${isoTime(dTo)} only`);
    } else warnings.push(`${l.symbol}: no ${formatDuration(dIv)} detail candles in range`);
  }
  return sd;
}

function reportHoles(warnings: string[], label: string, aligned: Bars, partial: number, interval: Interval): void {
  const g = alignedGaps(aligned);
  // resampled series: a coarse bar with any finer bar missing is itself absent, so it shows up here
  const note = partial > 0 ? ` (resampled to ${interval}: a bar with a missing finer bar inside is absent)` : "";
  if (g.missingBars > 0) warnings.push(describeGaps(label, g) + note);
}

async function loadFundingFile(dataDir: string, source: FundingSource, symbol: string): Promise<FundingFile | undefined> {
  const path = datasetPath(dataDir, source, "funding", symbol);
  return existsSync(path) ? readFundingCached(path) : undefined;
}
