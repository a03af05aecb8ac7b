import { defineStrategy } from "../src/strategy/index.ts";

/**
 * hedger: long `long` / short `short` (default long BTC, short ETH), each leg's notional =
 * equity × weight × leverage, rebalanced back to that target every `rebalanceHours` when a leg has
 * drifted more than `band` from it. Meant for cross margin: the winning leg carries the losing one.
 * `rebalanceHours` is measured on the clock, not in bars, and checked at bar closes: at 1d bars a
 * 4-hour rebalance happens once a day.
 */
export default defineStrategy({
  name: "hedger",
  description: "long one perp, short another, rebalanced (meant for cross)",
  params: { long: "BTCUSDT", short: "ETHUSDT", leverage: 5, weight: 0.4, rebalanceHours: 24, band: 0.1 },
  validate(p) {
    if (p.long === p.short) throw new Error("'long' and 'short' must be different symbols");
    if (!(p.leverage > 0)) throw new Error("'leverage' must be positive");
    if (!(p.weight > 0)) throw new Error("'weight' must be positive");
    if (!(p.rebalanceHours >= 1)) throw new Error("'rebalanceHours' must be at least 1");
    if (!(p.band >= 0)) throw new Error("'band' must be ≥ 0");
  },
  init(ctx) {
    for (const s of [ctx.params.long, ctx.params.short]) if (!ctx.symbols.includes(s)) throw new Error(`symbol ${s} is not among the run's symbols (${ctx.symbols.join(", ")})`);
    const notional = ctx.initialBalance * ctx.params.weight * ctx.params.leverage;
    ctx.open({ symbol: ctx.params.long, side: "long", notional, leverage: ctx.params.leverage, mode: "cross" });
    ctx.open({ symbol: ctx.params.short, side: "short", notional, leverage: ctx.params.leverage, mode: "cross" });
    ctx.state.lastRebalance = ctx.time;
  },
  onBar(ctx) {
    const { params: p } = ctx;
    if (ctx.time - (ctx.state.lastRebalance as number) < p.rebalanceHours * 3_600_000) return;
    ctx.state.lastRebalance = ctx.time;
    const target = Math.max(0, ctx.equity) * p.weight * p.leverage;
    for (const [symbol, side] of [[p.long, "long"], [p.short, "short"]] as const) {
      const pos = ctx.position(symbol);
      const price = ctx.price(symbol);
      if (!(price > 0) || !(target > 0)) continue;
      const have = pos && pos.side === side ? pos.notional : 0;
      if (have > 0 && Math.abs(have - target) <= p.band * target) continue;
      if (!pos) {
        // a liquidated leg stays closed: the hedge is not rebuilt on a broken account
        continue;
      }
      if (have > target) ctx.reduce(symbol, (have - target) / price);
      else ctx.open({ symbol, side, notional: target - have, leverage: p.leverage, mode: "cross" });
    }
  },
});
