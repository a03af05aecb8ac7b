import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../market/index.ts";
import {
  describeTick, fromBinanceBrackets, fromBybitRiskLimits, fromDydxMarkets, fromHyperliquidMeta, getVenue, parseVenueTables,
  type LiquidationLossRule, type TableChoice, type Venue,
} from "../../venues/index.ts";
import {
  VENUE_API_BASE, fetchBinanceBrackets, fetchBinanceExchangeInfo, fetchBybitInstruments, fetchBybitRiskLimits, fetchDydxMarkets, fetchHyperliquidMetas,
} from "../../data/index.ts";
import { parseFlags, requireFlag } from "../args.ts";
import { parseJsonText } from "../jsonText.ts";
import { parseTimeArg } from "../../data/index.ts";
import { userTablesDir, withUserTables } from "../venueTables.ts";
import { grouped } from "../../results/index.ts";

export const usage = `usage:
  perpsim venues show --venue <name> --symbol <symbol> [--date YYYY-MM-DD] [--json]
      the table in force (today, or at --date): tiers, price tick, sources, unsourced figures,
      what a liquidation costs in each mode
  perpsim venues update --venue hyperliquid|bybit|dydx|binance [--source URL] [--file F]
                        [--exchange-info F] [--instruments F] [--out DIR] [--as-of YYYY-MM-DD]
      fetch the venue's current tables from its public endpoints (or read a saved response with
      --file) into a new dated file, <out>/<venue>-<date>.json (default out: $PERPSIM_VENUE_TABLES
      or data/venues); every command reads the files there. Binance's bracket endpoint is signed:
      BINANCE_API_KEY and BINANCE_API_SECRET from the environment, or a saved response with --file.`;

const SHOW = { venue: { type: "string" }, symbol: { type: "string" }, date: { type: "string" }, json: { type: "boolean" } } as const;
const UPDATE = {
  venue: { type: "string" }, source: { type: "string" }, file: { type: "string" }, "exchange-info": { type: "string" },
  instruments: { type: "string" }, out: { type: "string" }, "as-of": { type: "string" },
} as const;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "show") return show(rest);
  if (sub === "update") return update(rest);
  throw new InputError(`expected 'show' or 'update' (got ${sub === undefined ? "nothing" : `'${sub}'`})`);
}

function show(argv: string[]): number {
  const { values: v } = parseFlags(argv, SHOW);
  const base = getVenue(requireFlag("venue", v.venue));
  const { venue } = withUserTables(base);
  const symbol = requireFlag("symbol", v.symbol);
  const time = v.date === undefined ? undefined : parseTimeArg(v.date, "date");
  const t = venue.table(symbol, time);
  if (v.json) {
    console.log(JSON.stringify({ venue: venue.name, symbol, ...t, table: { ...t.table, tiers: t.table.tiers.map((x) => ({ ...x, cap: Number.isFinite(x.cap) ? x.cap : null })) } }, null, 2));
    return 0;
  }
  console.log(describe(venue, symbol, t, time).join("\n"));
  return 0;
}

