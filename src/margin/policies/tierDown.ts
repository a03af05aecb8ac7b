import type { LiquidationBucket, LiquidationRule } from "./types.ts";
import { takeOver } from "./backstop.ts";

/** Bybit: reduce each position to the cap of its next lower tier; when none can, the venue takes over at bankruptcy (margin kept). */
export const tierDownLiquidation: LiquidationRule = {
  apply(b: LiquidationBucket): void {
    let reduced = false;
    for (const s of b.slots) {
      const keep = b.tierDownKeep(s);
      if (keep > 0) {
        b.reduce(s, b.size(s) - keep, b.fill(s), "tier-down");
        reduced = true;
      }
    }
    if (reduced) return b.finish("none");
    takeOver(b, "takeover");
  },
};
