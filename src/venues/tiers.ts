import { InputError } from "../market/index.ts";
import type { Tier, TierTable } from "./types.ts";

export interface TierRow {
  floor: number;
  maxLeverage: number;
  /** defaults to 1 / (2 × maxLeverage), Hyperliquid's rule */
  mmr?: number;
}

/**
 * Build a tier table from floors and rates, with each deduction from the venues' recursion:
 * d(0) = 0, d(n) = d(n−1) + floor(n) × (mmr(n) − mmr(n−1)) — which keeps maintenance continuous.
 * `lastCap` closes the table (Infinity when the venue states no limit).
 */
export function buildTiers(rows: readonly TierRow[], lastCap = Infinity): TierTable {
  const out: Tier[] = [];
  let deduction = 0;
  let prevMmr = 0;
  rows.forEach((r, i) => {
    const mmr = r.mmr ?? 1 / (2 * r.maxLeverage);
    if (i > 0) deduction += r.floor * (mmr - prevMmr);
    const cap = i + 1 < rows.length ? rows[i + 1].floor : lastCap;
    out.push({ floor: r.floor, cap, maxLeverage: r.maxLeverage, mmr, deduction });
    prevMmr = mmr;
  });
  return validateTiers(out, "tier table");
}

/** Check a table is usable: from 0, contiguous, mmr non-decreasing, positive leverage. */
export function validateTiers(table: readonly Tier[], what: string): TierTable {
  if (table.length === 0) throw new InputError(`${what}: no tiers`);
  if (table[0].floor !== 0) throw new InputError(`${what}: first tier must start at notional 0`);
  for (let i = 0; i < table.length; i++) {
    const t = table[i];
    if (!(t.cap > t.floor)) throw new InputError(`${what}: tier ${i + 1} cap must exceed its floor`);
    if (i > 0 && table[i - 1].cap !== t.floor) throw new InputError(`${what}: tier ${i + 1} does not start where tier ${i} ends`);
    if (i > 0 && t.mmr < table[i - 1].mmr) throw new InputError(`${what}: tier ${i + 1} maintenance rate decreases`);
    if (!(t.mmr >= 0 && t.mmr < 1) || !(t.maxLeverage >= 1)) throw new InputError(`${what}: tier ${i + 1} has an invalid rate or leverage`);
  }
  return Object.freeze(table.map((t) => Object.freeze({ ...t })));
}

/** Index of the tier holding `notional` (the last tier for notionals at or above its floor). */
export function tierIndex(table: TierTable, notional: number): number {
  let i = 0;
  while (i + 1 < table.length && notional >= table[i + 1].floor) i++;
  return i;
}

export function tierAt(table: TierTable, notional: number): Tier {
  return table[tierIndex(table, notional)];
}

/** A one-tier table: flat rate, for overrides (`--mmr`) and the custom venue. */
export function flatTier(mmr: number, maxLeverage: number, deduction = 0): TierTable {
  return Object.freeze([Object.freeze({ floor: 0, cap: Infinity, maxLeverage, mmr, deduction })]);
}

/**
 * A generic default for assets a venue publishes no table for (overridable with `withTiers`):
 * 20x to 1M, 10x to 5M, 5x to 20M, 2x beyond; maintenance = half the initial margin at max leverage.
 */
export const GENERIC_TIERS: TierTable = buildTiers([
  { floor: 0, maxLeverage: 20 },
  { floor: 1_000_000, maxLeverage: 10 },
  { floor: 5_000_000, maxLeverage: 5 },
  { floor: 20_000_000, maxLeverage: 2 },
]);
