import { InputError } from "../market/index.ts";
import { validateTiers } from "./tiers.ts";
import type { Tier } from "./types.ts";
import { RECIPIENTS, type LiquidationLossRule, type Recipient, type SymbolFee, type SymbolTable, type TickRule, type VenueTableFile } from "./tableTypes.ts";
import { shippedBackstopRemainder } from "./shippedRaw.ts";

/** venues whose liquidation policy has a backstop, so their loss rules must say where its remainder goes */
const HAS_BACKSTOP = new Set(["hyperliquid"]);

export const TABLE_FORMAT = "perpsim-venue-tables/1";
const COLUMNS = ["floor", "cap", "maxLeverage", "mmr", "deduction"];

type Obj = Record<string, unknown>;

/** A reader that names the file and the field in every error (one line). */
class Reader {
  readonly warnings: string[] = [];
  constructor(readonly file: string) {}
  fail(field: string, what: string): never {
    throw new InputError(`${this.file}: ${field}: ${what}`);
  }
  obj(v: unknown, field: string): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(field, "must be an object");
    return v as Obj;
  }
  str(o: Obj, key: string, field: string): string {
    const v = o[key];
    if (typeof v !== "string" || v.trim() === "") this.fail(`${field}${key}`, "must be a non-empty string");
    return v;
  }
  strings(o: Obj, key: string, field: string): string[] {
    const v = o[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) this.fail(`${field}${key}`, "must be an array of strings");
    return v as string[];
  }
}

/**
 * Parse and check a dated table file. Refuses (one line naming the file and field) a wrong format,
 * a missing or empty tier list, a first floor above 0, floors that decrease or leave gaps, negative
 * or ≥ 1 rates, leverage below 1, deductions that break the venues' recursion, a bad date.
 */
export function parseVenueTables(raw: unknown, file: string, expectVenue?: string): VenueTableFile {
  const r = new Reader(file);
  const top = r.obj(raw, "file");
  if (top.format !== TABLE_FORMAT) r.fail("format", `must be "${TABLE_FORMAT}" (got ${JSON.stringify(top.format)})`);
  const venue = r.str(top, "venue", "");
  if (expectVenue && venue !== expectVenue) r.fail("venue", `is "${venue}", expected "${expectVenue}"`);
  const id = r.str(top, "id", "");
  const asOf = r.str(top, "asOf", "");
  const asOfMs = Date.parse(`${asOf}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || !Number.isFinite(asOfMs)) r.fail("asOf", `must be a date YYYY-MM-DD (got ${JSON.stringify(asOf)})`);
  const source = r.str(top, "source", "");
  const cols = top.columns;
  if (!Array.isArray(cols) || cols.join(",") !== COLUMNS.join(",")) r.fail("columns", `must be ${JSON.stringify(COLUMNS)}`);
  const loss = r.obj(top.liquidationLoss, "liquidationLoss");
  const liquidationLoss: Partial<Record<"cross" | "isolated", LiquidationLossRule>> = {};
  const backstopDefaults: string[] = [];
  for (const mode of ["cross", "isolated"] as const) {
    if (loss[mode] === undefined) continue;
    const backstop = HAS_BACKSTOP.has(venue) ? { venue, mode, defaulted: backstopDefaults } : null;
    liquidationLoss[mode] = parseLoss(r, loss[mode], `liquidationLoss.${mode}.`, backstop);
  }
  if (Object.keys(liquidationLoss).length === 0) r.fail("liquidationLoss", "needs a cross or an isolated rule");
  if (backstopDefaults.length > 0) {
    const used = backstopDefaults.map((m) => `${m} "${liquidationLoss[m as "cross" | "isolated"]!.backstopRemainder}"`).join(", ");
    r.warnings.push(`${file}: liquidationLoss.${backstopDefaults.join("/")}.backstopRemainder is missing (a file from before the field): using the shipped ${venue} table's (${used})`);
  }
  const symbolsRaw = r.obj(top.symbols, "symbols");
  const symbols = new Map<string, SymbolTable>();
  for (const [name, entry] of Object.entries(symbolsRaw)) symbols.set(name, parseSymbol(r, name, entry, `symbols.${name}.`));
  if (symbols.size === 0) r.fail("symbols", "is empty");
  const defaultTable = top.default === undefined || top.default === null ? null : parseSymbol(r, null, top.default, "default.");
  const perSymbolFees = [...symbols.values()].some((t) => t.liquidationFee !== undefined);
  return Object.freeze({
    venue, id, asOf, asOfMs, source, file, liquidationLoss, perSymbolFees, defaultTable, symbols,
    notes: r.strings(top, "notes", ""),
    unsourced: r.strings(top, "unsourced", ""),
    warnings: r.warnings,
  });
}

