import type { Venue } from "./types.ts";
import { onTables } from "./tabled.ts";
import { shippedTables } from "./shipped.ts";

// margin-rules.md §5: liquidatable when collateral + PnL − close fee < size × minCollateralFactorForLiquidation
// (0.5 % BTC/ETH, 1 % others) or < $1. Size is USD fixed at entry, so the threshold does not move with price.
export const gmx: Venue = onTables({
  name: "gmx",
  label: "GMX v2",
  modes: ["isolated"],
  triggerPrice: "oracle-pessimistic",
  takerFee: 0.0006, // position fee with negative price impact
  makerFee: 0.0004,
  liquidation: { kind: "full" },
  funding: { intervalHours: 1, priceSource: "oracle", cap8h: null }, // accrues per second; settled hourly here
  liqPriceFamily: "mm-at-entry",
  closeFeeInMaintenance: true,
  minMaintenance: 1,
  settlementDecimals: 8,
  priceDecimals: 2,
  openFeeInMarginCheck: true,
  mmrFromMaxLeverage: false,
  minIsolatedMarginAfterRemoval: (notional, initialMargin) => Math.max(initialMargin, 0.005 * notional + 1),
}, () => shippedTables("gmx"));
