/**
 * Venues: data plus a few functions. `getVenue("binance")` or `getVenue({ name: "custom", ... })`;
 * `venue.tiers(symbol, time?)` gives the maintenance tiers in force (`tierAt(table, notional)` picks
 * one), `venue.table(symbol, time?)` the dated table behind them (id, asOf, source, tick, unsourced
 * figures, liquidation loss). Tables are data files (src/venues/tables/*.json, dated); a user's newer
 * files (`perpsim venues update`) are parsed with `parseVenueTables` and added with `withTableFiles`.
 */
export type { Venue, VenueName, Tier, TierTable, LiqPriceFamily, LiquidationPolicy, FundingRules, CustomVenueSpec, MarginMode } from "./types.ts";
export type { LiquidationLossRule, Recipient, SymbolFee, SymbolTable, TableChoice, TickRule, VenueTableFile } from "./tableTypes.ts";
export { liquidationFeeRate } from "./liquidationFee.ts";
export { RECIPIENTS } from "./tableTypes.ts";
export { getVenue, withTiers, withTableFiles, undated, VENUE_NAMES } from "./registry.ts";
export { buildTiers, flatTier, tierAt, tierIndex, validateTiers, GENERIC_TIERS, type TierRow } from "./tiers.ts";
export { baseAsset, symbolKeys } from "./symbols.ts";
export { parseVenueTables, TABLE_FORMAT } from "./tableParse.ts";
export { VenueTables, describeSpans, STALE_AFTER_DAYS, type TableSpan } from "./tableSet.ts";
export { formatPrice, describeTick } from "./ticks.ts";
export { fromHyperliquidMeta, fromBinanceBrackets, fromBybitRiskLimits, fromDydxMarkets, type ConvertOptions } from "./convert.ts";
