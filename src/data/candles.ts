import { type Bars, BarsBuilder, InputError, formatDuration, isoTime, type SeriesInfo } from "../market/index.ts";
import { findGaps } from "./gaps.ts";
import { forEachRecord, parseNumber, parseTime } from "./source.ts";

/** Binance's public kline columns, in file order. Files may have the first six or all twelve. */
export const BINANCE_KLINE_COLUMNS = [
  "open_time", "open", "high", "low", "close", "volume",
  "close_time", "quote_volume", "count", "taker_buy_volume", "taker_buy_quote_volume", "ignore",
] as const;
const REQUIRED = ["open_time", "open", "high", "low", "close", "volume"] as const;

export interface CandleLayout {
  /** column index of each required field */
  index: Record<(typeof REQUIRED)[number], number>;
  columns: number;
  hasHeader: boolean;
}

/** true when the first record looks like a header (its first field is not a number). */
export function isHeader(fields: string[]): boolean {
  return fields.length > 0 && !/^\s*\d/.test(fields[0]);
}

/** Column layout from a header row, or Binance's positional layout for a headerless 6/12-column file. */
export function candleLayout(fields: string[], file: string): CandleLayout {
  if (!isHeader(fields)) {
    if (fields.length !== 6 && fields.length !== 12) {
      throw new InputError(`${file}:1: a headerless kline file has 6 or 12 columns (Binance layout), found ${fields.length}`);
    }
    return { index: { open_time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 }, columns: fields.length, hasHeader: false };
  }
  const names = fields.map((f) => f.trim());
  for (const n of names) {
    if (!(BINANCE_KLINE_COLUMNS as readonly string[]).includes(n)) {
      throw new InputError(`${file}:1: unknown column '${n}' (kline columns are ${BINANCE_KLINE_COLUMNS.join(",")})`);
    }
  }
  const index = {} as CandleLayout["index"];
  for (const r of REQUIRED) {
    const i = names.indexOf(r);
    if (i < 0) throw new InputError(`${file}:1: missing column '${r}'`);
    if (names.lastIndexOf(r) !== i) throw new InputError(`${file}:1: column '${r}' appears twice`);
    index[r] = i;
  }
  return { index, columns: names.length, hasHeader: true };
}

export interface CandleFile {
  bars: Bars;
  info: SeriesInfo;
}

export interface ReadCandlesOptions {
  /** the bar length the file must have (from its name or the catalog); otherwise the most common step */
  expectedIntervalMs?: number;
}

/**
 * Read and validate a candle file (last-trade or mark klines). Refuses, with file:line and field:
 * unknown columns, wrong field counts, unparseable or non-finite numbers, non-positive prices,
 * high below max(open, close), low above min(open, close), negative volume, duplicate or
 * decreasing open times, and steps that are not a whole number of bars (mixed intervals).
 * Gaps (steps of several whole bars) are reported in `info.gaps`, never filled.
 */
