import type { Venue } from "./types.ts";
import { flatTier } from "./tiers.ts";
import { tierLookup } from "./table.ts";

// margin-rules.md §4.1: liquidity tiers have one rate each (no notional brackets). The docs' table:
// large-cap IMF 5 % / MMF 3 %, mid-cap 10 % / 5 % (the testing genesis differs; live values are governance-set).
export const DYDX_TIERS = { BTC: flatTier(0.03, 20), ETH: flatTier(0.03, 20) } as const;
export const DYDX_DEFAULT_TIERS = flatTier(0.05, 10);

export const dydx: Venue = {
  name: "dydx",
  label: "dYdX v4",
  modes: ["cross", "isolated"],
  triggerPrice: "oracle",
  takerFee: 0.0005,
  makerFee: 0.0001,
  liquidationFee: 0.015, // min(1.5 % × |quote|, leftover) to the insurance fund
  liquidation: { kind: "full" },
  funding: { intervalHours: 1, priceSource: "oracle", cap8h: 0.12 }, // 600 % × (IMF − MMF), large-cap
  liqPriceFamily: "mm-at-liquidation",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 6, // USDC
  priceDecimals: 2,
  mmrFromMaxLeverage: false,
  tiers: tierLookup(DYDX_TIERS, DYDX_DEFAULT_TIERS),
  minIsolatedMarginAfterRemoval: (_notional, initialMargin) => initialMargin,
};