/** a venue with a backstop: its mode, and where to note a backstopRemainder taken from the shipped table */
interface BackstopCheck {
  readonly venue: string;
  readonly mode: "cross" | "isolated";
  readonly defaulted: string[];
}

function parseLoss(r: Reader, v: unknown, field: string, backstop: BackstopCheck | null): LiquidationLossRule {
  const o = r.obj(v, field.slice(0, -1));
  const feeRate = o.feeRate;
  if (typeof feeRate !== "number" || !(feeRate >= 0 && feeRate < 1)) r.fail(`${field}feeRate`, `must be a rate in [0, 1) (got ${JSON.stringify(feeRate)})`);
  const recipient = (key: string, x: unknown = o[key]): Recipient => {
    if (!RECIPIENTS.includes(x as Recipient)) r.fail(`${field}${key}`, `must be one of ${RECIPIENTS.map((s) => `"${s}"`).join(", ")} (got ${JSON.stringify(x)})`);
    return x as Recipient;
  };
  let backstopRemainder = o.backstopRemainder;
  if (backstop && backstopRemainder === undefined) {
    // a file written before the field existed: the shipped table's routing stands in, with a warning
    backstopRemainder = shippedBackstopRemainder(backstop.venue, backstop.mode);
    if (backstopRemainder === undefined) r.fail(`${field}backstopRemainder`, "is missing (this venue's liquidation has a backstop)");
    backstop.defaulted.push(backstop.mode);
  }
  return Object.freeze({
    closePrice: r.str(o, "closePrice", field),
    feeRate,
    feeBase: r.str(o, "feeBase", field),
    remainder: recipient("remainder"),
    ...(backstopRemainder !== undefined ? { backstopRemainder: recipient("backstopRemainder", backstopRemainder) } : {}),
    partial: r.str(o, "partial", field),
    bankrupt: r.str(o, "bankrupt", field),
    sources: r.strings(o, "sources", field),
    unsourced: r.strings(o, "unsourced", field),
  });
}

function parseSymbol(r: Reader, name: string | null, v: unknown, field: string): SymbolTable {
  const o = r.obj(v, field.slice(0, -1));
  const rows = o.tiers;
  if (!Array.isArray(rows) || rows.length === 0) r.fail(`${field}tiers`, "is missing or empty");
  const tiers: Tier[] = rows.map((row, i) => parseTier(r, row, `${field}tiers[${i}]`, i === rows.length - 1));
  checkTierOrder(r, tiers, `${field}tiers`);
  const szDecimals = o.szDecimals;
  if (szDecimals !== undefined && !(Number.isInteger(szDecimals) && (szDecimals as number) >= 0 && (szDecimals as number) <= 6)) r.fail(`${field}szDecimals`, "must be an integer 0..6");
  const tickSize = o.tickSize;
  if (tickSize !== undefined && tickSize !== null && !(typeof tickSize === "string" && Number(tickSize) > 0)) r.fail(`${field}tickSize`, `must be a positive decimal string (got ${JSON.stringify(tickSize)})`);
  const tick: TickRule = typeof tickSize === "string"
    ? { kind: "tick", tickSize }
    : szDecimals !== undefined ? { kind: "significant", figures: 5, maxDecimals: 6 - (szDecimals as number) } : { kind: "unknown" };
  const marginTableId = o.marginTableId;
  if (marginTableId !== undefined && !Number.isInteger(marginTableId)) r.fail(`${field}marginTableId`, "must be an integer");
  const liquidationFee = o.liquidationFee === undefined ? undefined : parseSymbolFee(r, o.liquidationFee, `${field}liquidationFee`);
  return Object.freeze({
    symbol: name,
    tiers: validateTiers(tiers, `${r.file}: ${field}tiers`),
    tick,
    ...(szDecimals !== undefined ? { szDecimals: szDecimals as number } : {}),
    ...(marginTableId !== undefined ? { marginTableId: marginTableId as number } : {}),
    ...(liquidationFee !== undefined ? { liquidationFee } : {}),
    unsourced: r.strings(o, "unsourced", field),
    notes: r.strings(o, "notes", field),
  });
}

