import type { Venue } from "./types.ts";
import { onTables } from "./tabled.ts";
import { shippedTables } from "./shipped.ts";

/** dYdX v4: one initial / maintenance fraction per market, from tables/dydx-*.json (indexer perpetualMarkets). */
export const dydx: Venue = onTables({
  name: "dydx",
  label: "dYdX v4",
  modes: ["cross", "isolated"],
  triggerPrice: "oracle",
  takerFee: 0.0005,
  makerFee: 0.0001,
  liquidation: { kind: "full" },
  funding: { intervalHours: 1, priceSource: "oracle", cap8h: 0.12 }, // 600 % × (IMF − MMF), docs' large-cap example
  liqPriceFamily: "mm-at-liquidation",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 6, // USDC
  priceDecimals: 2,
  openFeeInMarginCheck: true,
  mmrFromMaxLeverage: false,
  minIsolatedMarginAfterRemoval: (_notional, initialMargin) => initialMargin,
}, () => shippedTables("dydx"));
