import type { LiquidationBucket, LiquidationRule } from "./types.ts";

/** The venue takes the positions over and keeps the margin left (Hyperliquid's backstop, Bybit's takeover). */
export function takeOver(b: LiquidationBucket, detail: string): void {
  for (const s of b.slots) b.close(s, detail);
  b.finish("forfeit");
}

export const backstopLiquidation: LiquidationRule = {
  apply: (b) => takeOver(b, "backstop"),
};
