/**
 * A loopback stand-in for the three venues, built at test time from the shipped files in data/:
 * Binance's archive layout (monthly and daily zips, each with a sha256 `.CHECKSUM`; kline CSVs with and
 * without a header row, 12 columns) and its REST API; Bybit v5 (newest-first pages); Hyperliquid's
 * POST /info. Responses use the venues' documented field names and paging. `now` decides what is
 * published: a monthly zip once its month is over, a daily zip once its day is over.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { zipSync, strToU8 } from "fflate";

const HOUR = 3_600_000;
const IV: Record<string, number> = { "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": HOUR, "4h": 4 * HOUR, "1d": 24 * HOUR };

/** data lines of a shipped file (header dropped), split into fields */
export function shippedRows(path: string): string[][] {
  const text = gunzipSync(readFileSync(path)).toString("utf8");
  return text.trim().split("\n").slice(1).map((l) => l.split(","));
}

const klines: Record<string, string[][]> = {
  BTCUSDT: shippedRows("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz"),
  ETHUSDT: shippedRows("data/binance-usdm/klines-1h/ETHUSDT-1h.csv.gz"),
};
const marks: Record<string, string[][]> = {
  BTCUSDT: shippedRows("data/binance-usdm/mark-1h/BTCUSDT-1h-mark.csv.gz"),
  ETHUSDT: shippedRows("data/binance-usdm/mark-1h/ETHUSDT-1h-mark.csv.gz"),
};
const funding: Record<string, string[][]> = {
  BTCUSDT: shippedRows("data/binance-usdm/funding/BTCUSDT.csv.gz"),
  ETHUSDT: shippedRows("data/binance-usdm/funding/ETHUSDT.csv.gz"),
};
const hlFunding: Record<string, string[][]> = { BTC: shippedRows("data/hyperliquid/funding/BTC.csv.gz") };
/** an hourly-settling symbol for Bybit (Hyperliquid's BTC rates): 1,600 settlements in one 8-hour-sized window */
funding.HOURLYUSDT = hlFunding.BTC.map((r) => [r[0], "1", r[2]]);
klines.HOURLYUSDT = klines.BTCUSDT;

export interface Reply {
  status: number;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** cut the connection instead of answering */
  drop?: boolean;
  /** answer this many ms later (a slow venue) */
  delayMs?: number;
}

export interface VenueServer {
  url: string;
  /** every request: "GET /path?query" or "POST /info {json}" */
  log: string[];
  /** the present as the venues see it */
  now: number;
  /** answer this instead when it returns a reply (faults) */
  fault?: (req: string, n: number) => Reply | undefined;
  /** replace a published zip's bytes (its .CHECKSUM stays that of the real zip) */
  tamper?: (name: string, zip: Uint8Array) => Uint8Array;
  /** edit an archive CSV before it is zipped and summed (a bad row the venue itself published) */
  editCsv?: (name: string, csv: string) => string;
  close(): Promise<void>;
}

/** first index whose time (field 0, or `key` of it) is ≥ t; rows are in time order */
function lowerBound(rows: string[][], t: number, key = (x: number) => x): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(Number(rows[mid][0])) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
/** rows with from ≤ time < to (time = `key` of field 0) */
const inRange = (rows: string[][], from: number, to: number, key?: (x: number) => number) => rows.slice(lowerBound(rows, from, key), lowerBound(rows, to, key));
const month = (y: number, m: number) => Date.UTC(y, m - 1, 1);

function klineCsv(rows: string[][], iv: number, header: boolean): string {
  const lines = rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5], String(Number(r[0]) + iv - 1), "0", "0", "0", "0", "0"].join(","));
  return (header ? "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n" : "") + lines.join("\n") + "\n";
}

function zipOf(state: VenueServer, name: string, csv: string): Uint8Array {
  // a fixed mtime: the same CSV always zips to the same bytes (the .CHECKSUM and the zip are built apart)
  return zipSync({ [name.replace(/\.zip$/, ".csv")]: [strToU8(state.editCsv ? state.editCsv(name, csv) : csv), { mtime: new Date(Date.UTC(2020, 0, 1)) }] });
}

