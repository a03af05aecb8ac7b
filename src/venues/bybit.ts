import type { Venue } from "./types.ts";
import { onTables } from "./tabled.ts";
import { shippedTables } from "./shipped.ts";

/** Bybit USDT linear: risk-limit tiers from tables/bybit-*.json (sourced and unsourced figures flagged there). */
export const bybit: Venue = onTables({
  name: "bybit",
  label: "Bybit USDT linear",
  modes: ["cross", "isolated"],
  triggerPrice: "mark",
  takerFee: 0.00055,
  makerFee: 0.0002,
  liquidation: { kind: "tier-down" }, // lowest tier: taken over at the bankruptcy price, the maintenance margin kept
  funding: { intervalHours: 8, priceSource: "mark", cap8h: 0.00375 },
  liqPriceFamily: "mm-at-entry",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 8,
  priceDecimals: 2,
  openFeeInMarginCheck: true,
  mmrFromMaxLeverage: false,
  minIsolatedMarginAfterRemoval: (_notional, initialMargin) => initialMargin,
}, () => shippedTables("bybit"));
