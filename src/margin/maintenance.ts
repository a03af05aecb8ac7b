import { InputError } from "../market/index.ts";
import { flatTier, tierAt, tierIndex, type LiqPriceFamily, type TierTable, type Venue } from "../venues/index.ts";

/**
 * The maintenance rule of one position, resolved once when it opens (or its overrides change):
 * the venue's tier table for the symbol, or a flat override (`mmr`, `maintenanceAmount`).
 */
export interface MaintenanceRule {
  readonly tiers: TierTable;
  readonly family: LiqPriceFamily;
  /** fee to close as a share of the entry notional, counted in maintenance (GMX), else 0 */
  readonly closeFeeRate: number;
  /** floor of the maintenance margin (GMX $1), else 0 */
  readonly minMaintenance: number;
  /** a user's `maxLeverage` cap over the tiers' own (Infinity when none) */
  readonly leverageCap: number;
}

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

/** Resolve a position's maintenance rule from its venue, symbol and overrides. */
export function maintenanceRule(venue: Venue, symbol: string, o: RuleOverrides = {}): MaintenanceRule {
  let tiers = venue.tiers(symbol);
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
  return size * (rule.family === "mm-at-entry" ? entry : price);
}

/** Maintenance margin of a position of `size` (> 0) at `price`. */
export function maintenanceMargin(rule: MaintenanceRule, size: number, entry: number, price: number): number {
  const notional = maintenanceNotional(rule, size, entry, price);
  const t = tierAt(rule.tiers, notional);
  const mm = Math.max(notional * t.mmr - t.deduction, rule.minMaintenance);
  return rule.closeFeeRate === 0 ? mm : mm + size * entry * rule.closeFeeRate;
}

/** The tier index used at a price (changes of it make the cross check non-linear along a segment). */
export function maintenanceTierIndex(rule: MaintenanceRule, size: number, entry: number, price: number): number {
  return rule.tiers.length === 1 ? 0 : tierIndex(rule.tiers, maintenanceNotional(rule, size, entry, price));
}

/**
 * The price at which `available + dir × size × (P − entry) = maintenance(P)`, float64.
 * `available` is the isolated margin, or for a cross position the cross collateral after the other
 * positions' PnL and maintenance. Long: liquidatable below it (0 = never); short: above it
 * (0 = at every price). Iterates tiers: the tier is the one at that price.
 */
export function liquidationPriceF(rule: MaintenanceRule, dir: 1 | -1, size: number, entry: number, available: number): number {
  let p: number;
  if (rule.family === "mm-at-entry") {
    p = entry - (dir * (available - maintenanceMargin(rule, size, entry, entry))) / size;
  } else {
    const t = rule.tiers[liquidationTierIndex(rule, dir, size, entry, available)];
    p = (available + t.deduction - dir * size * entry) / (size * t.mmr - dir * size);
  }
  return p > 0 ? p : 0;
}

/**
 * The tier the liquidation price falls in (maintenance at the liquidation price). The excess
 * g(P) = available + dir × size × (P − entry) − MM(P) is monotone in P, so tier i's floor lies at or
 * before the root exactly when dir × g(floor_i / size) ≤ 0: the answer is the last such tier (the
 * last tier runs on past its cap, as `tierAt` does). The decimal calculator makes the same test.
 */
function liquidationTierIndex(rule: MaintenanceRule, dir: 1 | -1, size: number, entry: number, available: number): number {
  const tiers = rule.tiers;
  let k = 0;
  for (let i = 1; i < tiers.length; i++) {
    const t = tiers[i];
    const g = available + dir * (t.floor - size * entry) - (t.floor * t.mmr - t.deduction);
    if (dir * g > 0) break;
    k = i;
  }
  return k;
}

/** Price where the bucket's equity is zero: `available + dir × size × (P − entry) = 0`; 0 when none above zero. */
export function bankruptcyPriceF(dir: 1 | -1, size: number, entry: number, equityExcludingPosition: number): number {
  const p = entry - (dir * equityExcludingPosition) / size;
  return p > 0 ? p : 0;
}
