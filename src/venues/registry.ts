import { InputError } from "../market/index.ts";
import type { CustomVenueSpec, TierTable, Venue } from "./types.ts";
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
  return {
    ...venue,
    tiers: (symbol) => own[baseAsset(symbol)] ?? fallback ?? venue.tiers(symbol),
  };
}