/** the zip for an archive path, if published at `now` */
function archive(state: VenueServer, path: string): Uint8Array | undefined {
  let m = /^\/data\/futures\/um\/(monthly|daily)\/(klines|markPriceKlines)\/([A-Z0-9]+)\/(\w+)\/\3-\4-(\d{4})-(\d\d)(?:-(\d\d))?\.zip$/.exec(path);
  if (m) {
    const [, period, folder, sym, ivName, y, mo, d] = m;
    const src = (folder === "klines" ? klines : marks)[sym];
    if (!src || ivName !== "1h" || (period === "daily") !== (d !== undefined)) return undefined;
    const start = d ? Date.UTC(+y, +mo - 1, +d) : month(+y, +mo);
    const end = d ? start + 24 * HOUR : month(+y, +mo + 1);
    if (end > state.now) return undefined; // not published yet
    const rows = inRange(src, start, end);
    if (rows.length === 0) return undefined;
    // older archive files have no header row, newer ones do
    return zipOf(state, path.split("/").pop()!, klineCsv(rows, IV[ivName], start >= month(2020, 3)));
  }
  m = /^\/data\/futures\/um\/monthly\/fundingRate\/([A-Z0-9]+)\/\1-fundingRate-(\d{4})-(\d\d)\.zip$/.exec(path);
  if (m) {
    const src = funding[m[1]];
    const start = month(+m[2], +m[3]);
    const end = month(+m[2], +m[3] + 1);
    if (!src || end > state.now) return undefined;
    const rows = inRange(src, start, end, (t) => Math.round(t / HOUR) * HOUR);
    if (rows.length === 0) return undefined;
    return zipOf(state, path.split("/").pop()!, "calc_time,funding_interval_hours,last_funding_rate\n" + rows.map((r) => r.join(",")).join("\n") + "\n");
  }
  return undefined;
}

function binanceRest(state: VenueServer, path: string, q: URLSearchParams): Reply {
  const sym = q.get("symbol") ?? "";
  const invalid = { status: 400, body: JSON.stringify({ code: -1121, msg: "Invalid symbol." }) };
  if (path === "/fapi/v1/klines" || path === "/fapi/v1/markPriceKlines") {
    const src = (path === "/fapi/v1/klines" ? klines : marks)[sym];
    if (!src) return invalid;
    const iv = IV[q.get("interval") ?? ""] ?? HOUR;
    const limit = Math.min(1500, Number(q.get("limit") ?? 500));
    const start = Number(q.get("startTime") ?? 0);
    const end = Number(q.get("endTime") ?? state.now);
    // the still-open candle is served too, as Binance does
    const rows = inRange(src, start, Math.min(end, state.now) + 1).slice(0, limit);
    const body = rows.map((r) => [Number(r[0]), r[1], r[2], r[3], r[4], path.endsWith("mark") || path.includes("mark") ? "0" : r[5], Number(r[0]) + iv - 1, "0", 0, "0", "0", "0"]);
    return { status: 200, body: JSON.stringify(iv === HOUR ? body : body.slice(0, 1)), headers: { "x-mbx-used-weight-1m": "10" } };
  }
  if (path === "/fapi/v1/fundingRate") {
    const src = funding[sym];
    if (!src) return invalid;
    const limit = Math.min(1000, Number(q.get("limit") ?? 100));
    const start = Number(q.get("startTime") ?? 0);
    const end = Number(q.get("endTime") ?? state.now);
    const rows = inRange(src, start, Math.min(end, state.now) + 1).slice(0, limit);
    return { status: 200, body: JSON.stringify(rows.map((r) => ({ symbol: sym, fundingTime: Number(r[0]), fundingRate: r[2], markPrice: "0" }))) };
  }
  return { status: 404, body: "<html>Not Found</html>" };
}

function bybit(state: VenueServer, path: string, q: URLSearchParams): Reply {
  const ok = (result: unknown) => ({ status: 200, body: JSON.stringify({ retCode: 0, retMsg: "OK", result, retExtInfo: {}, time: state.now }) });
  const sym = q.get("symbol") ?? "";
  if (path === "/v5/market/instruments-info") return ok({ category: "linear", list: klines[sym] ? [{ symbol: sym, status: "Trading", fundingInterval: 480 }] : [], nextPageCursor: "" });
  if (path === "/v5/market/kline" || path === "/v5/market/mark-price-kline") {
    const mark = path.endsWith("mark-price-kline");
    const src = (mark ? marks : klines)[sym];
    if (!src) return { status: 200, body: JSON.stringify({ retCode: 10001, retMsg: "params error: Symbol Invalid", result: {}, retExtInfo: {}, time: state.now }) };
    if (q.get("interval") !== "60") return ok({ category: "linear", symbol: sym, list: [] });
    const limit = Math.min(1000, Number(q.get("limit") ?? 200));
    const start = Number(q.get("start") ?? 0);
    const end = Number(q.get("end") ?? state.now);
    // the newest `limit` candles of [start, end], newest first
    const rows = inRange(src, start, Math.min(end, state.now) + 1).slice(-limit).reverse();
    return ok({ category: "linear", symbol: sym, list: rows.map((r) => (mark ? r.slice(0, 5) : [...r.slice(0, 6), "0"])) });
  }
  if (path === "/v5/market/funding/history") {
    const src = funding[sym];
    if (!src) return { status: 200, body: JSON.stringify({ retCode: 10001, retMsg: "params error: Symbol Invalid", result: {}, retExtInfo: {}, time: state.now }) };
    const limit = Math.min(200, Number(q.get("limit") ?? 200));
    const start = Number(q.get("startTime") ?? 0);
    const end = Number(q.get("endTime") ?? state.now);
    const hour = (r: string[]) => Math.round(Number(r[0]) / HOUR) * HOUR; // Bybit stamps settlements on the hour
    const rows = inRange(src, start, Math.min(end, state.now) + 1, (t) => Math.round(t / HOUR) * HOUR).slice(-limit).reverse();
    return ok({ category: "linear", list: rows.map((r) => ({ symbol: sym, fundingRate: r[2], fundingRateTimestamp: String(hour(r)) })) });
  }
  return { status: 404, body: "" };
}

