import { readFile } from "node:fs/promises";
import { InputError } from "../../market/index.ts";
import { formatPrice, getVenue, type Venue } from "../../venues/index.ts";
import { accountLiquidationPrices, compareModes, liquidationPrice, type CalcPosition, type LiquidationQuote } from "../../margin/index.ts";
import { numberFlag, parseFlags, requireFlag } from "../args.ts";
import { withUserTables } from "../venueTables.ts";
import { parseJsonText } from "../jsonText.ts";
import { money } from "../../results/index.ts";

const HELP = `usage:
  perpsim liq --venue <name> --side long|short --entry <price> --size <qty> (--leverage <x> | --margin <usd>)
              [--symbol BTCUSDT] [--mark <price>] [--mode isolated|cross] [--balance <usd>]
              [--mmr <rate> --maintenance-amount <usd>] [--max-leverage <x>] [--json]
  perpsim liq --account account.json [--json]

Without --mode, the position is shown under cross (behind --balance) beside isolated (behind its margin).
venues: hyperliquid, binance, bybit, dydx, gmx`;

const OPTIONS = {
  venue: { type: "string" }, symbol: { type: "string" }, side: { type: "string" }, entry: { type: "string" },
  size: { type: "string" }, leverage: { type: "string" }, margin: { type: "string" }, mode: { type: "string" },
  balance: { type: "string" }, mmr: { type: "string" }, "maintenance-amount": { type: "string" },
  "max-leverage": { type: "string" }, mark: { type: "string" }, account: { type: "string" }, json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, OPTIONS);
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const { venue, quotes } = v.account ? await fromAccountFile(v.account) : fromFlags(v);
  const tables = Object.fromEntries(quotes.map((q) => {
    const t = venue.table(q.symbol);
    return [q.symbol, { id: t.id, asOf: t.asOf, venueSymbol: t.venueSymbol, unsourced: t.unsourced }];
  }));
  console.log(v.json ? JSON.stringify({ venue: venue.name, positions: quotes, tables }, null, 2) : table(venue, quotes));
  return 0;
}

function fromFlags(v: Record<string, string | boolean | undefined>): { venue: Venue; quotes: LiquidationQuote[] } {
  const str = (k: string) => v[k] as string | undefined;
  const { venue } = withUserTables(getVenue(requireFlag("venue", str("venue"))));
  const side = requireFlag("side", str("side"));
  if (side !== "long" && side !== "short") throw new InputError(`--side must be long or short (got '${side}')`);
  const mode = str("mode");
  if (mode !== undefined && mode !== "cross" && mode !== "isolated") throw new InputError(`--mode must be cross or isolated (got '${mode}')`);
  const mmr = numberFlag("mmr", str("mmr"));
  const maintenanceAmount = numberFlag("maintenance-amount", str("maintenance-amount"));
  if (maintenanceAmount !== undefined && mmr === undefined) throw new InputError("--maintenance-amount needs --mmr");
  const position = {
    symbol: str("symbol") ?? "BTCUSDT",
    side: side as "long" | "short",
    entryPrice: requireFlag("entry", numberFlag("entry", str("entry"))),
    size: requireFlag("size", numberFlag("size", str("size"))),
    markPrice: numberFlag("mark", str("mark")),
    leverage: numberFlag("leverage", str("leverage")),
    margin: numberFlag("margin", str("margin")),
    mmr,
    maintenanceAmount,
    maxLeverage: numberFlag("max-leverage", str("max-leverage")),
  };
  if (position.leverage === undefined && position.margin === undefined) throw new InputError("give --leverage or --margin");
  if (position.leverage !== undefined && position.margin !== undefined) throw new InputError("give --leverage or --margin, not both (each sets the position's margin)");
  const balance = numberFlag("balance", str("balance"));
  const where = "flags";
  const flagName: Record<string, string> = { entryPrice: "entry", markPrice: "mark", maxLeverage: "max-leverage", maintenanceAmount: "maintenance-amount", walletBalance: "balance" };
  const rename = (err: unknown) => {
    if (!(err instanceof InputError)) return err;
    const m = err.message
      .replace(/^(?:flags: )?(?:positions\[0\]|flags|position)(?:\.(\w+)|: )/, (_all, f?: string) => (f ? `--${flagName[f] ?? f}` : ""))
      .replace(/^walletBalance/, "--balance");
    return new InputError(m);
  };
  try {
    if (mode === "isolated") return { venue, quotes: [liquidationPrice(venue, { ...position, mode }, undefined, where)] };
    if (mode === "cross") return { venue, quotes: [liquidationPrice(venue, { ...position, mode, margin: undefined }, balance ?? position.margin, where)] };
    return { venue, quotes: compareModes(venue, position, balance, where) };
  } catch (err) {
    throw rename(err);
  }
}

