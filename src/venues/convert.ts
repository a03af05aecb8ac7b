import { InputError } from "../market/index.ts";
import { shippedTables } from "./shipped.ts";
import { TABLE_FORMAT } from "./tableParse.ts";

/**
 * The venues' public responses turned into a dated table file (the JSON `parseVenueTables` reads).
 * Pure: the caller fetches (or reads a saved response) and writes the file. The liquidation-loss
 * rules are the venue's rules, not in these responses: they are carried over from the shipped table.
 */
type Obj = Record<string, unknown>;
type Row = [number, number | null, number, number, number];

export interface ConvertOptions {
  asOf: string;
  /** what was fetched, from where (URL or file) */
  source: string;
}

function fail(where: string, what: string): never {
  throw new InputError(`${where}: ${what}`);
}

function num(v: unknown, where: string): number {
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) fail(where, `must be a number (got ${JSON.stringify(v)})`);
  return n;
}

function obj(v: unknown, where: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(where, "must be an object");
  return v as Obj;
}

function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) fail(where, "must be an array");
  return v;
}

/** rows from (floor, maxLeverage, mmr) with the maintenance-continuity deductions; the last cap given or open */
function recursion(rows: Array<[number, number, number]>, lastCap: number | null): Row[] {
  let d = 0;
  return rows.map(([floor, lev, mmr], i) => {
    if (i > 0) d += floor * (mmr - rows[i - 1][2]);
    const cap = i + 1 < rows.length ? rows[i + 1][0] : lastCap;
    return [floor, cap, lev, mmr, Number(d.toFixed(8))];
  });
}

function header(venue: string, o: ConvertOptions, notes: string[], unsourced: string[]): Obj {
  const shipped = shippedTables(venue).all;
  return {
    format: TABLE_FORMAT, venue, id: `${venue}-${o.asOf}`, asOf: o.asOf, source: o.source,
    columns: ["floor", "cap", "maxLeverage", "mmr", "deduction"], notes, unsourced,
    liquidationLoss: shipped[shipped.length - 1].liquidationLoss,
  };
}

/**
 * Hyperliquid `meta` responses (the main dex and any HIP-3 dexes): universe[] { name, szDecimals,
 * maxLeverage, marginTableId, isDelisted } and marginTables [[id, { marginTiers: [{ lowerBound, maxLeverage }] }]].
 * Table ids below 50 are one tier at that leverage; maintenance = 1 / (2 × max leverage).
 */
export function fromHyperliquidMeta(metas: readonly unknown[], o: ConvertOptions): Obj {
  const symbols: Obj = {};
  metas.forEach((m, k) => {
    const where = `meta[${k}]`;
    const meta = obj(m, where);
    const tables = new Map<number, Array<[number, number]>>();
    (meta.marginTables === undefined ? [] : arr(meta.marginTables, `${where}.marginTables`)).forEach((e, i) => {
      const pair = arr(e, `${where}.marginTables[${i}]`);
      const body = obj(pair[1], `${where}.marginTables[${i}][1]`);
      const tiers = arr(body.marginTiers, `${where}.marginTables[${i}][1].marginTiers`).map((t, j) => {
        const tier = obj(t, `${where}.marginTables[${i}][1].marginTiers[${j}]`);
        return [num(tier.lowerBound, `${where}.marginTables[${i}].lowerBound`), num(tier.maxLeverage, `${where}.marginTables[${i}].maxLeverage`)] as [number, number];
      });
      tables.set(num(pair[0], `${where}.marginTables[${i}][0]`), tiers);
    });
    arr(meta.universe, `${where}.universe`).forEach((u, i) => {
      const a = obj(u, `${where}.universe[${i}]`);
      if (a.isDelisted === true) return;
      const name = String(a.name);
      const maxLeverage = num(a.maxLeverage, `${where}.universe[${i}].maxLeverage`);
      const id = a.marginTableId === undefined ? maxLeverage : num(a.marginTableId, `${where}.universe[${i}].marginTableId`);
      const bounds = id < 50 ? [[0, id] as [number, number]] : tables.get(id);
      if (!bounds || bounds.length === 0) fail(`${where}.universe[${i}].marginTableId`, `${id} is not in marginTables`);
      symbols[name] = {
        tiers: recursion(bounds.map(([floor, lev]) => [floor, lev, 1 / (2 * lev)]), null),
        szDecimals: num(a.szDecimals, `${where}.universe[${i}].szDecimals`), maxLeverage, marginTableId: id,
      };
    });
  });
  return { ...header("hyperliquid", o, ["mmr = 1 / (2 x tier max leverage), deduction by the margin-tiers recursion", "price tick: 5 significant figures and at most 6 - szDecimals decimals"], []), symbols };
}

/**
 * Binance GET /fapi/v1/leverageBracket (signed): [{ symbol, brackets: [{ initialLeverage, notionalCap,
 * notionalFloor, maintMarginRatio, cum }] }], with the ticks (PRICE_FILTER.tickSize) and liquidation fee
 * rates (`liquidationFee`) of GET /fapi/v1/exchangeInfo when given.
 */
