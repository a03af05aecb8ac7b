import { defineStrategy } from "perpsim";
import { legsParam, openLegs } from "./legs.ts";

/**
 * margin-keeper: holds isolated legs like `hold`, and like Bybit's auto-add margin tops up a leg's
 * margin when its margin ratio (maintenance / bucket equity) reaches `triggerRatio`: it adds
 * `addPct` % of the leg's initial margin from the wallet, at most `maxAdds` times per leg. A leg
 * the venue liquidates is dead to it (onLiquidation): no more margin goes after it.
 * In cross mode there is no isolated margin to add: it is a plain hold.
 */
export default defineStrategy({
  name: "margin-keeper",
  description: "isolated legs that get margin added when they near liquidation",
  params: {
    legs: legsParam,
    triggerRatio: { type: "number", default: 0.6, above: 0, below: 1, doc: "margin ratio (a fraction; 1 = liquidation) that triggers an add" },
    addPct: { type: "number", default: 50, above: 0, doc: "percent of the leg's initial margin added each time" },
    maxAdds: { type: "number", default: 4, min: 0, integer: true, doc: "adds per leg at most" },
  },
  init(ctx) {
    openLegs(ctx, ctx.params.legs, "isolated");
    return { adds: new Map<string, number>(), dead: new Set<string>() };
  },
  onLiquidation(ctx, liq) {
    ctx.state.dead.add(liq.symbol);
  },
  onBar(ctx) {
    const { params: p, state } = ctx;
    for (const leg of p.legs) {
      const pos = ctx.position(leg.symbol);
      const adds = state.adds.get(leg.symbol) ?? 0;
      if (state.dead.has(leg.symbol) || !pos || pos.mode !== "isolated" || !(pos.marginRatio >= p.triggerRatio) || adds >= p.maxAdds) continue;
      state.adds.set(leg.symbol, adds + 1);
      ctx.addMargin(leg.symbol, ctx.initialBalance * leg.weight * (p.addPct / 100));
    }
  },
});
