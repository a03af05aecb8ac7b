import { liquidationPriceF, maintenanceMargin, maintenanceRule } from "../margin/index.ts";
import type { Venue } from "../venues/index.ts";
import type { FundingProcess } from "../paths/index.ts";

/** Funding held at a rate (per 8h) for `hours`, then `afterPer8h`; settled every `settleEveryHours`. */
export interface FundingSqueezeSpec {
  type: "funding-squeeze";
  /** per 8h; "cap" = the venue's published cap (longs pay) */
  ratePer8h: number | "cap";
  hours: number;
  afterPer8h: number;
  settleEveryHours: number;
}

/** The squeeze's rate per 8h on a venue (the cap, or the chosen rate). */
export function squeezeRate(spec: FundingSqueezeSpec, venue: Venue): number {
  if (spec.ratePer8h !== "cap") return spec.ratePer8h;
  if (venue.funding.cap8h === null) throw new RangeError(`${venue.label} publishes no funding cap: give the squeeze a rate`);
  return venue.funding.cap8h;
}

/**
 * A piecewise-constant funding path: `ratePer8h` until hour `untilHour`, then `afterPer8h`. Serves the
 * squeeze and the funding seen during a crash replay. Every asset gets the same rate.
 */
export function scheduledFunding(ratePer8h: number, untilHour: number, afterPer8h: number, settleEveryHours: number): FundingProcess {
  let hour = 0;
  return {
    settleEveryHours,
    reset() {
      hour = 0;
    },
    step(dtHours, _returns, out) {
      out.fill(hour < untilHour - 1e-9 ? ratePer8h : afterPer8h);
      hour += dtHours;
    },
  };
}

export interface ErosionPoint {
  hour: number;
  /** isolated margin left after the settlement */
  margin: number;
  liquidationPrice: number;
}

export interface SqueezeErosion {
  /** hours until the isolated leg is liquidated at an unchanged price by funding alone (null: not within the horizon) */
  isolatedLiquidationHour: number | null;
  /** same for the whole account in cross (one leg, the wallet pays) */
  crossLiquidationHour: number | null;
  points: ErosionPoint[];
}

/**
 * Funding erosion of one leg at a standing price: each settlement takes size × price × rate × interval/8h
 * from the isolated margin (or the cross wallet), and the liquidation price (the engine's own rule) creeps
 * toward the price. Closed form for "how long can I carry this position".
 */
export function squeezeErosion(opts: {
  venue: Venue;
  symbol: string;
  side: "long" | "short";
  price: number;
  margin: number;
  leverage: number;
  balance: number;
  ratePer8h: number;
  settleEveryHours: number;
  horizonHours: number;
}): SqueezeErosion {
  const rule = maintenanceRule(opts.venue, opts.symbol);
  const dir = opts.side === "long" ? 1 : -1;
  const size = (opts.margin * opts.leverage) / opts.price;
  const pay = (dir * size * opts.price * opts.ratePer8h * opts.settleEveryHours) / 8;
  const mm = maintenanceMargin(rule, size, opts.price, opts.price);
  const points: ErosionPoint[] = [];
  let isolated: number | null = null;
  let cross: number | null = null;
  let margin = opts.margin;
  let wallet = opts.balance;
  for (let k = 1; k * opts.settleEveryHours <= opts.horizonHours + 1e-9; k++) {
    const hour = k * opts.settleEveryHours;
    margin -= pay;
    wallet -= pay;
    if (isolated === null && margin < mm) isolated = hour;
    if (cross === null && wallet < mm) cross = hour;
    points.push({ hour, margin, liquidationPrice: liquidationPriceF(rule, dir, size, opts.price, margin) });
  }
  return { isolatedLiquidationHour: isolated, crossLiquidationHour: cross, points };
}