export function fromBinanceBrackets(brackets: unknown, exchangeInfo: unknown | null, o: ConvertOptions): Obj {
  const ticks = new Map<string, string>();
  const fees = new Map<string, Obj>();
  if (exchangeInfo !== null) {
    arr(obj(exchangeInfo, "exchangeInfo").symbols, "exchangeInfo.symbols").forEach((s, i) => {
      const e = obj(s, `exchangeInfo.symbols[${i}]`);
      const f = (Array.isArray(e.filters) ? e.filters : []).find((x) => (x as Obj)?.filterType === "PRICE_FILTER") as Obj | undefined;
      if (f && typeof f.tickSize === "string" && Number(f.tickSize) > 0) ticks.set(String(e.symbol), f.tickSize.replace(/0+$/, "").replace(/\.$/, ""));
      // the symbol's own liquidation fee rate ("liquidation fee rate" in Binance's API docs), charged instead of the default
      if (e.liquidationFee !== undefined) {
        const rate = num(e.liquidationFee, `exchangeInfo.symbols[${i}].liquidationFee`);
        fees.set(String(e.symbol), { rate, source: `Binance GET /fapi/v1/exchangeInfo 'liquidationFee' ${JSON.stringify(e.liquidationFee)} of ${String(e.symbol)}, fetched with this table (${o.source})` });
      }
    });
  }
  const symbols: Obj = {};
  arr(brackets, "leverageBracket").forEach((s, i) => {
    const e = obj(s, `leverageBracket[${i}]`);
    const name = String(e.symbol);
    const rows = arr(e.brackets, `leverageBracket[${i}].brackets`).map((b, j) => {
      const w = `leverageBracket[${i}].brackets[${j}]`;
      const x = obj(b, w);
      return [num(x.notionalFloor, `${w}.notionalFloor`), num(x.notionalCap, `${w}.notionalCap`), num(x.initialLeverage, `${w}.initialLeverage`), num(x.maintMarginRatio, `${w}.maintMarginRatio`), num(x.cum, `${w}.cum`)] as Row;
    }).sort((a, b) => a[0] - b[0]);
    const tick = ticks.get(name);
    const fee = fees.get(name);
    symbols[name] = { tiers: rows, ...(tick ? { tickSize: tick } : {}), ...(fee ? { liquidationFee: fee } : {}) };
  });
  const unsourced = exchangeInfo === null ? ["tickSize: no exchangeInfo given; prices print to 6 significant figures"] : [];
  return { ...header("binance", o, ["deduction is Binance's cum as published"], unsourced), symbols };
}

/**
 * Bybit GET /v5/market/risk-limit?category=linear (all pages' `list`): riskLimitValue is each tier's
 * cap; maintenanceMargin / initialMargin are fractions (or percents in the docs' example: told apart
 * by initialMargin × maxLeverage ≈ 1 or ≈ 100). Ticks from instruments-info `priceFilter.tickSize`.
 */
export function fromBybitRiskLimits(list: readonly unknown[], instruments: readonly unknown[] | null, o: ConvertOptions): Obj {
  const by = new Map<string, Array<{ cap: number; mmr: number; lev: number }>>();
  list.forEach((r, i) => {
    const w = `risk-limit list[${i}]`;
    const e = obj(r, w);
    const lev = num(e.maxLeverage, `${w}.maxLeverage`);
    const im = num(e.initialMargin, `${w}.initialMargin`);
    const scale = im * lev > 10 ? 100 : 1;
    const rows = by.get(String(e.symbol)) ?? [];
    rows.push({ cap: num(e.riskLimitValue, `${w}.riskLimitValue`), mmr: num(e.maintenanceMargin, `${w}.maintenanceMargin`) / scale, lev });
    by.set(String(e.symbol), rows);
  });
  const ticks = new Map<string, string>();
  for (const [i, s] of (instruments ?? []).entries()) {
    const e = obj(s, `instruments[${i}]`);
    const pf = e.priceFilter as Obj | undefined;
    if (pf && typeof pf.tickSize === "string") ticks.set(String(e.symbol), pf.tickSize);
  }
  const symbols: Obj = {};
  for (const [name, rows] of by) {
    rows.sort((a, b) => a.cap - b.cap);
    const tiers = recursion(rows.map((r, k) => [k === 0 ? 0 : rows[k - 1].cap, r.lev, r.mmr]), rows[rows.length - 1].cap);
    const tick = ticks.get(name);
    symbols[name] = tick ? { tiers, tickSize: tick } : { tiers };
  }
  const unsourced = instruments === null ? ["tickSize: no instruments-info given; prices print to 6 significant figures"] : [];
  return { ...header("bybit", o, ["riskLimitValue is each tier's cap; deduction by the recursion (Bybit's mmDeduction)"], unsourced), symbols };
}

/** dYdX indexer GET /v4/perpetualMarkets: { markets: { "BTC-USD": { initialMarginFraction, maintenanceMarginFraction, tickSize } } }. */
export function fromDydxMarkets(resp: unknown, o: ConvertOptions): Obj {
  const markets = obj(obj(resp, "perpetualMarkets").markets, "perpetualMarkets.markets");
  const symbols: Obj = {};
  for (const [name, m] of Object.entries(markets)) {
    const w = `markets.${name}`;
    const e = obj(m, w);
    if (e.status !== undefined && e.status !== "ACTIVE") continue;
    const imf = num(e.initialMarginFraction, `${w}.initialMarginFraction`);
    const mmf = num(e.maintenanceMarginFraction, `${w}.maintenanceMarginFraction`);
    if (!(imf > 0)) fail(`${w}.initialMarginFraction`, "must be above 0");
    const tiers: Row[] = [[0, null, Number((1 / imf).toFixed(6)), mmf, 0]];
    symbols[name] = typeof e.tickSize === "string" ? { tiers, tickSize: e.tickSize } : { tiers };
  }
  return { ...header("dydx", o, ["one tier per market: maxLeverage = 1 / IMF, mmr = MMF; the OI-based IMF increase is not modelled"], []), symbols };
}
