import { InputError } from "../market/index.ts";
import { flatTier, tierAt, type Venue } from "../venues/index.ts";
import {
  bankruptcyRoot, liquidationRoot, maintenance, maintenanceNotional as notionalOf, maintenanceTier, type MaintenanceRule,
} from "./algebra.ts";
import { FLOAT } from "./numbers.ts";

export type { MaintenanceRule } from "./algebra.ts";

export interface RuleOverrides {
  /** flat maintenance rate instead of the venue's tiers */
  mmr?: number;
  /** deduction with `mmr` (Binance "cum", Hyperliquid deduction) */
  maintenanceAmount?: number;
  /**
   * Max leverage. Hyperliquid derives maintenance from it (mmr = 1 / (2 × maxLeverage), one flat tier);
   * on every other venue it only caps leverage below the tiers' own maximum and keeps the tiers.
   */
  maxLeverage?: number;
}

/** Resolve a position's maintenance rule from its venue, symbol and overrides, on the table in force at `time` (ms; newest when omitted). */
export function maintenanceRule(venue: Venue, symbol: string, o: RuleOverrides = {}, time?: number): MaintenanceRule {
  let tiers = venue.tiers(symbol, time);
  if (o.maxLeverage !== undefined && !(o.maxLeverage >= 1)) throw new InputError(`max leverage ${o.maxLeverage} must be at least 1`);
  if (o.mmr !== undefined) {
    if (!(o.mmr > 0 && o.mmr < 1)) throw new InputError(`mmr ${o.mmr} must be in (0, 1)`);
    tiers = flatTier(o.mmr, o.maxLeverage ?? tiers[0].maxLeverage, o.maintenanceAmount ?? 0);
  } else if (o.maintenanceAmount !== undefined) {
    throw new InputError("maintenanceAmount needs mmr beside it");
  } else if (o.maxLeverage !== undefined && venue.mmrFromMaxLeverage) {
    tiers = flatTier(1 / (2 * o.maxLeverage), o.maxLeverage);
  }
  return {
    tiers,
    family: venue.liqPriceFamily,
    closeFeeRate: venue.closeFeeInMaintenance ? venue.takerFee : 0,
    minMaintenance: venue.minMaintenance,
    leverageCap: o.maxLeverage ?? Infinity,
  };
}

/** The most leverage a position of this notional may take: its tier's, capped by the user's `maxLeverage`. */
export function maxLeverageAt(rule: MaintenanceRule, notional: number): number {
  return Math.min(tierAt(rule.tiers, notional).maxLeverage, rule.leverageCap);
}

/** Notional the maintenance margin is measured on: at the price, or at entry (Bybit, GMX). */
export function maintenanceNotional(rule: MaintenanceRule, size: number, entry: number, price: number): number {
  return notionalOf(FLOAT, rule, size, entry, price);
}

/** Maintenance margin of a position of `size` (> 0) at `price` (float64; the algebra's `maintenance`). */
export function maintenanceMargin(rule: MaintenanceRule, size: number, entry: number, price: number): number {
  return maintenance(FLOAT, rule, size, entry, price);
}

/** The tier index used at a price (changes of it make the cross check non-linear along a segment). */
export function maintenanceTierIndex(rule: MaintenanceRule, size: number, entry: number, price: number): number {
  return maintenanceTier(FLOAT, rule, size, entry, price);
}

/**
 * The price at which `available + dir × size × (P − entry) = maintenance(P)`, float64. Long:
 * liquidatable below it (0 = never); short: above it (0 = at every price). See `liquidationRoot`.
 */
export function liquidationPriceF(rule: MaintenanceRule, dir: 1 | -1, size: number, entry: number, available: number): number {
  const p = liquidationRoot(FLOAT, rule, dir, size, entry, available);
  return p > 0 ? p : 0;
}

/** Price where the bucket's equity is zero: `available + dir × size × (P − entry) = 0`; 0 when none above zero. */
export function bankruptcyPriceF(dir: 1 | -1, size: number, entry: number, equityExcludingPosition: number): number {
  const p = bankruptcyRoot(FLOAT, dir, size, entry, equityExcludingPosition);
  return p > 0 ? p : 0;
}
