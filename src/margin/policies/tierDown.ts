import type { LiquidationBucket, LiquidationRule } from "./types.ts";
import { takeOver } from "./backstop.ts";
import type { Remainders } from "./remainder.ts";

/**
 * Bybit: reduce each position to the cap of its next lower tier; when none can, the venue takes over
 * at bankruptcy and what is left goes where the table says (Bybit: the insurance fund).
 */
export function tierDownLiquidation(to: Remainders): LiquidationRule {
  return {
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
      takeOver(b, "takeover", to.closed(b.isolated));
    },
  };
}
