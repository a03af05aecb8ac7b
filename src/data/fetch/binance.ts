import { InputError, INTERVALS, isoTime } from "../../market/index.ts";
import { venueSymbol } from "../catalog.ts";
import type { HttpReply } from "./http.ts";
import { type CandleRow, type Chunk, type FundingRow, type SeriesSpec, settlementHour } from "./rows.ts";
import {
  type Task, type VenueContext, type VenueFetcher, DAY_MS, dayName, dayStart, decimalText, jsonOf, malformed, monthName, monthStart, nextMonth, oneLine, timeOf, withQuery,
} from "./venue.ts";
import { csvFromZip, parseChecksum, verifySha256 } from "./zip.ts";

const ARCHIVE = "https://data.binance.vision";
const REST = "https://fapi.binance.com";
const KLINE_PAGE = 1500;
const FUNDING_PAGE = 1000;

/**
 * Binance USD-M: whole months from the public data archive (`data/futures/um/monthly/...`), days of
 * the current month (or of a month not yet archived) from its daily zips, each checked against its
 * `.CHECKSUM`; the REST API only for the hours after the last archived row.
 */
export function binanceFetcher(ctx: VenueContext): VenueFetcher {
  const archive = ctx.base ?? ARCHIVE;
  const rest = ctx.base ?? REST;
  const restKnown = new Map<string, boolean>();
  const zipCsv = archiveReader(ctx, archive);

  async function* candleTasks(spec: SeriesSpec, from: number, to: number): AsyncGenerator<Task> {
    const iv = INTERVALS[spec.interval!];
    const { monthly, daily } = candleArchive(ctx, zipCsv, spec, from, to);
    const started: Promise<Chunk>[] = [];
    const track = (t: Task): Task => () => {
      const p = t();
      started.push(p);
      return p;
    };
    const thisMonth = monthStart(ctx.now);
    for (let m = monthStart(from); m < to && m < thisMonth; m = nextMonth(m)) yield track(monthly(m));
    for (let d = Math.max(thisMonth, dayStart(from)); d < to && d < dayStart(ctx.now); d += DAY_MS) yield track(daily(d));
    const archived = await Promise.allSettled(started);
    const lastArchived = Math.max(-Infinity, ...archived.flatMap((s) => (s.status === "fulfilled" ? s.value.candles!.map((r) => r.t) : [])));
    const end = Math.min(to, Math.floor(ctx.now / iv) * iv);
    // the API's first candle is the archive's last one again: the two sources are compared at the seam
    let start = Math.max(from, Number.isFinite(lastArchived) ? lastArchived : from);
    if (start + iv >= end && Number.isFinite(lastArchived)) return;
    if (start >= end || restKnown.get(spec.symbol) === false) return;
    const path = spec.kind === "mark" ? "/fapi/v1/markPriceKlines" : "/fapi/v1/klines";
    while (start < end) {
      const pageEnd = Math.min(end, start + KLINE_PAGE * iv);
      const s = start;
      yield async () => {
        const url = withQuery(`${rest}${path}`, { symbol: spec.symbol, interval: spec.interval!, startTime: s, endTime: pageEnd - 1, limit: KLINE_PAGE });
        const rows = await ctx.http.request(url, {}, (r) => restKlines(r));
        return { from: url, candles: rows.filter((r) => r.t >= s && r.t < pageEnd && r.t + iv <= ctx.now), through: pageEnd };
      };
      start = pageEnd;
    }
  }

  async function* fundingTasks(spec: SeriesSpec, from: number, to: number): AsyncGenerator<Task> {
    const keep = (rows: FundingRow[]) => rows.filter((r) => settlementHour(r.t) >= from && settlementHour(r.t) < to && r.t <= ctx.now);
    const started: Promise<Chunk>[] = [];
    const thisMonth = monthStart(ctx.now);
    for (let m = monthStart(from); m < to && m < thisMonth; m = nextMonth(m)) {
      const task: Task = async () => {
        const z = await zipCsv(`data/futures/um/monthly/fundingRate/${spec.symbol}`, `${spec.symbol}-fundingRate-${monthName(m)}.zip`);
        return { from: z?.url ?? `${spec.symbol} funding ${monthName(m)} (not in the archive)`, funding: z ? keep(fundingCsv(z.text, z.url)) : [], through: Math.min(nextMonth(m), to) };
      };
      yield () => {
        const p = task();
        started.push(p);
        return p;
      };
    }
    const archived = await Promise.allSettled(started);
    const lastArchived = Math.max(-Infinity, ...archived.flatMap((s) => (s.status === "fulfilled" ? s.value.funding!.map((r) => r.t) : [])));
    if (restKnown.get(spec.symbol) === false) return;
    // funding pages follow each other (each starts after the last settlement of the one before)
    let start = Math.max(from - 3_600_000 / 2, Number.isFinite(lastArchived) ? lastArchived : -Infinity); // the seam settlement again, compared
    const end = Math.min(to, ctx.now);
    while (start < end) {
      const s = start;
      const url = withQuery(`${rest}/fapi/v1/fundingRate`, { symbol: spec.symbol, startTime: s, endTime: end - 1, limit: FUNDING_PAGE });
      const rows = await ctx.http.request(url, {}, (r) => restFunding(r));
      const lastT = rows.length ? rows[rows.length - 1].t : end;
      yield async () => ({ from: url, funding: keep(rows), through: Math.min(end, lastT + 1) });
      if (rows.length < FUNDING_PAGE) break;
      start = lastT + 1;
    }
  }

  return {
    name: "binance-usdm",
    source: "binance-usdm",
    kinds: ["klines", "mark", "funding"],
    symbol: (s) => venueSymbol("binance-usdm", s),
    async checkSymbols(symbols, from, to) {
      for (const s of symbols) {
        const url = withQuery(`${rest}/fapi/v1/klines`, { symbol: s, interval: "1d", limit: 1 });
        const known = await ctx.http.request(url, {}, (r) => {
          if (r.status === 404 || (r.status === 400 && /-1121|invalid symbol/i.test(r.body.toString("utf8")))) return false;
          restKlines(r);
          return true;
        });
        restKnown.set(s, known);
        if (known) continue;
        // delisted symbols are gone from the API but kept in the archive
        const probe = monthStart(Math.min(to - 1, monthStart(ctx.now) - 1));
        const months = [...new Set([monthStart(from), probe])].filter((m) => m < monthStart(ctx.now));
        let archived = false;
        for (const m of months) {
          const name = `${s}-1d-${monthName(m)}.zip.CHECKSUM`;
          archived ||= await ctx.http.request(`${archive}/data/futures/um/monthly/klines/${s}/1d/${name}`, {}, (r) => r.status !== 404 && expectOk(r));
        }
        if (!archived) throw new InputError(`unknown symbol ${s} on binance-usdm: the API does not list it (${url}) and the archive has no file for it in ${isoTime(from).slice(0, 10)} → ${isoTime(to).slice(0, 10)}`);
      }
    },
    tasks: (spec, from, to) => (spec.kind === "funding" ? fundingTasks(spec, from, to) : candleTasks(spec, from, to)),
  };
}