function describe(venue: Venue, symbol: string, t: TableChoice, time: number | undefined): string[] {
  const out = [`${venue.label}: ${symbol}${time === undefined ? " (table in force today)" : ` (table in force on ${new Date(time).toISOString().slice(0, 10)})`}`];
  out.push(`table       ${t.id} (asOf ${t.asOf})${t.file ? `  ${t.file}` : ""}`);
  out.push(`venue name  ${t.venueSymbol ?? "not in this table: the venue's default table (UNSOURCED for this symbol)"}`);
  out.push(`source      ${t.source}`);
  out.push(`prices      ${describeTick(t.table.tick)}`);
  if (t.table.marginTableId !== undefined) out.push(`margin table ${t.table.marginTableId}${t.table.szDecimals !== undefined ? `, szDecimals ${t.table.szDecimals}` : ""}`);
  const head = ["tier", "floor", "cap", "max lev", "mmr", "deduction"];
  const rows = t.table.tiers.map((x, i) => [String(i + 1), group(x.floor), Number.isFinite(x.cap) ? group(x.cap) : "no limit", `${+x.maxLeverage.toFixed(4)}x`, `${+(x.mmr * 100).toPrecision(6)} %`, group(x.deduction)]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  out.push("", ...[head, ...rows].map((r) => r.map((c, i) => c.padStart(w[i])).join("  ")));
  for (const n of t.table.notes) out.push(`note: ${n}`);
  out.push("", t.unsourced.length === 0 ? "unsourced: none" : "UNSOURCED:");
  for (const u of t.unsourced) out.push(`  - ${u}`);
  const [a, b] = [t.liquidationLoss.cross, t.liquidationLoss.isolated];
  if (a && b && JSON.stringify(a) === JSON.stringify(b) && venue.modes.length === 2) out.push("", ...lossLines("cross and isolated", a, t));
  else for (const mode of venue.modes) {
    const loss = t.liquidationLoss[mode];
    if (loss) out.push("", ...lossLines(mode, loss, t));
  }
  const others = venue.tables?.candidates(symbol).filter((c) => c.id !== t.id) ?? [];
  if (others.length > 0) out.push("", `other dated tables for ${symbol}: ${others.map((c) => `${c.id} (asOf ${c.asOf})`).join(", ")}`);
  out.push("", `a run uses the table in force at each bar's time and warns past 365 days from its date; tables: src/venues/tables/ and ${userTablesDir()}`);
  return out;
}

/** the fee this symbol is charged: its own sourced rate, or the venue's default (a stand-in where the venue charges per symbol) */
function feeLines(l: LiquidationLossRule, t: TableChoice): string[] {
  const pct = (r: number) => `${+(r * 100).toPrecision(6)} %`;
  const name = t.venueSymbol ?? "this symbol";
  if (t.symbolFee) {
    return [`  fee          ${pct(t.symbolFee.rate)} of the ${l.feeBase}, from what is left only (${name}'s own rate; the venue default is ${pct(l.feeRate)})`, `  fee source   ${t.symbolFee.source}`];
  }
  if (l.feeRate === 0 && !t.feeUnsourced) return ["  fee          none"];
  const whose = t.feeUnsourced ? `the venue default, UNSOURCED for ${name}: no rate of its own is recorded` : "the venue's rate";
  return [`  fee          ${pct(l.feeRate)} of the ${l.feeBase}, from what is left only (${whose})`];
}

function lossLines(mode: string, l: LiquidationLossRule, t: TableChoice): string[] {
  const flagged = t.unsourced.some((u) => u.startsWith("liquidation loss:"));
  return [
    `liquidation loss, ${mode}:`,
    `  closed at    ${l.closePrice}`,
    ...feeLines(l, t),
    `  remainder    ${l.remainder}${l.remainder === "trader" ? " (what is left after the fee is returned)" : " (keeps what is left)"}`,
    ...(l.backstopRemainder ? [`  backstop     ${l.backstopRemainder}${l.backstopRemainder === "trader" ? "" : " (keeps what is left when the backstop takes over)"}`] : []),
    `  partial      ${l.partial}`,
    `  bankrupt     ${l.bankrupt}`,
    ...l.sources.map((s) => `  source       ${s}`),
    ...(flagged ? ["  UNSOURCED    see the list above (liquidation loss)"] : []),
  ];
}

function group(x: number): string {
  return grouped(x, 0, 8);
}

function readJson(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError(`${flag} ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseJsonText(text, path); // a byte-order mark is skipped
}

/** a saved Bybit answer: the whole envelope, its result, or the list itself */
function bybitList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const o = v as { result?: { list?: unknown[] }; list?: unknown[] };
  return o?.result?.list ?? o?.list ?? [];
}

async function update(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, UPDATE);
  const name = requireFlag("venue", v.venue);
  if (!(name in VENUE_API_BASE)) throw new InputError(`--venue: '${name}' has no table endpoint (hyperliquid, bybit, dydx, binance)`);
  const asOf = v["as-of"] ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !Number.isFinite(Date.parse(`${asOf}T00:00:00Z`))) throw new InputError(`--as-of: '${asOf}' is not a date YYYY-MM-DD`);
  const base = (v.source ?? VENUE_API_BASE[name]).replace(/\/+$/, "");
  const from = v.file ? `saved response ${v.file}` : base;
  let table: Record<string, unknown>;
  if (name === "hyperliquid") {
    const raw = v.file ? readJson(v.file, "--file") : await fetchHyperliquidMetas(base);
    table = fromHyperliquidMeta(Array.isArray(raw) ? raw : [raw], { asOf, source: `Hyperliquid POST /info {"type":"meta"} (and HIP-3 dexes), ${from}, fetched ${asOf}` });
  } else if (name === "binance") {
    let raw: unknown;
    if (v.file) raw = readJson(v.file, "--file");
    else {
      const key = process.env.BINANCE_API_KEY;
      const secret = process.env.BINANCE_API_SECRET;
      if (!key || !secret) throw new InputError("binance: GET /fapi/v1/leverageBracket is signed: set BINANCE_API_KEY and BINANCE_API_SECRET, or give a saved response with --file");
      raw = await fetchBinanceBrackets(base, key, secret);
    }
    const info = v["exchange-info"] ? readJson(v["exchange-info"], "--exchange-info") : v.file ? null : await fetchBinanceExchangeInfo(base);
    table = fromBinanceBrackets(raw, info, { asOf, source: `Binance GET /fapi/v1/leverageBracket, ${from}, ${asOf}; ticks: ${info === null ? "none" : "GET /fapi/v1/exchangeInfo PRICE_FILTER.tickSize"}` });
  } else if (name === "bybit") {
    const list = v.file ? bybitList(readJson(v.file, "--file")) : await fetchBybitRiskLimits(base);
    const instruments = v.instruments ? bybitList(readJson(v.instruments, "--instruments")) : v.file ? null : await fetchBybitInstruments(base);
    table = fromBybitRiskLimits(list, instruments, { asOf, source: `Bybit GET /v5/market/risk-limit?category=linear, ${from}, ${asOf}` });
  } else {
    const raw = v.file ? readJson(v.file, "--file") : await fetchDydxMarkets(base);
    table = fromDydxMarkets(raw, { asOf, source: `dYdX indexer GET /v4/perpetualMarkets, ${from}, ${asOf}` });
  }
  const dir = v.out ?? userTablesDir();
  const path = join(dir, `${name}-${asOf}.json`);
  parseVenueTables(table, path, name); // what is written must load
  if (existsSync(path)) throw new InputError(`${path} already exists (one table per venue and date; pass --as-of or --out)`);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(table, null, 1)}\n`);
  renameSync(tmp, path);
  const n = Object.keys(table.symbols as object).length;
  console.log(`${path}: ${n} symbols, table ${table.id} (asOf ${asOf}) from ${from}`);
  return 0;
}
