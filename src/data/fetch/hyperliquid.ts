import { InputError, INTERVALS, isoTime } from "../../market/index.ts";
import { venueSymbol } from "../catalog.ts";
import type { HttpReply } from "./http.ts";
import { type CandleRow, type FundingRow, type SeriesSpec, settlementHour } from "./rows.ts";
import { type Task, type VenueContext, type VenueFetcher, decimalText, jsonOf, malformed, oneLine, timeOf } from "./venue.ts";

const HYPERLIQUID = "https://api.hyperliquid.xyz";
/** candleSnapshot serves at most 5,000 candles a call, and only the most recent 5,000 exist */
const CANDLE_LIMIT = 5000;
const FUNDING_PAGE = 500;

/**
 * Hyperliquid: `POST /info` with `candleSnapshot` (last-trade candles) and `fundingHistory` (hourly
 * rate), each paged forward by `startTime`. Hyperliquid publishes no mark or oracle candle history.
 */
export function hyperliquidFetcher(ctx: VenueContext): VenueFetcher {
  const url = `${ctx.base ?? HYPERLIQUID}/info`;
  const post = <T>(body: unknown, parse: (r: HttpReply) => T) => ctx.http.request(url, { method: "POST", json: body }, parse);

  async function* candleTasks(spec: SeriesSpec, from: number, to: number): AsyncGenerator<Task> {
    const iv = INTERVALS[spec.interval!];
    const end = Math.min(to, Math.floor(ctx.now / iv) * iv);
    let start = from;
    let firstPage = true;
    while (start < end) {
      const req = { type: "candleSnapshot", req: { coin: spec.symbol, interval: spec.interval, startTime: start, endTime: end - 1 } };
      const rows = (await post(req, candles)).filter((r) => r.t >= start && r.t < end && r.t + iv <= ctx.now);
      const label = `${url} candleSnapshot ${spec.symbol} ${spec.interval} from ${isoTime(start)}`;
      const last = rows[rows.length - 1]?.t;
      const through = last === undefined ? end : last + iv;
      const older = firstPage && from < ctx.now - CANDLE_LIMIT * iv && (rows.length === 0 || rows[0].t - from >= iv);
      const note = older ? `Hyperliquid serves only its most recent ${CANDLE_LIMIT.toLocaleString("en-US")} ${spec.interval} candles: ${spec.symbol} has none before ${rows.length ? isoTime(rows[0].t) : "the end of the range"} (asked from ${isoTime(from)})` : undefined;
      firstPage = false;
      yield async () => ({ from: label, candles: rows, through, note });
      if (last === undefined) break;
      start = last + iv;
    }
  }

  async function* fundingTasks(spec: SeriesSpec, from: number, to: number): AsyncGenerator<Task> {
    const end = Math.min(to, ctx.now);
    let start = from - 30 * 60_000; // settlements carry jitter of up to minutes around the hour
    while (start < end) {
      const req = { type: "fundingHistory", coin: spec.symbol, startTime: start, endTime: end - 1 };
      const rows = await post(req, funding);
      const last = rows[rows.length - 1]?.t;
      const label = `${url} fundingHistory ${spec.symbol} from ${isoTime(Math.max(start, 0))}`;
      yield async () => ({ from: label, funding: rows.filter((r) => settlementHour(r.t) >= from && settlementHour(r.t) < to), through: Math.min(end, last === undefined ? end : last + 1) });
      if (rows.length < FUNDING_PAGE || last === undefined) break;
      start = last + 1;
    }
  }

  return {
    name: "hyperliquid",
    source: "hyperliquid",
    kinds: ["klines", "funding"],
    symbol: (s) => venueSymbol("hyperliquid", s),
    async checkSymbols(symbols) {
      const names = await post({ type: "meta" }, (r) => {
        if (r.status !== 200) throw new InputError(`${url}: HTTP ${r.status} (${oneLine(r.body.toString("utf8"))})`);
        const m = jsonOf(r) as { universe?: { name?: unknown }[] };
        if (!Array.isArray(m?.universe)) throw malformed(url, "meta has no universe array");
        return new Set(m.universe.map((u) => u?.name));
      });
      for (const s of symbols) if (!names.has(s)) throw new InputError(`unknown symbol ${s} on hyperliquid: not in the perpetuals universe (${url} meta)`);
    },
    tasks: (spec, from, to) => (spec.kind === "funding" ? fundingTasks(spec, from, to) : candleTasks(spec, from, to)),
  };
}

function arrayReply(r: HttpReply, what: string): unknown[] {
  if (r.status !== 200) throw new InputError(`${r.url}: HTTP ${r.status} (${oneLine(r.body.toString("utf8"))})`);
  const data = jsonOf(r);
  if (!Array.isArray(data)) throw malformed(r.url, `expected an array of ${what}, got ${oneLine(JSON.stringify(data))}`);
  return data;
}

/** candleSnapshot: [{t, T, s, i, o, c, h, l, v, n}], oldest first. */
function candles(r: HttpReply): CandleRow[] {
  return arrayReply(r, "candles").map((x, i) => {
    const c = x as Record<string, unknown>;
    const w = `candle ${i}`;
    return { t: timeOf(c?.t, r.url, `${w} t`), o: decimalText(c?.o, r.url, `${w} o`), h: decimalText(c?.h, r.url, `${w} h`), l: decimalText(c?.l, r.url, `${w} l`), c: decimalText(c?.c, r.url, `${w} c`), v: decimalText(c?.v, r.url, `${w} v`) };
  });
}

/** fundingHistory: [{coin, fundingRate, premium, time}], oldest first; the rate is per hour. */
function funding(r: HttpReply): FundingRow[] {
  return arrayReply(r, "funding rates").map((x, i) => {
    const f = x as Record<string, unknown>;
    return { t: timeOf(f?.time, r.url, `row ${i} time`), rate: decimalText(f?.fundingRate, r.url, `row ${i} fundingRate`) };
  });
}