type ZipCsv = (path: string, name: string) => Promise<{ url: string; text: string } | undefined>;

/** The CSV inside an archive zip after its sha256 matched its `.CHECKSUM`; undefined when the archive has no such file. */
function archiveReader(ctx: VenueContext, archive: string): ZipCsv {
  return async (path, name) => {
    const url = `${archive}/${path}/${name}`;
    const sum = await ctx.http.request(`${url}.CHECKSUM`, {}, (r) => (r.status === 404 ? undefined : expectOk(r) && r.body.toString("utf8")));
    if (sum === undefined) return undefined;
    const expected = parseChecksum(sum, name, `${url}.CHECKSUM`);
    const body = await ctx.http.request(url, {}, (r) => (r.status === 404 ? undefined : expectOk(r) && r.body));
    if (body === undefined) throw new InputError(`${url}: the archive lists a .CHECKSUM but no zip (HTTP 404)`);
    verifySha256(body, expected, url);
    return { url, text: csvFromZip(body, url) };
  };
}

/** Downloads of one month (last month falls back to its days when not archived yet) and of one day of candles. */
function candleArchive(ctx: VenueContext, zipCsv: ZipCsv, spec: SeriesSpec, from: number, to: number): { monthly: (m: number) => Task; daily: (d: number) => Task } {
  const iv = INTERVALS[spec.interval!];
  const folder = spec.kind === "mark" ? "markPriceKlines" : "klines";
  const keep = (rows: CandleRow[]) => rows.filter((r) => r.t >= from && r.t < to && r.t + iv <= ctx.now);
  const daily = (d: number): Task => async () => {
    const z = await zipCsv(`data/futures/um/daily/${folder}/${spec.symbol}/${spec.interval}`, `${spec.symbol}-${spec.interval}-${dayName(d)}.zip`);
    return { from: z?.url ?? `${spec.symbol} ${dayName(d)} (not in the archive)`, candles: z ? keep(klineCsv(z.text, z.url)) : [], through: Math.min(d + DAY_MS, to) };
  };
  const monthly = (m: number): Task => async () => {
    const z = await zipCsv(`data/futures/um/monthly/${folder}/${spec.symbol}/${spec.interval}`, `${spec.symbol}-${spec.interval}-${monthName(m)}.zip`);
    if (z) return { from: z.url, candles: keep(klineCsv(z.text, z.url)), through: Math.min(nextMonth(m), to) };
    // last month may not be archived yet (monthly files appear some days into the next month): its days
    // instead. An older month missing is simply not there (before listing, after delisting).
    if (nextMonth(m) !== monthStart(ctx.now)) return { from: `${spec.symbol} ${monthName(m)} (not in the archive)`, candles: [], through: Math.min(nextMonth(m), to) };
    const rows: CandleRow[] = [];
    const sources: string[] = [];
    for (let d = Math.max(m, dayStart(from)); d < Math.min(nextMonth(m), to, dayStart(ctx.now)); d += DAY_MS) {
      const c = await daily(d)();
      rows.push(...c.candles!);
      if (c.candles!.length) sources.push(c.from);
    }
    return { from: sources[0] ?? `${spec.symbol} ${monthName(m)} (not in the archive)`, candles: rows, through: Math.min(nextMonth(m), to) };
  };
  return { monthly, daily };
}


