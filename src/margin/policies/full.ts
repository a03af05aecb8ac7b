import type { LiquidationBucket, LiquidationRule } from "./types.ts";

/** Close everything in the bucket at the fill price; the rest of the margin is returned (Binance, dYdX, GMX, custom). */
export const fullLiquidation: LiquidationRule = {
  apply(b: LiquidationBucket): void {
    for (const s of b.slots) b.close(s, "full");
    b.finish("settle");
  },
};
