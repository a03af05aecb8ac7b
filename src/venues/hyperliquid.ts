import type { Venue } from "./types.ts";
import { buildTiers } from "./tiers.ts";
import { tierLookup } from "./table.ts";

// margin-rules.md §1.2: max-leverage tiers (2026-07 docs); mmr = half the initial margin at max leverage.
const M = 1_000_000;
const twoStep = (bound: number, hi: number, lo: number) => buildTiers([{ floor: 0, maxLeverage: hi }, { floor: bound, maxLeverage: lo }]);

export const HYPERLIQUID_TIERS = {
  BTC: twoStep(150 * M, 40, 20),
  ETH: twoStep(100 * M, 25, 15),
  SOL: twoStep(70 * M, 20, 10),
  XRP: twoStep(40 * M, 20, 10),
} as const;
/** the "tiered 10x" group (0–3M 10x, above 5x): the default for other assets */
export const HYPERLIQUID_DEFAULT_TIERS = twoStep(3 * M, 10, 5);

export const hyperliquid: Venue = {
  name: "hyperliquid",
  label: "Hyperliquid",
  modes: ["cross", "isolated"],
  triggerPrice: "mark",
  takerFee: 0.00045,
  makerFee: 0.00015,
  liquidationFee: 0, // "no clearance fee on liquidations"
  liquidation: { kind: "partial", aboveNotional: 100_000, fraction: 0.2, cooldownMs: 30_000, backstopRatio: 2 / 3 },
  funding: { intervalHours: 1, priceSource: "oracle", cap8h: 0.32 }, // 4 %/hour
  liqPriceFamily: "mm-at-liquidation",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 6, // USDC
  priceDecimals: 2,
  mmrFromMaxLeverage: true,
  tiers: tierLookup(HYPERLIQUID_TIERS, HYPERLIQUID_DEFAULT_TIERS),
  // margin-rules.md §1.1: transfer_margin_required = max(initial_margin_required, 0.1 × position value)
  minIsolatedMarginAfterRemoval: (notional, initialMargin) => Math.max(initialMargin, 0.1 * notional),
};
