import { defineStrategy } from "../src/strategy/index.ts";
import { openLegs, parseLegs } from "./legs.ts";

/**
 * margin-keeper: holds isolated legs like `hold`, and like Bybit's auto-add margin tops up a leg's
 * margin when its margin ratio (maintenance / bucket equity) reaches `triggerRatio`: it adds
 * `addPct` × the leg's initial margin from the wallet, at most `maxAdds` times per leg.
 * In cross mode there is no isolated margin to add: it is a plain hold.
 */
export default defineStrategy({
  name: "margin-keeper",
  description: "isolated legs that get margin added when they near liquidation",
  params: { legs: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.1 }], triggerRatio: 0.6, addPct: 0.5, maxAdds: 4 },
  validate(p) {
    parseLegs(p.legs);
    if (!(p.triggerRatio > 0 && p.triggerRatio < 1)) throw new Error("'triggerRatio' must be in (0, 1)");
    if (!(p.addPct > 0)) throw new Error("'addPct' must be positive");
    if (!(p.maxAdds >= 0) || !Number.isInteger(p.maxAdds)) throw new Error("'maxAdds' must be a whole number ≥ 0");
  },
  init(ctx) {
    openLegs(ctx, parseLegs(ctx.params.legs), "isolated");
    ctx.state.adds = {} as Record<string, number>;
  },
  onBar(ctx) {
    const adds = ctx.state.adds as Record<string, number>;
    for (const leg of parseLegs(ctx.params.legs)) {
      const p = ctx.position(leg.symbol);
      if (!p || p.mode !== "isolated" || !(p.marginRatio >= ctx.params.triggerRatio)) continue;
      if ((adds[leg.symbol] ?? 0) >= ctx.params.maxAdds) continue;
      adds[leg.symbol] = (adds[leg.symbol] ?? 0) + 1;
      ctx.addMargin(leg.symbol, ctx.initialBalance * leg.weight * ctx.params.addPct);
    }
  },
});
