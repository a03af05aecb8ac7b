import { InputError } from "../market/index.ts";
import type { CustomVenueSpec, TierTable, Venue } from "./types.ts";
import type { VenueTableFile } from "./tableTypes.ts";
import { onTables } from "./tabled.ts";
import { hyperliquid } from "./hyperliquid.ts";
import { binance } from "./binance.ts";
import { bybit } from "./bybit.ts";
import { dydx } from "./dydx.ts";
import { gmx } from "./gmx.ts";
import { customVenue } from "./custom.ts";
import { baseAsset } from "./symbols.ts";
import { validateTiers } from "./tiers.ts";

const VENUES: Record<string, Venue> = { hyperliquid, binance, bybit, dydx, gmx };
export const VENUE_NAMES = ["hyperliquid", "binance", "bybit", "dydx", "gmx", "custom"] as const;

/**
 * A venue by name (`hyperliquid`, `binance`, `bybit`, `dydx`, `gmx`) or a custom spec
 * (`{ name: "custom", maintenanceMarginRate, takerFee, liquidationFee, ... }`). InputError otherwise.
 */
export function getVenue(nameOrSpec: string | CustomVenueSpec): Venue {
  if (typeof nameOrSpec === "object" && nameOrSpec !== null) {
    if (nameOrSpec.name !== "custom") throw new InputError(`venue spec: name must be 'custom' (got '${String(nameOrSpec.name)}')`);
    return customVenue(nameOrSpec);
  }
  const key = String(nameOrSpec).trim().toLowerCase();
  const venue = Object.hasOwn(VENUES, key) ? VENUES[key] : undefined;
  if (key === "custom") throw new InputError(`venue 'custom' is not a named venue: give its spec in a config file ({"name": "custom", "maintenanceMarginRate": …, "takerFee": …, "liquidationFee": …})`);
  if (!venue) throw new InputError(`unknown venue '${nameOrSpec}' (known: ${VENUE_NAMES.filter((n) => n !== "custom").join(", ")}, or a custom spec in a config file)`);
  return venue;
}

/**
 * The same venue with tier tables replaced: per base asset (`{ BTC: table }`) and/or the default for
 * every other asset — brackets change over time, so a backtest may pin the table of its date.
 */
export function withTiers(venue: Venue, byAsset: Readonly<Record<string, TierTable>>, defaultTiers?: TierTable): Venue {
  const own: Record<string, TierTable> = {};
  for (const [asset, table] of Object.entries(byAsset)) own[baseAsset(asset)] = validateTiers(table, `tiers for ${asset}`);
  const fallback = defaultTiers ? validateTiers(defaultTiers, "default tiers") : undefined;
  const pinned = (symbol: string): TierTable | undefined => own[baseAsset(symbol)] ?? fallback;
  return {
    ...venue,
    tiers: (symbol, time) => pinned(symbol) ?? venue.tiers(symbol, time),
    table: (symbol, time) => {
      const base = venue.table(symbol, time);
      const t = pinned(symbol);
      if (!t) return base;
      return { ...base, id: `${base.id}+pinned`, source: "tiers pinned by the caller (withTiers)", table: { ...base.table, tiers: t } };
    },
  };
}

/**
 * The same venue with more dated table files (a user's `perpsim venues update` output, parsed by
 * the caller with `parseVenueTables`): each symbol runs on the newest file in force at the bar's time.
 */
export function withTableFiles(venue: Venue, files: readonly VenueTableFile[]): Venue {
  if (files.length === 0) return venue;
  if (!venue.tables) throw new InputError(`${venue.label} has no dated tables to add to`);
  const { tiers: _t, table: _c, tables: _s, liquidationFee: _f, liquidationLoss: _l, ...rules } = venue;
  return onTables(rules, venue.tables.with(files));
}

/**
 * The same venue with its tables frozen at the newest (today's) whatever the time asked: for
 * synthetic paths (Monte Carlo), whose clocks start at 0 and carry no calendar date.
 */
export function undated(venue: Venue): Venue {
  return { ...venue, tiers: (symbol) => venue.tiers(symbol), table: (symbol) => venue.table(symbol) };
}
