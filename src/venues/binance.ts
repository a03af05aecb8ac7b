import type { Venue } from "./types.ts";
import { onTables } from "./tabled.ts";
import { shippedTables } from "./shipped.ts";

/** Binance USD-M: brackets from tables/binance-*.json (GET /fapi/v1/leverageBracket snapshots, dated). */
export const binance: Venue = onTables({
  name: "binance",
  label: "Binance USD-M",
  modes: ["cross", "isolated"],
  triggerPrice: "mark",
  takerFee: 0.0005,
  makerFee: 0.0002,
  liquidation: { kind: "full" }, // small positions are "almost always fully liquidated"
  funding: { intervalHours: 8, priceSource: "mark", cap8h: 0.003 }, // 0.75 × first-bracket MMR
  liqPriceFamily: "mm-at-liquidation",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 8, // USDT
  priceDecimals: 2,
  openFeeInMarginCheck: true,
  mmrFromMaxLeverage: false,
  minIsolatedMarginAfterRemoval: (_notional, initialMargin) => initialMargin, // rule unpublished: keep initial margin
}, () => shippedTables("binance"));
