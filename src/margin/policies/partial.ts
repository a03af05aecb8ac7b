import type { LiquidationBucket, LiquidationRule } from "./types.ts";
import { takeOver } from "./backstop.ts";
import { endFor, type Remainders } from "./remainder.ts";

export interface PartialRules {
  readonly aboveNotional: number;
  readonly fraction: number;
  readonly cooldownMs: number;
  readonly backstopRatio: number;
}

/**
 * Hyperliquid: when equity < backstopRatio × maintenance the backstop takes the bucket. Otherwise,
 * outside the cooldown, positions above `aboveNotional` lose `fraction` (and start the cooldown) and
 * smaller ones close; inside it, everything closes. A cross account writes off a negative wallet after
 * a partial liquidation; an isolated position partly liquidated keeps its bucket. What is left goes
 * where the table says: `backstopRemainder` after a backstop, `remainder` after a close.
 */
export function partialLiquidation(p: PartialRules, to: Remainders): LiquidationRule {
  return {
    apply(b: LiquidationBucket): void {
      if (b.equityAtFills() < p.backstopRatio * b.maintenanceAtFills()) return takeOver(b, "backstop", to.backstop(b.isolated));
      const closed = endFor(to.closed(b.isolated));
      if (b.time >= b.cooldownUntil) {
        let partial = false;
        for (const s of b.slots) {
          const f = b.fill(s);
          if (b.size(s) * f > p.aboveNotional) {
            partial = true;
            b.reduce(s, b.size(s) * p.fraction, f, "partial");
          } else b.close(s, "full");
        }
        if (partial) b.cooldownUntil = b.time + p.cooldownMs;
        return b.finish(partial && b.isolated ? "none" : closed);
      }
      for (const s of b.slots) b.close(s, "full");
      b.finish(closed);
    },
  };
}
