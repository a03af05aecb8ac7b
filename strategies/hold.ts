import { defineStrategy } from "../src/strategy/index.ts";
import { openLegs, parseLegs } from "./legs.ts";

/**
 * hold: open every leg on the first bar and hold to the end. Each leg's notional = initial balance ×
 * weight × leverage; in isolated mode its margin is initial balance × weight; in cross the same
 * notional stands against the whole account. Optional per-leg stopLossPct / takeProfitPct.
 */
export default defineStrategy({
  name: "hold",
  description: "open the legs on the first bar and hold them",
  params: { legs: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.1 }] },
  validate: (p) => void parseLegs(p.legs),
  init(ctx) {
    openLegs(ctx, parseLegs(ctx.params.legs), "cross");
  },
  onBar() {},
});
