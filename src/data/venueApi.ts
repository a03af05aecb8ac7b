import { createHmac } from "node:crypto";
import { InputError } from "../market/index.ts";

/**
 * The venues' public table endpoints, fetched as they answer (raw JSON; the venues room converts).
 * `base` replaces the venue's host (tests point it at a loopback server).
 */
export const VENUE_API_BASE: Record<string, string> = {
  hyperliquid: "https://api.hyperliquid.xyz",
  binance: "https://fapi.binance.com",
  bybit: "https://api.bybit.com",
  dydx: "https://indexer.dydx.trade",
};

async function getJson(url: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new InputError(`${url}: request failed (${(err as Error).message})`);
  }
  const text = await res.text();
  if (!res.ok) throw new InputError(`${url}: HTTP ${res.status} ${text.slice(0, 200).replace(/\s+/g, " ")}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${url}: the answer is not JSON`);
  }
}

const postInfo = (base: string, body: object) =>
  getJson(`${base}/info`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** Hyperliquid: `meta` of the main dex and of every HIP-3 dex `perpDexs` lists. */
export async function fetchHyperliquidMetas(base: string): Promise<unknown[]> {
  const metas = [await postInfo(base, { type: "meta" })];
  const dexes = await postInfo(base, { type: "perpDexs" });
  if (Array.isArray(dexes)) {
    for (const d of dexes) {
      const name = d && typeof d === "object" ? (d as { name?: unknown }).name : undefined;
      if (typeof name === "string" && name !== "") metas.push(await postInfo(base, { type: "meta", dex: name }));
    }
  }
  return metas;
}

/**
 * Binance's signed GET /fapi/v1/leverageBracket: HMAC-SHA256 of the query string with the secret,
 * the key in X-MBX-APIKEY (USER_DATA endpoint). `now` is the timestamp in ms.
 */
export function signBinanceQuery(query: string, secret: string): string {
  return createHmac("sha256", secret).update(query).digest("hex");
}

export async function fetchBinanceBrackets(base: string, key: string, secret: string, now = Date.now()): Promise<unknown> {
  const query = `timestamp=${now}&recvWindow=10000`;
  return getJson(`${base}/fapi/v1/leverageBracket?${query}&signature=${signBinanceQuery(query, secret)}`, { headers: { "X-MBX-APIKEY": key } });
}

export async function fetchBinanceExchangeInfo(base: string): Promise<unknown> {
  return getJson(`${base}/fapi/v1/exchangeInfo`);
}

/** Bybit v5 linear, every page (cursor) of `path`'s result.list. */
async function bybitPages(base: string, path: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor = "";
  for (let page = 0; page < 100; page++) {
    const url = `${base}${path}?category=linear${path.includes("instruments") ? "&limit=1000" : ""}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const body = await getJson(url) as { retCode?: number; retMsg?: string; result?: { list?: unknown[]; nextPageCursor?: string } };
    if (body.retCode !== 0) throw new InputError(`${url}: retCode ${body.retCode} ${body.retMsg ?? ""}`);
    out.push(...(body.result?.list ?? []));
    cursor = body.result?.nextPageCursor ?? "";
    if (!cursor) return out;
  }
  throw new InputError(`${base}${path}: more than 100 pages`);
}

export const fetchBybitRiskLimits = (base: string) => bybitPages(base, "/v5/market/risk-limit");
export const fetchBybitInstruments = (base: string) => bybitPages(base, "/v5/market/instruments-info");

export async function fetchDydxMarkets(base: string): Promise<unknown> {
  return getJson(`${base}/v4/perpetualMarkets`);
}