async function fromAccountFile(path: string): Promise<{ venue: Venue; quotes: LiquidationQuote[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new InputError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const data = parseJsonText(text, path); // a byte-order mark is skipped
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InputError(`${path}: expected an object with venue, walletBalance and positions`);
  const o = data as Record<string, unknown>;
  if (typeof o.venue !== "string" && (typeof o.venue !== "object" || o.venue === null)) throw new InputError(`${path}: venue must be a venue name`);
  let venue: Venue;
  try {
    venue = withUserTables(getVenue(o.venue as string)).venue;
  } catch (err) {
    throw new InputError(`${path}: venue: ${(err as Error).message}`);
  }
  if (typeof o.walletBalance !== "number") throw new InputError(`${path}: walletBalance must be a number`);
  if (!Array.isArray(o.positions) || o.positions.length === 0) throw new InputError(`${path}: positions must be a non-empty array`);
  const known = new Set(["symbol", "side", "size", "entryPrice", "markPrice", "mode", "margin", "leverage", "mmr", "maintenanceAmount", "maxLeverage"]);
  o.positions.forEach((p, i) => {
    if (typeof p !== "object" || p === null || Array.isArray(p)) throw new InputError(`${path}: positions[${i}] must be an object`);
    for (const k of Object.keys(p)) if (!known.has(k)) throw new InputError(`${path}: positions[${i}].${k} is not a known field`);
  });
  return { venue, quotes: accountLiquidationPrices(venue, o.walletBalance, o.positions as CalcPosition[], path) };
}

/** Prices at the symbol's tick (never 0 for a price that exists), money to the cent; `--json` keeps every digit. */
function table(venue: Venue, quotes: LiquidationQuote[]): string {
  const price = (q: LiquidationQuote, x: number | null) => (x === null ? "none" : formatPrice(x, venue.table(q.symbol).table.tick));
  const head = ["symbol", "side", "mode", "liquidation", "bankruptcy", "maint. margin", "distance"];
  const rows = quotes.map((q) => [
    q.symbol, q.side, q.mode, price(q, q.liquidationPrice), price(q, q.bankruptcyPrice),
    money(q.maintenanceMargin), q.distancePct === null ? "-" : `${q.distancePct.toFixed(2)} %`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const notes = quotes.filter((q) => q.liquidationPrice === null).map((q) => `${q.symbol} ${q.mode}: no liquidation price above zero (over-collateralised)`);
  const tables = [...new Set(quotes.map((q) => {
    const t = venue.table(q.symbol);
    const flag = t.unsourced.length > 0 ? " (has unsourced figures: perpsim venues show)" : "";
    return t.id === "custom" ? "" : `${q.symbol}: table ${t.id} (asOf ${t.asOf})${t.venueSymbol === null ? ", not listed: default table" : ""}${flag}`;
  }).filter((x) => x !== ""))];
  return [`${venue.label}`, line(head), ...rows.map(line), ...notes, ...tables].join("\n");
}
