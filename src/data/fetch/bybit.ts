import { InputError, INTERVALS, type Interval } from "../../market/index.ts";
import { venueSymbol } from "../catalog.ts";
import { type HttpReply, RetryLater } from "./http.ts";
import { type CandleRow, type FundingRow, type SeriesSpec, settlementHour } from "./rows.ts";
import { type Task, type VenueContext, type VenueFetcher, decimalText, jsonOf, malformed, oneLine, timeOf, withQuery } from "./venue.ts";

const BYBIT = "https://api.bybit.com";
const KLINE_PAGE = 1000;
const FUNDING_PAGE = 200;
/** a funding window sized for 8-hour settlements; denser windows take more pages */
const FUNDING_WINDOW = FUNDING_PAGE * 8 * 3_600_000;
const BYBIT_INTERVAL: Record<Interval, string> = { "1m": "1", "5m": "5", "15m": "15", "1h": "60", "4h": "240", "1d": "D" };

/**
 * Bybit v5, category linear: `/v5/market/kline`, `/v5/market/mark-price-kline` (up to 1000 rows a
 * page) and `/v5/market/funding/history` (200 a page). Pages come newest first: each window is walked
 * backwards from its end until its start is reached, then put in time order.
 */
export function bybitFetcher(ctx: VenueContext): VenueFetcher {
  const base = ctx.base ?? BYBIT;

  /** Rows of [start, end] newest first, page by page: each next page ends just before the oldest row so far. */
  async function walkBack<T extends { t: number }>(start: number, end: number, page: number, get: (end: number) => Promise<{ url: string; rows: T[] }>): Promise<{ rows: T[]; url: string }> {
    const out: T[] = [];
    let e = end;
    let first = "";
    for (;;) {
      const { url, rows } = await get(e);
      first ||= url;
      for (let i = 1; i < rows.length; i++) if (!(rows[i].t < rows[i - 1].t)) throw malformed(url, `rows are not newest first at row ${i}`);
      out.push(...rows);
      const oldest = rows[rows.length - 1]?.t;
      if (rows.length < page || oldest === undefined || oldest <= start) break;
      e = oldest - 1;
    }
    out.reverse();
    return { rows: out, url: first };
  }

  async function* candleTasks(spec: SeriesSpec, from: number, to: number): AsyncGenerator<Task> {
    const iv = INTERVALS[spec.interval!];
    const end = Math.min(to, Math.floor(ctx.now / iv) * iv);
    const path = spec.kind === "mark" ? "/v5/market/mark-price-kline" : "/v5/market/kline";
    for (let s = Math.ceil(from / iv) * iv; s < end; s += KLINE_PAGE * iv) {
      const wEnd = Math.min(end, s + KLINE_PAGE * iv);
      const ws = s;
      yield async () => {
        const { rows, url } = await walkBack(ws, wEnd - 1, KLINE_PAGE, async (e) => {
          const url = withQuery(`${base}${path}`, { category: "linear", symbol: spec.symbol, interval: BYBIT_INTERVAL[spec.interval!], start: ws, end: e, limit: KLINE_PAGE });
          return { url, rows: await ctx.http.request(url, {}, (r) => klineList(r, spec.kind === "mark")) };
        });
        return { from: url, candles: rows.filter((r) => r.t >= ws && r.t < wEnd && r.t + iv <= ctx.now), through: wEnd };
      };
    }
  }

  async function* fundingTasks(spec: SeriesSpec, from: number, to: number): AsyncGenerator<Task> {
    const end = Math.min(to, ctx.now);
    for (let s = from; s < end; s += FUNDING_WINDOW) {
      const ws = s;
      const wEnd = Math.min(end, s + FUNDING_WINDOW);
      yield async () => {
        const { rows, url } = await walkBack(ws, wEnd - 1, FUNDING_PAGE, async (e) => {
          const url = withQuery(`${base}/v5/market/funding/history`, { category: "linear", symbol: spec.symbol, startTime: ws, endTime: e, limit: FUNDING_PAGE });
          return { url, rows: await ctx.http.request(url, {}, fundingList) };
        });
        return { from: url, funding: rows.filter((r) => settlementHour(r.t) >= ws && settlementHour(r.t) < wEnd), through: wEnd };
      };
    }
  }

  return {
    name: "bybit",
    source: "bybit",
    kinds: ["klines", "mark", "funding"],
    symbol: (s) => venueSymbol("bybit", s),
    async checkSymbols(symbols) {
      for (const s of symbols) {
        const url = withQuery(`${base}/v5/market/instruments-info`, { category: "linear", symbol: s });
        const known = await ctx.http.request(url, {}, (r) => {
          if (r.status === 404) return false;
          const body = result(r);
          if (body === "unknown symbol") return false;
          return Array.isArray(body.list) && body.list.length > 0;
        });
        if (!known) throw new InputError(`unknown symbol ${s} on bybit (linear): ${url} lists no such instrument`);
      }
    },
    tasks: (spec, from, to) => (spec.kind === "funding" ? fundingTasks(spec, from, to) : candleTasks(spec, from, to)),
  };
}

