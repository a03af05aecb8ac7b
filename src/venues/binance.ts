import type { Venue } from "./types.ts";
import { buildTiers, GENERIC_TIERS } from "./tiers.ts";
import { tierLookup } from "./table.ts";

// margin-rules.md §2.1: GET /fapi/v1/leverageBracket, snapshot 2026-03-05 (cum from the recursion).
const M = 1_000_000;
const bracket = (floor: number, maxLeverage: number, mmr: number) => ({ floor, maxLeverage, mmr });
const SHARED_HEAD = [bracket(0, 150, 0.004), bracket(0.3 * M, 100, 0.005), bracket(0.8 * M, 75, 0.0065), bracket(3 * M, 50, 0.01)];

export const BINANCE_TIERS = {
  BTC: buildTiers([...SHARED_HEAD, bracket(12 * M, 25, 0.02), bracket(70 * M, 20, 0.025), bracket(100 * M, 10, 0.05),
    bracket(230 * M, 5, 0.1), bracket(480 * M, 4, 0.125), bracket(600 * M, 3, 0.15), bracket(800 * M, 2, 0.25), bracket(1200 * M, 1, 0.5)], 1800 * M),
  ETH: buildTiers([...SHARED_HEAD, bracket(12 * M, 25, 0.02), bracket(50 * M, 20, 0.025), bracket(65 * M, 10, 0.05),
    bracket(150 * M, 5, 0.1), bracket(320 * M, 4, 0.125), bracket(400 * M, 3, 0.15), bracket(530 * M, 2, 0.25), bracket(800 * M, 1, 0.5)], 1200 * M),
} as const;

export const binance: Venue = {
  name: "binance",
  label: "Binance USD-M",
  modes: ["cross", "isolated"],
  triggerPrice: "mark",
  takerFee: 0.0005,
  makerFee: 0.0002,
  // older published rate for "all other" perpetuals; the current clearance-fee table is unconfirmed
  liquidationFee: 0.005,
  liquidation: { kind: "full" }, // small positions are "almost always fully liquidated"
  funding: { intervalHours: 8, priceSource: "mark", cap8h: 0.003 }, // 0.75 × first-bracket MMR
  liqPriceFamily: "mm-at-liquidation",
  closeFeeInMaintenance: false,
  minMaintenance: 0,
  settlementDecimals: 8, // USDT
  priceDecimals: 2,
  mmrFromMaxLeverage: false,
  tiers: tierLookup(BINANCE_TIERS, GENERIC_TIERS),
  minIsolatedMarginAfterRemoval: (_notional, initialMargin) => initialMargin, // rule unpublished: keep initial margin
};
