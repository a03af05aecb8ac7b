import type { LiquidationPolicy } from "../../venues/index.ts";
import { fullLiquidation } from "./full.ts";
import { partialLiquidation } from "./partial.ts";
import { tierDownLiquidation } from "./tierDown.ts";
import type { LiquidationRule } from "./types.ts";

export type { LiquidationBucket, LiquidationRule } from "./types.ts";
export { backstopLiquidation, takeOver } from "./backstop.ts";

/** The rule object of a venue's liquidation policy: one file per policy beside this one. */
export function liquidationRule(policy: LiquidationPolicy): LiquidationRule {
  switch (policy.kind) {
    case "full":
      return fullLiquidation;
    case "partial":
      return partialLiquidation(policy);
    case "tier-down":
      return tierDownLiquidation;
  }
}
