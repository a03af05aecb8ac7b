import { defineStrategy } from "../src/strategy/index.ts";

/**
 * funding-carry: short the perp while funding is rich, collecting what longs pay. Opens a short of
 * equity × weight × leverage when the last settled rate is at or above `enterRate`, closes when it
 * falls to `exitRate` or below. Both thresholds are per 8 hours on every venue (`ctx.fundingRate`
 * normalises: 0.0003 = 0.03 %/8h, i.e. 0.00375 %/h on Hyperliquid's hourly funding). Unhedged here
 * (no spot leg): the price risk is the point of comparing margin modes on it.
 */
export default defineStrategy({
  name: "funding-carry",
  description: "short the perp when funding is rich, close when it normalises",
  params: { symbol: "BTCUSDT", enterRate: 0.0003, exitRate: 0.0001, leverage: 2, weight: 0.5 },
  validate(p) {
    if (!(p.exitRate < p.enterRate)) throw new Error("'exitRate' must be below 'enterRate'");
    if (!(p.leverage > 0)) throw new Error("'leverage' must be positive");
    if (!(p.weight > 0)) throw new Error("'weight' must be positive");
  },
  init(ctx) {
    if (!ctx.symbols.includes(ctx.params.symbol)) throw new Error(`symbol ${ctx.params.symbol} is not among the run's symbols (${ctx.symbols.join(", ")})`);
  },
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
