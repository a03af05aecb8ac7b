import type { LiquidationBucket, LiquidationRule } from "./types.ts";
import { endFor, type Remainders } from "./remainder.ts";

/** Close everything in the bucket at the fill price; what is left goes where the table says (Binance, dYdX, GMX, custom: the trader). */
export function fullLiquidation(to: Remainders): LiquidationRule {
  return {
    apply(b: LiquidationBucket): void {
      for (const s of b.slots) b.close(s, "full");
      b.finish(endFor(to.closed(b.isolated)));
    },
  };
}
