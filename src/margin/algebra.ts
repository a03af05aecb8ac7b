import { tierAt, tierIndex, type LiqPriceFamily, type Tier, type TierTable } from "../venues/index.ts";

/**
 * The venue algebra, stated once: maintenance of a position, the liquidation tier search, the linear
 * piece of the excess on a tier and its root, cross excess. Generic over the number type: the engine,
 * the Monte Carlo kernel and the squeeze scenario use `FLOAT` (numbers.ts), the calculator decimal.js.
 *
 * The order of operations is part of the contract: the float engine's results are compared bit for
 * bit across versions (same seed, same bytes), so each formula keeps the grouping written here.
 * Products with `dir` (±1) are exact in floats, so where a sign is applied does not matter.
 */

/** Arithmetic of one number type. `b` may be a plain number (a tier's rate, a sign) in every operation. */
export interface Num<T> {
  of(x: number): T;
  add(a: T, b: T | number): T;
  sub(a: T, b: T | number): T;
  mul(a: T, b: T | number): T;
  div(a: T, b: T | number): T;
  /** the larger of `a` and the number `b` (Math.max for floats) */
  max(a: T, b: number): T;
  /** a > 0 */
  positive(a: T): boolean;
  toNumber(a: T): number;
}

export type Dir = 1 | -1;

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

/** Notional the maintenance margin is measured on: size × price, or size × entry (Bybit, GMX). */
export function maintenanceNotional<T>(N: Num<T>, rule: MaintenanceRule, size: T, entry: T, price: T): T {
  return N.mul(size, rule.family === "mm-at-entry" ? entry : price);
}

/** The linear piece of maintenance on one tier: notional × mmr − deduction. */
export function tierMaintenance<T>(N: Num<T>, tier: Tier, notional: T): T {
  return N.sub(N.mul(notional, tier.mmr), tier.deduction);
}

/** Maintenance margin of a position of `size` (> 0) at `price`: its tier's piece, the venue's floor, the fee to close (GMX). */
export function maintenance<T>(N: Num<T>, rule: MaintenanceRule, size: T, entry: T, price: T): T {
  // written out (not through maintenanceNotional / tierMaintenance): this is the hot path of every check
  const notional = N.mul(size, rule.family === "mm-at-entry" ? entry : price);
  const tiers = rule.tiers;
  const t = tiers.length === 1 ? tiers[0] : tierAt(tiers, N.toNumber(notional));
  const mm = N.max(N.sub(N.mul(notional, t.mmr), t.deduction), rule.minMaintenance);
  return rule.closeFeeRate === 0 ? mm : N.add(mm, N.mul(N.mul(size, entry), rule.closeFeeRate));
}

/** The tier index maintenance uses at a price. */
export function maintenanceTier<T>(N: Num<T>, rule: MaintenanceRule, size: T, entry: T, price: T): number {
  return rule.tiers.length === 1 ? 0 : tierIndex(rule.tiers, N.toNumber(maintenanceNotional(N, rule, size, entry, price)));
}

/** Unrealised PnL: dir × size × (price − entry). */
export function unrealisedPnl<T>(N: Num<T>, dir: Dir, size: T, entry: T, price: T): T {
  return N.mul(N.mul(size, dir), N.sub(price, entry));
}

/** One position's share of the cross excess at a price: its unrealised PnL minus its maintenance. */
export function positionExcess<T>(N: Num<T>, rule: MaintenanceRule, dir: Dir, size: T, entry: T, price: T): T {
  return N.sub(unrealisedPnl(N, dir, size, entry, price), maintenance(N, rule, size, entry, price));
}

/**
 * The tier the liquidation price falls in (maintenance at the liquidation price). The excess
 * g(P) = available + dir × size × (P − entry) − MM(P) is monotone in P, so tier i's floor lies at or
 * before the root exactly when dir × g(floor_i / size) ≤ 0: the answer is the last such tier (the
 * last tier runs on past its cap, as `tierAt` does).
 */
export function liquidationTier<T>(N: Num<T>, rule: MaintenanceRule, dir: Dir, size: T, entry: T, available: T): number {
  const tiers = rule.tiers;
  if (tiers.length === 1) return 0;
  const atEntry = N.mul(size, entry);
  let k = 0;
  for (let i = 1; i < tiers.length; i++) {
    const t = tiers[i];
    const floor = N.of(t.floor);
    const g = N.sub(N.add(available, N.mul(N.sub(floor, atEntry), dir)), tierMaintenance(N, t, floor));
    if (N.positive(N.mul(g, dir))) break;
    k = i;
  }
  return k;
}

