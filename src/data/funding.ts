import { InputError, type FundingSeries, HOUR_MS, isoTime, type FundingInfo } from "../market/index.ts";
import { findGaps } from "./gaps.ts";
import { forEachRecord, parseNumber, parseTime } from "./source.ts";

/** The funding layouts we read, recognised by their header row. */
/** A funding rate beyond ±10 % per settlement is corrupt data (venue caps are a few percent at most). */
const MAX_RATE = 0.1;

export const FUNDING_FORMATS = {
  /** Binance's public fundingRate files: rate per settlement, interval per row */
  "binance-funding": ["calc_time", "funding_interval_hours", "last_funding_rate"],
  /** Hyperliquid fundingHistory: the rate is per hour, one settlement an hour */
  "hyperliquid-funding": ["time", "coin", "fundingRate"],
  /** other venues: rate per settlement, interval taken from the file's most common spacing */
  "generic-funding": ["time", "fundingRate"],
} as const;
export type FundingFormat = keyof typeof FUNDING_FORMATS;

export function fundingFormatOf(header: string[]): FundingFormat | undefined {
  const h = header.map((x) => x.trim()).join(",");
  for (const [name, cols] of Object.entries(FUNDING_FORMATS)) if (cols.join(",") === h) return name as FundingFormat;
  return undefined;
}

export interface FundingFile {
  format: FundingFormat;
  funding: FundingSeries;
  info: FundingInfo;
}

/**
 * Read and validate a funding file. Each settlement time is matched to its settlement hour (the
 * nearest whole hour: real timestamps carry jitter of milliseconds to minutes); two rows landing on
 * the same hour, or going back in time, are refused. Missing settlements are reported as gaps.
 */
export async function readFunding(file: string): Promise<FundingFile> {
  let format: FundingFormat | undefined;
  let cap = 1 << 12;
  let time = new Float64Array(cap);
  let rate = new Float64Array(cap);
  let hours = new Float64Array(cap);
  let n = 0;
  let maxJitter = 0;
  let prevLine = 0;

  await forEachRecord(file, (f, line) => {
    if (!format) {
      format = fundingFormatOf(f);
      if (!format) throw new InputError(`${file}:1: unknown columns '${f.join(",")}' for a funding file (expected one of: ${Object.values(FUNDING_FORMATS).map((c) => c.join(",")).join(" | ")})`);
      return;
    }
    const cols = FUNDING_FORMATS[format];
    if (f.length !== cols.length) throw new InputError(`${file}:${line}: expected ${cols.length} fields, found ${f.length}`);
    const raw = parseTime(f[0], file, line, cols[0]);
    let r: number;
    let h: number;
    if (format === "binance-funding") {
      h = parseNumber(f[1], file, line, "funding_interval_hours");
      if (!(h > 0) || !Number.isInteger(h)) throw new InputError(`${file}:${line}: field 'funding_interval_hours' must be a positive whole number, found ${f[1]}`);
      r = parseNumber(f[2], file, line, "last_funding_rate");
    } else if (format === "hyperliquid-funding") {
      h = 1;
      r = parseNumber(f[2], file, line, "fundingRate");
    } else {
      h = 0; // filled in from the spacing below
      r = parseNumber(f[1], file, line, "fundingRate");
    }
    if (!(Math.abs(r) <= MAX_RATE)) {
      const at = format === "binance-funding" || format === "hyperliquid-funding" ? 2 : 1;
      throw new InputError(`${file}:${line}: field '${cols[at]}' ${f[at]} is outside the plausible range ±${MAX_RATE} (±${MAX_RATE * 100} %) per settlement`);
    }
    const t = Math.round(raw / HOUR_MS) * HOUR_MS;
    const jitter = Math.abs(raw - t);
    if (jitter > maxJitter) maxJitter = jitter;
    if (n > 0 && t <= time[n - 1]) {
      const what = t === time[n - 1] ? "duplicate settlement" : "decreasing settlement time";
      throw new InputError(`${file}:${line}: field '${cols[0]}' ${what} ${isoTime(t)} (line ${prevLine} has ${isoTime(time[n - 1])})`);
    }
    if (n === cap) {
      cap *= 2;
      time = grow(time, cap);
      rate = grow(rate, cap);
      hours = grow(hours, cap);
    }
    time[n] = t;
    rate[n] = r;
    hours[n] = h;
    n++;
    prevLine = line;
  });

  if (!format) throw new InputError(`${file}: empty file`);
  if (n === 0) throw new InputError(`${file}: no settlements (header only)`);
  const funding: FundingSeries = { length: n, time: time.slice(0, n), rate: rate.slice(0, n), intervalHours: hours.slice(0, n) };
  if (format === "generic-funding") fillIntervalFromSpacing(funding);
  const gaps = findGaps(funding.time, (i) => Math.max(funding.intervalHours[i], funding.intervalHours[i - 1]) * HOUR_MS);
  return { format, funding, info: { file, rows: n, first: funding.time[0], last: funding.time[n - 1], maxJitterMs: maxJitter, gaps } };
}

function grow(a: Float64Array<ArrayBuffer>, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/** A generic file says no interval: use its most common spacing (8h for most venues, 1h for dYdX). */
function fillIntervalFromSpacing(f: FundingSeries): void {
  const counts = new Map<number, number>();
  for (let i = 1; i < f.length; i++) {
    const d = (f.time[i] - f.time[i - 1]) / HOUR_MS;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best = 8;
  let bestN = 0;
  for (const [d, c] of counts) if (c > bestN) [best, bestN] = [d, c];
  f.intervalHours.fill(best);
}
