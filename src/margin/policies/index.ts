import type { LiquidationLossRule, LiquidationPolicy, MarginMode } from "../../venues/index.ts";
import { fullLiquidation } from "./full.ts";
import { partialLiquidation } from "./partial.ts";
import { remainders } from "./remainder.ts";
import { tierDownLiquidation } from "./tierDown.ts";
import type { LiquidationRule } from "./types.ts";

export type { LiquidationBucket, LiquidationRule } from "./types.ts";
export { takeOver } from "./backstop.ts";
export { endFor, remainders, type Remainders } from "./remainder.ts";

/**
 * The rule object of a venue's liquidation policy (one file per policy beside this one), with where
 * what is left goes read from the venue's table (`liquidationLoss[mode].remainder`, `.backstopRemainder`).
 */
export function liquidationRule(policy: LiquidationPolicy, loss: Readonly<Partial<Record<MarginMode, LiquidationLossRule>>>): LiquidationRule {
  const to = remainders(loss);
  switch (policy.kind) {
    case "full":
      return fullLiquidation(to);
    case "partial":
      return partialLiquidation(policy, to);
    case "tier-down":
      return tierDownLiquidation(to);
  }
}
