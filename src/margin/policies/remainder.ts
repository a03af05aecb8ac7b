import type { LiquidationLossRule, MarginMode, Recipient } from "../../venues/index.ts";

/** Where what is left of a liquidated bucket goes, per margin mode, as the venue's table states it. */
export interface Remainders {
  /** after the liquidation closes the position */
  closed(isolated: boolean): Recipient;
  /** when the backstop takes the position over (the venue's own `remainder` when it states none) */
  backstop(isolated: boolean): Recipient;
}

type LossRules = Readonly<Partial<Record<MarginMode, LiquidationLossRule>>>;

/** A venue offering one mode only (GMX: isolated) states one rule; it stands for both. */
export function remainders(loss: LossRules): Remainders {
  const rule = (isolated: boolean): LiquidationLossRule => {
    const r = (isolated ? loss.isolated : loss.cross) ?? loss.isolated ?? loss.cross;
    if (!r) throw new Error("venue has no liquidationLoss rule");
    return r;
  };
  return {
    closed: (isolated) => rule(isolated).remainder,
    backstop: (isolated) => rule(isolated).backstopRemainder ?? rule(isolated).remainder,
  };
}

/** The trader keeps what is left (`settle`), or the venue's insurance fund / backstop vault does (`forfeit`). */
export function endFor(to: Recipient): "settle" | "forfeit" {
  return to === "trader" ? "settle" : "forfeit";
}