export async function readCandles(file: string, opts: ReadCandlesOptions = {}): Promise<CandleFile> {
  const b = new BarsBuilder(1 << 16);
  let layout: CandleLayout | undefined;
  let prevTime = -Infinity;
  let prevLine = 0;
  let firstDataLine = 1;
  let ti = 0, oi = 0, hi = 0, li = 0, ci = 0, vi = 0, cols = 0;

  await forEachRecord(file, (f, line) => {
    if (!layout) {
      layout = candleLayout(f, file);
      ({ open_time: ti, open: oi, high: hi, low: li, close: ci, volume: vi } = layout.index);
      cols = layout.columns;
      if (layout.hasHeader) {
        firstDataLine = 2;
        return;
      }
    }
    if (f.length !== cols) throw new InputError(`${file}:${line}: expected ${cols} fields, found ${f.length}`);
    const t = parseTime(f[ti], file, line, "open_time");
    const o = parseNumber(f[oi], file, line, "open");
    const h = parseNumber(f[hi], file, line, "high");
    const l = parseNumber(f[li], file, line, "low");
    const c = parseNumber(f[ci], file, line, "close");
    const v = parseNumber(f[vi], file, line, "volume");
    if (!(o > 0)) throw positive(file, line, "open", f[oi]);
    if (!(h > 0)) throw positive(file, line, "high", f[hi]);
    if (!(l > 0)) throw positive(file, line, "low", f[li]);
    if (!(c > 0)) throw positive(file, line, "close", f[ci]);
    for (const [name, x, text] of [["open", o, f[oi]], ["high", h, f[hi]], ["low", l, f[li]], ["close", c, f[ci]]] as const) {
      if (x < MIN_PRICE || x > MAX_PRICE) throw new InputError(`${file}:${line}: field '${name}' ${text} is outside the plausible price range ${MIN_PRICE} to ${MAX_PRICE}`);
    }
    if (!(v < 1e300)) throw new InputError(`${file}:${line}: field 'volume' ${f[vi]} is not a plausible volume`);
    if (v < 0) throw new InputError(`${file}:${line}: field 'volume' is negative (${f[vi]})`);
    if (h < o || h < c) throw new InputError(`${file}:${line}: field 'high' ${f[hi]} is below max(open, close) ${Math.max(o, c)}`);
    if (l > o || l > c) throw new InputError(`${file}:${line}: field 'low' ${f[li]} is above min(open, close) ${Math.min(o, c)}`);
    if (t <= prevTime) {
      const what = t === prevTime ? "duplicate" : "decreasing";
      throw new InputError(`${file}:${line}: field 'open_time' ${what} timestamp ${isoTime(t)} (line ${prevLine} has ${isoTime(prevTime)})`);
    }
    prevTime = t;
    prevLine = line;
    b.push(t, o, h, l, c, v);
  });

  if (b.length === 0) throw new InputError(`${file}: no bars (header only)`);
  const intervalMs = checkSteps(b.time.subarray(0, b.length), opts.expectedIntervalMs, file, firstDataLine);
  const bars = b.finish(intervalMs);
  return {
    bars,
    info: { file, rows: bars.length, first: bars.time[0], last: bars.time[bars.length - 1], gaps: findGaps(bars.time, intervalMs) },
  };
}

/** Prices outside this range are corrupt data (no listed perpetual trades below 1e-9 or above 1e10); the engine would overflow on them. */
const MIN_PRICE = 1e-9;
const MAX_PRICE = 1e10;

function positive(file: string, line: number, field: string, text: string): InputError {
  return new InputError(`${file}:${line}: field '${field}' must be a positive price, found ${text}`);
}

/**
 * The bar interval: the expected one if given, else the most common step. Every step must be a
 * whole multiple of it (a larger multiple is a gap); anything else means mixed bar intervals.
 */
function checkSteps(time: Float64Array, expected: number | undefined, file: string, firstLine: number): number {
  if (time.length < 2) {
    if (expected === undefined) throw new InputError(`${file}: one bar only, cannot tell the bar interval`);
    return expected;
  }
  const counts = new Map<number, number>();
  for (let i = 1; i < time.length; i++) {
    const d = time[i] - time[i - 1];
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let mode = 0;
  let best = 0;
  for (const [d, n] of counts) if (n > best || (n === best && d > mode)) [mode, best] = [d, n];
  if (expected !== undefined && mode !== expected) {
    throw new InputError(`${file}:${firstLine + 1}: field 'open_time' mixed bar intervals: bars are mostly ${formatDuration(mode)} apart but the file is named for ${formatDuration(expected)}`);
  }
  const interval = expected ?? mode;
  const iv = interval!;
  for (let i = 1; i < time.length; i++) {
    const d = time[i] - time[i - 1];
    if (d % iv !== 0) {
      throw new InputError(
        `${file}:${firstLine + i}: field 'open_time' mixed bar intervals: a ${formatDuration(d)} step in a ${formatDuration(iv)} series`,
      );
    }
  }
  return iv;
}
