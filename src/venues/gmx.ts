import type { Venue } from "./types.ts";
import { flatTier } from "./tiers.ts";
import { tierLookup } from "./table.ts";

// margin-rules.md §5: liquidatable when collateral + PnL − close fee < size × minCollateralFactorForLiquidation
// (0.5 % BTC/ETH, 1 % others) or < $1. Size is USD fixed at entry, so the threshold does not move with price.
export const GMX_TIERS = { BTC: flatTier(0.005, 100), ETH: flatTier(0.005, 100) } as const;
export const GMX_DEFAULT_TIERS = flatTier(0.01, 50);

export const gmx: Venue = {
  name: "gmx",
  label: "GMX v2",
  modes: ["isolated"],
  triggerPrice: "oracle-pessimistic",
  takerFee: 0.0006, // position fee with negative price impact
  makerFee: 0.0004,
  liquidationFee: 0.002, // standard markets; not part of the liquidation test
  liquidation: { kind: "full" },
  funding: { intervalHours: 1, priceSource: "oracle", cap8h: null }, // accrues per second; settled hourly here
  liqPriceFamily: "mm-at-entry",
  closeFeeInMaintenance: true,
  minMaintenance: 1,
  settlementDecimals: 8,
  priceDecimals: 2,
  mmrFromMaxLeverage: false,
  tiers: tierLookup(GMX_TIERS, GMX_DEFAULT_TIERS),
  minIsolatedMarginAfterRemoval: (notional, initialMargin) => Math.max(initialMargin, 0.005 * notional + 1),
};