/** Root of `available + dir × size × (P − entry) = notional(P) × mmr − deduction` on one tier (maintenance at P). */
export function tierRoot<T>(N: Num<T>, tier: Tier, dir: Dir, size: T, entry: T, available: T): T {
  return N.div(N.sub(N.add(available, tier.deduction), N.mul(N.mul(size, entry), dir)), N.sub(N.mul(size, tier.mmr), N.mul(size, dir)));
}

/** Root when maintenance is taken at entry (a constant `mmAtEntry`): entry − dir × (available − mmAtEntry) / size. */
export function entryRoot<T>(N: Num<T>, dir: Dir, size: T, entry: T, available: T, mmAtEntry: T): T {
  return N.sub(entry, N.div(N.mul(N.sub(available, mmAtEntry), dir), size));
}

/**
 * The price at which `available + dir × size × (P − entry) = maintenance(P)`, not clamped: callers
 * read a root ≤ 0 as "none" (long: never liquidated; short: at every price). `available` is the
 * isolated margin, or for a cross position the cross collateral after the other positions' PnL and
 * maintenance. Iterates tiers: the tier is the one at that price.
 */
export function liquidationRoot<T>(N: Num<T>, rule: MaintenanceRule, dir: Dir, size: T, entry: T, available: T): T {
  if (rule.family === "mm-at-entry") return entryRoot(N, dir, size, entry, available, maintenance(N, rule, size, entry, entry));
  return tierRoot(N, rule.tiers[liquidationTier(N, rule, dir, size, entry, available)], dir, size, entry, available);
}

/** Price where the bucket's equity is zero: `equity + dir × size × (P − entry) = 0`, not clamped. */
export function bankruptcyRoot<T>(N: Num<T>, dir: Dir, size: T, entry: T, equityExcludingPosition: T): T {
  return N.sub(entry, N.div(N.mul(equityExcludingPosition, dir), size));
}

// ---------------------------------------------------------------- linear pieces, for tight loops

/**
 * A rule whose maintenance is one linear piece at every notional (one tier, no floor, no fee to
 * close): then the excess and the liquidation price are linear in price and margin everywhere.
 */
export function isLinearRule(rule: MaintenanceRule): boolean {
  return rule.tiers.length === 1 && rule.minMaintenance === 0 && rule.closeFeeRate === 0;
}

/** Slope in price of one position's excess on a tier: dir × size − size × mmr (dir × size at entry). */
export function excessSlope<T>(N: Num<T>, family: LiqPriceFamily, tier: Tier, dir: Dir, size: T): T {
  const q = N.mul(size, dir);
  return family === "mm-at-entry" ? q : N.sub(q, N.mul(size, tier.mmr));
}

/** Intercept of one position's excess on a tier: excess(P) = slope × P + intercept (no floor, no fee to close). */
export function excessIntercept<T>(N: Num<T>, family: LiqPriceFamily, tier: Tier, dir: Dir, size: T, entry: T): T {
  const cost = N.mul(N.mul(size, -dir), entry);
  return family === "mm-at-entry" ? N.sub(cost, tierMaintenance(N, tier, N.mul(size, entry))) : N.add(cost, tier.deduction);
}

/** Linear root of a one-piece rule (no floor, no fee to close): `tierRoot`, or `entryRoot` with the piece at entry. */
export function linearRoot<T>(N: Num<T>, family: LiqPriceFamily, tier: Tier, dir: Dir, size: T, entry: T, available: T): T {
  if (family === "mm-at-entry") return entryRoot(N, dir, size, entry, available, tierMaintenance(N, tier, N.mul(size, entry)));
  return tierRoot(N, tier, dir, size, entry, available);
}

/** How far the linear root moves per unit of `available`: 1 / (size × (mmr − dir)), or −dir / size at entry. */
export function rootPerAvailable<T>(N: Num<T>, family: LiqPriceFamily, tier: Tier, dir: Dir, size: T): T {
  return family === "mm-at-entry" ? N.div(N.of(-dir), size) : N.div(N.of(1), N.mul(size, tier.mmr - dir));
}
