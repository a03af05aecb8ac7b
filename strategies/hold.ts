import { defineStrategy } from "perpsim";
import { legsParam, openLegs } from "./legs.ts";

/**
 * hold: open every leg on the first bar and hold to the end. Each leg's notional = initial balance ×
 * weight × leverage; in isolated mode its margin is initial balance × weight; in cross the same
 * notional stands against the whole account. Optional per-leg stopLossPct / takeProfitPct (percent).
 */
export default defineStrategy({
  name: "hold",
  description: "open the legs on the first bar and hold them",
  params: { legs: legsParam },
  init: (ctx) => openLegs(ctx, ctx.params.legs, "cross"),
  onBar() {},
});
