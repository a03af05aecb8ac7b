/** The data that describes one venue's margin rules. Every engine, calculator and kernel reads these. */
import type { LiquidationLossRule, TableChoice } from "./tableTypes.ts";
import type { VenueTables } from "./tableSet.ts";

export type MarginMode = "cross" | "isolated";

/**
 * One maintenance tier: applies while `floor <= notional < cap`.
 * Maintenance margin = notional × mmr − deduction (Binance's "cum", Hyperliquid's "deduction").
 */
export interface Tier {
  readonly floor: number;
  readonly cap: number;
  readonly maxLeverage: number;
  readonly mmr: number;
  readonly deduction: number;
}

/** Tiers sorted by floor, contiguous from 0; mmr non-decreasing (so maintenance is convex in notional). */
export type TierTable = readonly Tier[];

/**
 * How a venue states an isolated position's liquidation price:
 * - `mm-at-liquidation`: maintenance taken at the liquidation price (Hyperliquid, Binance, dYdX, custom);
 * - `mm-at-entry`: maintenance taken at the entry notional (Bybit's USDT formula; GMX, whose
 *   threshold is a share of the USD size fixed at entry, so its "numeric" solve is linear).
 */
export type LiqPriceFamily = "mm-at-liquidation" | "mm-at-entry";

export type LiquidationPolicy =
  /** close everything in the bucket at the fill price; the rest of the margin is returned. */
  | { readonly kind: "full" }
  /**
   * Hyperliquid: positions above `aboveNotional` lose `fraction` per liquidation, then `cooldownMs`
   * during which liquidations are full; if equity < `backstopRatio` × maintenance the backstop takes
   * the positions and keeps the margin.
   */
  | { readonly kind: "partial"; readonly aboveNotional: number; readonly fraction: number; readonly cooldownMs: number; readonly backstopRatio: number }
  /** Bybit: reduce to the cap of the next lower tier; in the lowest tier the venue takes over at bankruptcy (margin kept). */
  | { readonly kind: "tier-down" };

export interface FundingRules {
  /** hours between settlements (GMX accrues continuously; modelled hourly) */
  readonly intervalHours: number;
  /** price the payment `size × price × rate` is charged on */
  readonly priceSource: "mark" | "oracle";
  /** absolute cap of the rate per 8 hours, null when none is published */
  readonly cap8h: number | null;
}

export type VenueName = "hyperliquid" | "binance" | "bybit" | "dydx" | "gmx" | "custom";

export interface Venue {
  readonly name: VenueName;
  readonly label: string;
  /** margin modes the venue offers (GMX: isolated only) */
  readonly modes: readonly MarginMode[];
  /** price that triggers liquidation; the caller feeds the engine this price */
  readonly triggerPrice: "mark" | "oracle" | "oracle-pessimistic";
  readonly takerFee: number;
  readonly makerFee: number;
  /**
   * the venue's default liquidation / clearance fee as a share of the notional liquidated, taken only
   * from what is left: the `feeRate` of the newest table file's `liquidationLoss` rule. The engine
   * charges each symbol its own rate where its table has one: `liquidationFeeRate(table(symbol, time), isolated)`.
   */
  readonly liquidationFee: number;
  /**
   * per margin mode, the newest table file's `liquidationLoss` rule: the margin policies read where
   * what is left goes (`remainder`, `backstopRemainder`) from it
   */
  readonly liquidationLoss: Readonly<Partial<Record<MarginMode, LiquidationLossRule>>>;
  readonly liquidation: LiquidationPolicy;
  readonly funding: FundingRules;
  readonly liqPriceFamily: LiqPriceFamily;
  /** GMX counts the fee to close in the liquidation test and has a $1 floor */
  readonly closeFeeInMaintenance: boolean;
  readonly minMaintenance: number;
  /** money is settled to this many decimals (USDT 8, USDC 6) */
  readonly settlementDecimals: number;
  /** @deprecated prices print at the symbol's tick (`table(symbol).table.tick`); kept for old callers */
  readonly priceDecimals: number;
  /**
   * Whether the open check counts the opening fee against the initial margin. Hyperliquid checks
   * the initial margin and takes the fee from the fill, so a 1x cross position the size of the
   * balance opens (its collateral ends a fee below the initial margin; leverage is only checked on
   * opening); the others keep the conservative check.
   */
  readonly openFeeInMarginCheck: boolean;
  /** Hyperliquid derives mmr from max leverage (mmr = 1 / (2 × maxLeverage)) */
  readonly mmrFromMaxLeverage: boolean;
  /**
   * The tier table for a symbol (`BTCUSDT`, `BTC`, `BTC-USD` find the venue's own name) in force at
   * `time` (epoch ms; the newest table when omitted); symbols in no table get the venue's default
   * table, flagged unsourced. Throws InputError for a malformed symbol.
   */
  tiers(symbol: string, time?: number): TierTable;
  /** The dated table behind `tiers(symbol, time)`: id, asOf, source, tick rule, unsourced figures, liquidation loss. */
  table(symbol: string, time?: number): TableChoice;
  /** the venue's dated tables (null for `custom`) */
  readonly tables: VenueTables | null;
  /**
   * The least isolated margin that must stay after a removal, given the position's notional at the
   * current price and its initial margin (notional / leverage).
   */
  minIsolatedMarginAfterRemoval(notional: number, initialMargin: number): number;
}

/** The Monte Carlo config's shape for a user-defined venue. */
export interface CustomVenueSpec {
  name: "custom";
  maintenanceMarginRate: number;
  takerFee: number;
  liquidationFee: number;
  makerFee?: number;
  fundingIntervalHours?: number;
  maxLeverage?: number;
}
