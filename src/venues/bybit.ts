import type { Venue } from "./types.ts";
import { buildTiers, GENERIC_TIERS } from "./tiers.ts";
import { tierLookup } from "./table.ts";

// margin-rules.md §3.1: BTCUSDT "2,000,000 USDT or below → MMR 0.5 %" is sourced; the full risk-limit
// table is not, so the higher tiers below are placeholders in Bybit's shape (UNCONFIRMED).
const M = 1_000_000;
const MAJORS = buildTiers([
  { floor: 0, maxLeverage: 100, mmr: 0.005 },
  { floor: 2 * M, maxLeverage: 50, mmr: 0.01 },
  { floor: 10 * M, maxLeverage: 25, mmr: 0.02 },
  { floor: 50 * M, maxLeverage: 10, mmr: 0.05 },
  { floor: 200 * M, maxLeverage: 5, mmr: 0.1 },
]);
export const BYBIT_TIERS = { BTC: MAJORS, ETH: MAJORS } as const;

export const bybit: Venue = {
  name: "bybit",
  label: "Bybit USDT linear",
  modes: ["cross", "isolated"],
  triggerPrice: "mark",
  takerFee: 0.00055,
  makerFee: 0.0002,
  liquidationFee: 0, // the venue takes over at the bankruptcy price and keeps the maintenance margin
  liquidation: { kind: "tier-down" },
  funding: { intervalHours: 8, priceSource: "mark", cap8h: 0.00375 },
  liqPriceFamily: "mm-at-entry",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 8,
  priceDecimals: 2,
  mmrFromMaxLeverage: false,
  tiers: tierLookup(BYBIT_TIERS, GENERIC_TIERS),
  minIsolatedMarginAfterRemoval: (_notional, initialMargin) => initialMargin,
};
