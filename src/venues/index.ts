/**
 * Venues: data plus a few functions. `getVenue("binance")` or `getVenue({ name: "custom", ... })`;
 * `venue.tiers(symbol)` gives the maintenance tiers (`tierAt(table, notional)` picks one).
 */
export type { Venue, VenueName, Tier, TierTable, LiqPriceFamily, LiquidationPolicy, FundingRules, CustomVenueSpec, MarginMode } from "./types.ts";
export { getVenue, withTiers, VENUE_NAMES } from "./registry.ts";
export { buildTiers, flatTier, tierAt, tierIndex, validateTiers, GENERIC_TIERS, type TierRow } from "./tiers.ts";
export { baseAsset } from "./symbols.ts";
export { BINANCE_TIERS } from "./binance.ts";
export { HYPERLIQUID_TIERS, HYPERLIQUID_DEFAULT_TIERS } from "./hyperliquid.ts";