/** `{ "rate": 0.0125, "source": "..." }`: a rate in [0, 1) with where it was read */
function parseSymbolFee(r: Reader, v: unknown, field: string): SymbolFee {
  const o = r.obj(v, field);
  if (typeof o.rate !== "number" || !(o.rate >= 0 && o.rate < 1)) r.fail(`${field}.rate`, `must be a rate in [0, 1) (got ${JSON.stringify(o.rate)})`);
  return Object.freeze({ rate: o.rate, source: r.str(o, "source", `${field}.`) });
}

function parseTier(r: Reader, row: unknown, field: string, last: boolean): Tier {
  if (!Array.isArray(row) || row.length !== 5) r.fail(field, `must be [${COLUMNS.join(", ")}]`);
  const [floor, cap, maxLeverage, mmr, deduction] = row as unknown[];
  const num = (v: unknown, col: string) => {
    if (typeof v !== "number" || !Number.isFinite(v)) r.fail(`${field}.${col}`, `must be a number (got ${JSON.stringify(v)})`);
    return v;
  };
  const f = num(floor, "floor");
  if (f < 0) r.fail(`${field}.floor`, `is negative (${f})`);
  const c = cap === null && last ? Infinity : num(cap, "cap");
  const lev = num(maxLeverage, "maxLeverage");
  if (!(lev >= 1)) r.fail(`${field}.maxLeverage`, `must be at least 1 (got ${lev})`);
  const m = num(mmr, "mmr");
  if (!(m > 0 && m < 1)) r.fail(`${field}.mmr`, `must be a rate in (0, 1) (got ${m})`);
  if (m * lev >= 1) r.fail(`${field}.mmr`, `${m} at ${lev}x leaves no room between initial and maintenance margin`);
  const d = num(deduction, "deduction");
  if (d < 0) r.fail(`${field}.deduction`, `is negative (${d})`);
  return { floor: f, cap: c, maxLeverage: lev, mmr: m, deduction: d };
}

/** floors from 0, contiguous and increasing, rates non-decreasing, deductions by the recursion (to a cent) */
function checkTierOrder(r: Reader, tiers: Tier[], field: string): void {
  if (tiers[0].floor !== 0) r.fail(`${field}[0].floor`, `must be 0 (got ${tiers[0].floor})`);
  if (tiers[0].deduction !== 0) r.fail(`${field}[0].deduction`, `must be 0 (got ${tiers[0].deduction})`);
  for (let i = 0; i < tiers.length; i++) {
    const t = tiers[i];
    if (!(t.cap > t.floor)) r.fail(`${field}[${i}].cap`, `${t.cap} is not above its floor ${t.floor}`);
    if (i === 0) continue;
    const p = tiers[i - 1];
    if (t.floor < p.floor) r.fail(`${field}[${i}].floor`, `${t.floor} decreases (previous floor ${p.floor})`);
    if (t.floor !== p.cap) r.fail(`${field}[${i}].floor`, `${t.floor} does not start where tier ${i - 1} ends (${p.cap})`);
    if (t.mmr < p.mmr) r.fail(`${field}[${i}].mmr`, `${t.mmr} decreases (previous ${p.mmr})`);
    const want = p.deduction + t.floor * (t.mmr - p.mmr);
    if (Math.abs(t.deduction - want) > 0.01 + 1e-9 * want) r.fail(`${field}[${i}].deduction`, `${t.deduction} breaks maintenance continuity (expected ${+want.toFixed(8)})`);
  }
}