/** A 200 reply, else a one-line error naming the address and what Binance said. */
function expectOk(r: HttpReply): true {
  if (r.status === 200) return true;
  throw new InputError(`${r.url}: HTTP ${r.status} (${oneLine(r.body.toString("utf8"))})`);
}

/**
 * Rows of an archive kline CSV: 12 columns (open_time,open,high,low,close,volume,close_time,…),
 * with a header row in newer files and without in older ones.
 */
export function klineCsv(text: string, url: string): CandleRow[] {
  const out: CandleRow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line === "") continue;
    const f = line.split(",");
    if (i === 0 && !/^\d/.test(f[0])) continue; // header
    if (f.length !== 12) throw malformed(`${url}:${i + 1}`, `expected 12 kline columns, found ${f.length}`);
    const where = `line ${i + 1}`;
    out.push({ t: archiveTime(f[0], url, where), o: decimalText(f[1], url, `${where} open`), h: decimalText(f[2], url, `${where} high`), l: decimalText(f[3], url, `${where} low`), c: decimalText(f[4], url, `${where} close`), v: decimalText(f[5], url, `${where} volume`) });
  }
  return out;
}

/** Rows of an archive fundingRate CSV: calc_time,funding_interval_hours,last_funding_rate (jitter kept). */
export function fundingCsv(text: string, url: string): FundingRow[] {
  const out: FundingRow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line === "") continue;
    const f = line.split(",");
    if (i === 0 && !/^\d/.test(f[0])) continue;
    if (f.length !== 3) throw malformed(`${url}:${i + 1}`, `expected 3 funding columns, found ${f.length}`);
    const hours = Number(f[1]);
    if (!Number.isInteger(hours) || hours <= 0) throw malformed(`${url}:${i + 1}`, `funding_interval_hours is '${f[1]}'`);
    out.push({ t: archiveTime(f[0], url, `line ${i + 1} calc_time`), intervalHours: hours, rate: decimalText(f[2], url, `line ${i + 1} last_funding_rate`) });
  }
  return out;
}

/** Milliseconds; the archive's newer spot files use microseconds, accepted here too. */
function archiveTime(text: string, url: string, where: string): number {
  const t = timeOf(text, url, where);
  return t > 1e14 ? Math.floor(t / 1000) : t;
}

/** `/fapi/v1/klines` and `/fapi/v1/markPriceKlines`: arrays of 12, open time first, prices as strings. */
function restKlines(r: HttpReply): CandleRow[] {
  if (r.status !== 200) expectOk(r);
  const data = jsonOf(r);
  if (!Array.isArray(data)) throw malformed(r.url, `expected an array of klines, got ${oneLine(JSON.stringify(data))}`);
  return data.map((k, i) => {
    if (!Array.isArray(k) || k.length < 6) throw malformed(r.url, `kline ${i} is not an array of 12 fields`);
    return { t: timeOf(k[0], r.url, `kline ${i} open time`), o: decimalText(k[1], r.url, `kline ${i} open`), h: decimalText(k[2], r.url, `kline ${i} high`), l: decimalText(k[3], r.url, `kline ${i} low`), c: decimalText(k[4], r.url, `kline ${i} close`), v: decimalText(k[5], r.url, `kline ${i} volume`) };
  });
}

/** `/fapi/v1/fundingRate`: [{symbol, fundingTime, fundingRate, markPrice}], oldest first. */
function restFunding(r: HttpReply): FundingRow[] {
  if (r.status !== 200) expectOk(r);
  const data = jsonOf(r);
  if (!Array.isArray(data)) throw malformed(r.url, `expected an array of funding rates, got ${oneLine(JSON.stringify(data))}`);
  return data.map((x, i) => {
    const o = x as { fundingTime?: unknown; fundingRate?: unknown };
    return { t: timeOf(o?.fundingTime, r.url, `row ${i} fundingTime`), rate: decimalText(o?.fundingRate, r.url, `row ${i} fundingRate`) };
  });
}
