import { defineStrategy } from "perpsim";
import { requireSymbols } from "./legs.ts";

/**
 * funding-carry: short the perp while funding is rich, collecting what longs pay. Opens a short of
 * equity × weight × leverage when the last settled rate is at or above `enterRate`, closes when it
 * falls to `exitRate` or below. Both thresholds are fractions per 8 hours on every venue
 * (`ctx.fundingRate` normalises: 0.0003 = 0.03 %/8h, i.e. 0.00375 %/h on Hyperliquid's hourly
 * funding). Unhedged here (no spot leg): the price risk is the point of comparing margin modes on it.
 */
export default defineStrategy({
  name: "funding-carry",
  description: "short the perp when funding is rich, close when it normalises",
  params: {
    symbol: "BTCUSDT",
    enterRate: { type: "number", default: 0.0003, doc: "funding rate per 8 h (a fraction) at or above which it shorts" },
    exitRate: { type: "number", default: 0.0001, doc: "funding rate per 8 h at or below which it closes" },
    leverage: { type: "number", default: 2, above: 0 },
    weight: { type: "number", default: 0.5, above: 0, doc: "share of equity as margin (a fraction)" },
  },
  validate(p) {
    if (!(p.exitRate < p.enterRate)) throw new Error("'exitRate' must be below 'enterRate'");
  },
  init: (ctx) => requireSymbols(ctx, [ctx.params.symbol]),
  onBar(ctx) {
    const p = ctx.params;
    const rate = ctx.fundingRate(p.symbol);
    if (!Number.isFinite(rate)) return;
    const pos = ctx.position(p.symbol);
    if (!pos && rate >= p.enterRate && ctx.equity > 0) {
      ctx.open({ symbol: p.symbol, side: "short", notional: Math.max(0, ctx.equity) * p.weight * p.leverage, leverage: p.leverage, mode: "cross" });
    } else if (pos && rate <= p.exitRate) ctx.close(p.symbol);
  },
});