function hyperliquid(state: VenueServer, body: { type?: string; coin?: string; startTime?: number; endTime?: number; req?: { coin: string; interval: string; startTime: number; endTime: number } }): Reply {
  const json = (x: unknown) => ({ status: 200, body: JSON.stringify(x) });
  if (body.type === "meta") return json({ universe: [{ name: "BTC", szDecimals: 5, maxLeverage: 40 }, { name: "ETH", szDecimals: 4, maxLeverage: 25 }] });
  if (body.type === "candleSnapshot" && body.req) {
    const src = klines[`${body.req.coin}USDT`];
    if (!src) return { status: 500, body: "null" };
    const iv = IV[body.req.interval];
    const oldest = Math.floor(state.now / iv) * iv - 4999 * iv; // only the most recent 5,000 candles exist
    const rows = inRange(src, Math.max(body.req.startTime, oldest), Math.min(body.req.endTime, state.now) + 1).slice(0, 5000);
    return json(rows.map((r) => ({ t: Number(r[0]), T: Number(r[0]) + iv - 1, s: body.req!.coin, i: body.req!.interval, o: r[1], c: r[4], h: r[2], l: r[3], v: r[5], n: 100 })));
  }
  if (body.type === "fundingHistory") {
    const src = hlFunding[body.coin ?? ""];
    if (!src) return { status: 500, body: "null" };
    const rows = inRange(src, body.startTime ?? 0, Math.min(body.endTime ?? state.now, state.now) + 1).slice(0, 500);
    return json(rows.map((r) => ({ coin: r[1], fundingRate: r[2], premium: "0.0001", time: Number(r[0]) })));
  }
  return { status: 422, body: "Failed to deserialize the JSON body" };
}


export async function startVenueServer(now: number): Promise<VenueServer> {
  const zips = new Map<string, Uint8Array>();
  const state: VenueServer = { url: "", log: [], now, close: () => new Promise((r) => server.close(() => r())) };

  async function answer(req: IncomingMessage): Promise<Reply> {
    const u = new URL(req.url ?? "/", "http://x");
    if (req.method === "POST" && u.pathname === "/info") {
      let text = "";
      for await (const c of req) text += c;
      return hyperliquid(state, JSON.parse(text));
    }
    if (u.pathname.startsWith("/data/")) {
      const isSum = u.pathname.endsWith(".CHECKSUM");
      const zipPath = isSum ? u.pathname.slice(0, -".CHECKSUM".length) : u.pathname;
      let zip = state.editCsv ? undefined : zips.get(zipPath);
      if (!zip) {
        zip = archive(state, zipPath);
        if (zip && !state.editCsv) zips.set(zipPath, zip);
      }
      if (!zip) return { status: 404, body: "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code></Error>" };
      const name = zipPath.split("/").pop()!;
      if (isSum) return { status: 200, body: `${createHash("sha256").update(zip).digest("hex")}  ${name}\n` };
      return { status: 200, body: state.tamper ? state.tamper(name, zip) : zip };
    }
    if (u.pathname.startsWith("/fapi/")) return binanceRest(state, u.pathname, u.searchParams);
    if (u.pathname.startsWith("/v5/")) return bybit(state, u.pathname, u.searchParams);
    return { status: 404, body: "" };
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let entry = `${req.method} ${req.url}`;
    if (req.method === "POST") {
      let text = "";
      for await (const c of req) text += c;
      entry += ` ${text}`;
      (req as IncomingMessage & { replayBody?: string }).replayBody = text;
    }
    state.log.push(entry);
    const fault = state.fault?.(entry, state.log.length);
    let reply: Reply;
    if (fault) reply = fault;
    else if (req.method === "POST") reply = hyperliquid(state, JSON.parse((req as IncomingMessage & { replayBody?: string }).replayBody ?? "{}"));
    else reply = await answer(req);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.drop) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(reply.status, { "content-type": typeof reply.body === "string" ? "application/json" : "application/zip", ...reply.headers });
    res.end(reply.body ?? "");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
