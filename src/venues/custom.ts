import { InputError } from "../market/index.ts";
import type { CustomVenueSpec, Venue } from "./types.ts";
import { flatTier } from "./tiers.ts";
import type { LiquidationLossRule, TableChoice } from "./tableTypes.ts";

function rate(spec: Record<string, unknown>, field: string, fallback?: number): number {
  const v = spec[field] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new InputError(`custom venue: ${field} must be a number in [0, 1)`);
  }
  return v;
}

/** A flat-rate venue for experiments and tests: maintenance taken at the liquidation price, full liquidation. */
export function customVenue(spec: CustomVenueSpec): Venue {
  const s = spec as unknown as Record<string, unknown>;
  const mmr = rate(s, "maintenanceMarginRate");
  if (mmr === 0) throw new InputError("custom venue: maintenanceMarginRate must be above 0");
  const maxLeverage = spec.maxLeverage ?? Math.floor(1 / (2 * mmr));
  if (!(maxLeverage >= 1) || maxLeverage * mmr >= 1) throw new InputError("custom venue: maxLeverage must be at least 1 and below 1 / maintenanceMarginRate");
  const intervalHours = spec.fundingIntervalHours ?? 8;
  if (!(intervalHours > 0)) throw new InputError("custom venue: fundingIntervalHours must be above 0");
  const table = flatTier(mmr, maxLeverage);
  const liquidationFee = rate(s, "liquidationFee");
  const loss: LiquidationLossRule = {
    closePrice: "trigger price (worsened by the run's liquidation slippage)", feeRate: liquidationFee, feeBase: "notional liquidated",
    remainder: "trader", partial: "none (full liquidation)", bankrupt: "deficit written off as bad debt", sources: ["the user's custom venue spec"], unsourced: [],
  };
  const choice: TableChoice = Object.freeze({
    id: "custom", asOf: "", asOfMs: 0, source: "the user's custom venue spec", file: "", venueSymbol: null,
    table: { symbol: null, tiers: table, tick: { kind: "unknown" } as const, unsourced: [], notes: [] },
    unsourced: [], liquidationLoss: { cross: loss, isolated: loss }, symbolFee: null, feeUnsourced: false,
  });
  return {
    name: "custom",
    label: `custom (mmr ${mmr})`,
    modes: ["cross", "isolated"],
    triggerPrice: "mark",
    takerFee: rate(s, "takerFee"),
    makerFee: rate(s, "makerFee", 0),
    liquidationFee,
    liquidationLoss: { cross: loss, isolated: loss },
    liquidation: { kind: "full" },
    funding: { intervalHours, priceSource: "mark", cap8h: null },
    liqPriceFamily: "mm-at-liquidation",
    closeFeeInMaintenance: false,
    minMaintenance: 0,
    settlementDecimals: 8,
    priceDecimals: 2,
    openFeeInMarginCheck: true,
    mmrFromMaxLeverage: false,
    tables: null,
    tiers: () => table,
    table: () => choice,
    minIsolatedMarginAfterRemoval: (_notional, initialMargin) => initialMargin,
  };
}