/** `result` of a v5 reply; retCode 10006 (too many visits) is retried, other codes are one-line errors. */
function result(r: HttpReply): { list?: unknown } | "unknown symbol" {
  const data = jsonOf(r) as { retCode?: unknown; retMsg?: unknown; result?: { list?: unknown } };
  if (r.status === 403) throw new InputError(`${r.url}: HTTP 403 (Bybit refuses this address: too many requests from this IP, or a blocked region)`);
  if (typeof data?.retCode !== "number") throw malformed(r.url, `HTTP ${r.status}, no retCode in '${oneLine(JSON.stringify(data))}'`);
  if (data.retCode === 10006) throw new RetryLater(`Bybit retCode 10006 (${String(data.retMsg)})`);
  if (data.retCode === 10001 && /symbol/i.test(String(data.retMsg))) return "unknown symbol";
  if (data.retCode !== 0) throw new InputError(`${r.url}: Bybit error ${data.retCode} (${oneLine(String(data.retMsg))})`);
  if (typeof data.result !== "object" || data.result === null) throw malformed(r.url, "no result object");
  return data.result;
}

function list(r: HttpReply): unknown[] {
  const res = result(r);
  if (res === "unknown symbol") throw new InputError(`${r.url}: Bybit does not know this symbol`);
  if (!Array.isArray(res.list)) throw malformed(r.url, "result.list is not an array");
  return res.list;
}

/** kline: [startTime, open, high, low, close, volume, turnover]; mark-price-kline: the first five. */
function klineList(r: HttpReply, mark: boolean): CandleRow[] {
  return list(r).map((k, i) => {
    const n = mark ? 5 : 7;
    if (!Array.isArray(k) || k.length < n) throw malformed(r.url, `result.list[${i}] is not an array of ${n} strings`);
    const w = `result.list[${i}]`;
    return { t: timeOf(k[0], r.url, `${w}[0] startTime`), o: decimalText(k[1], r.url, `${w}[1] open`), h: decimalText(k[2], r.url, `${w}[2] high`), l: decimalText(k[3], r.url, `${w}[3] low`), c: decimalText(k[4], r.url, `${w}[4] close`), v: mark ? "0" : decimalText(k[5], r.url, `${w}[5] volume`) };
  });
}

/** funding/history: [{symbol, fundingRate, fundingRateTimestamp}], newest first. */
function fundingList(r: HttpReply): FundingRow[] {
  return list(r).map((x, i) => {
    const o = x as { fundingRate?: unknown; fundingRateTimestamp?: unknown };
    return { t: timeOf(o?.fundingRateTimestamp, r.url, `result.list[${i}].fundingRateTimestamp`), rate: decimalText(o?.fundingRate, r.url, `result.list[${i}].fundingRate`) };
  });
}
