import { barsFor, defineStrategy } from "perpsim";
import { requireSymbols } from "./legs.ts";

/**
 * scalper: many short trades at 25x, a small isolated margin each. When flat in a symbol it enters
 * in the direction of the bar that just closed, with `marginPct` % of equity as margin, a
 * take-profit `takeProfitPct` % and a stop-loss `stopLossPct` % from the fill (well inside the 25x
 * liquidation price), and closes after `maxHours` if neither was reached: after
 * `barsFor(maxHours, barHours)` bars, so the default 3 h is 3 bars at 1h and 1 bar at 4h or 1d.
 */
export default defineStrategy({
  name: "scalper",
  description: "short momentum trades at 25x, small isolated margin each",
  params: {
    symbols: { type: "symbols", default: [], doc: "the symbols it trades (default: all of the run's)" },
    leverage: { type: "number", default: 25, above: 0 },
    marginPct: { type: "number", default: 2, above: 0, max: 100, doc: "percent of equity as each trade's margin" },
    takeProfitPct: { type: "number", default: 0.4, above: 0, doc: "percent from the fill" },
    stopLossPct: { type: "number", default: 0.3, above: 0, doc: "percent from the fill" },
    maxHours: { type: "number", default: 3, above: 0, doc: "hours before a trade that reached neither is closed" },
  },
  init(ctx) {
    const symbols = ctx.params.symbols.length ? ctx.params.symbols : ctx.symbols;
    requireSymbols(ctx, symbols);
    return { symbols, openedAt: new Map<string, number>(), maxBars: barsFor(ctx.params.maxHours, ctx.barHours) };
  },
  onBar(ctx) {
    const { params: p, state } = ctx;
    for (const symbol of state.symbols) {
      const bar = ctx.bar(symbol);
      if (!bar) continue;
      if (ctx.position(symbol)) {
        if (ctx.index - state.openedAt.get(symbol)! >= state.maxBars) ctx.close(symbol);
        continue;
      }
      if (bar.close === bar.open || !(ctx.equity > 0)) continue;
      state.openedAt.set(symbol, ctx.index);
      ctx.open({
        symbol, side: bar.close > bar.open ? "long" : "short", margin: Math.max(0, ctx.equity) * (p.marginPct / 100), leverage: p.leverage,
        mode: "isolated", takeProfitPct: p.takeProfitPct, stopLossPct: p.stopLossPct,
      });
    }
  },
});
