import type { Venue } from "./types.ts";
import { onTables } from "./tabled.ts";
import { shippedTables } from "./shipped.ts";

/** Hyperliquid: per-coin margin tables from tables/hyperliquid-*.json (meta universe + marginTables). */
export const hyperliquid: Venue = onTables({
  name: "hyperliquid",
  label: "Hyperliquid",
  modes: ["cross", "isolated"],
  triggerPrice: "mark",
  takerFee: 0.00045,
  makerFee: 0.00015,
  liquidation: { kind: "partial", aboveNotional: 100_000, fraction: 0.2, cooldownMs: 30_000, backstopRatio: 2 / 3 },
  funding: { intervalHours: 1, priceSource: "oracle", cap8h: 0.32 }, // 4 %/hour
  liqPriceFamily: "mm-at-liquidation",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 6, // USDC
  priceDecimals: 2,
  // "The margin required to open a position is position_size * mark_price / leverage"; the fee is
  // taken from the fill and "leverage is only checked upon opening a position" (margining.md)
  openFeeInMarginCheck: false,
  mmrFromMaxLeverage: true,
  // margin-rules.md §1.1: transfer_margin_required = max(initial_margin_required, 0.1 × position value)
  minIsolatedMarginAfterRemoval: (notional, initialMargin) => Math.max(initialMargin, 0.1 * notional),
}, () => shippedTables("hyperliquid"));
