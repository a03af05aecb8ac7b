import { defineStrategy } from "perpsim";
import { requireSymbols } from "./legs.ts";

/**
 * hedger: long `long` / short `short` (default long BTC, short ETH), each leg's notional =
 * equity × weight × leverage, rebalanced back to that target every `rebalanceHours` when a leg has
 * drifted more than `band` from it. Meant for cross margin: the winning leg carries the losing one.
 * `rebalanceHours` is measured on the clock, not in bars, and checked at bar closes: at 1d bars a
 * 4-hour rebalance happens once a day. A liquidated leg stays closed: the hedge is not rebuilt on a
 * broken account.
 */
export default defineStrategy({
  name: "hedger",
  description: "long one perp, short another, rebalanced (meant for cross)",
  params: {
    long: "BTCUSDT",
    short: "ETHUSDT",
    leverage: { type: "number", default: 5, above: 0, sweep: [2, 3, 5, 10, 20] },
    weight: { type: "number", default: 0.4, above: 0, doc: "share of equity per leg as margin (a fraction)" },
    rebalanceHours: { type: "number", default: 24, min: 1, sweep: [4, 8, 24, 72, 168] },
    band: { type: "number", default: 0.1, min: 0, doc: "drift from the target (a fraction) tolerated before rebalancing" },
  },
  validate(p) {
    if (p.long === p.short) throw new Error("'long' and 'short' must be different symbols");
  },
  init(ctx) {
    const p = ctx.params;
    requireSymbols(ctx, [p.long, p.short]);
    const notional = ctx.initialBalance * p.weight * p.leverage;
    ctx.open({ symbol: p.long, side: "long", notional, leverage: p.leverage, mode: "cross" });
    ctx.open({ symbol: p.short, side: "short", notional, leverage: p.leverage, mode: "cross" });
    return { lastRebalance: ctx.time };
  },
  onBar(ctx) {
    const { params: p, state } = ctx;
    if (ctx.time - state.lastRebalance < p.rebalanceHours * 3_600_000) return;
    state.lastRebalance = ctx.time;
    const target = Math.max(0, ctx.equity) * p.weight * p.leverage;
    for (const [symbol, side] of [[p.long, "long"], [p.short, "short"]] as const) {
      const pos = ctx.position(symbol);
      const price = ctx.markPrice(symbol);
      if (!pos || !(price > 0) || !(target > 0)) continue;
      const have = pos.side === side ? pos.notional : 0;
      if (have > 0 && Math.abs(have - target) <= p.band * target) continue;
      if (have > target) ctx.reduce(symbol, (have - target) / price);
      else ctx.open({ symbol, side, notional: target - have, leverage: p.leverage, mode: "cross" });
    }
  },
});
