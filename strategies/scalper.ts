import { barsFor, defineStrategy } from "../src/strategy/index.ts";

/**
 * scalper: many short trades at 25x, a small isolated margin each. When flat in a symbol it enters
 * in the direction of the bar that just closed, with `marginPct` of equity as margin, a take-profit
 * `takeProfitPct` and a stop-loss `stopLossPct` from the fill (well inside the 25x liquidation
 * price), and closes after `maxHours` if neither was reached: after `barsFor(maxHours, barHours)`
 * bars (nearest whole bar, at least 1), so the default 3 h is 3 bars at 1h and 1 bar at 4h or 1d.
 */
export default defineStrategy({
  name: "scalper",
  description: "short momentum trades at 25x, small isolated margin each",
  params: { symbols: [] as string[], leverage: 25, marginPct: 0.02, takeProfitPct: 0.004, stopLossPct: 0.003, maxHours: 3 },
  validate(p) {
    if (!p.symbols.every((s) => typeof s === "string")) throw new Error("'symbols' must be an array of symbol names");
    if (!(p.leverage > 0)) throw new Error("'leverage' must be positive");
    if (!(p.marginPct > 0 && p.marginPct <= 1)) throw new Error("'marginPct' must be in (0, 1]");
    if (!(p.takeProfitPct > 0) || !(p.stopLossPct > 0)) throw new Error("'takeProfitPct' and 'stopLossPct' must be positive");
    if (!(p.maxHours > 0)) throw new Error("'maxHours' must be positive");
  },
  init(ctx) {
    const mine = ctx.params.symbols.length ? ctx.params.symbols : [...ctx.symbols];
    for (const s of mine) if (!ctx.symbols.includes(s)) throw new Error(`symbol ${s} is not among the run's symbols (${ctx.symbols.join(", ")})`);
    ctx.state.symbols = mine;
    ctx.state.openedAt = {} as Record<string, number>;
    ctx.state.maxBars = barsFor(ctx.params.maxHours, ctx.barHours);
  },
  onBar(ctx) {
    const p = ctx.params;
    const maxBars = ctx.state.maxBars as number;
    const openedAt = ctx.state.openedAt as Record<string, number>;
    for (const symbol of ctx.state.symbols as string[]) {
      const bar = ctx.bar(symbol);
      if (!bar) continue;
      if (ctx.position(symbol)) {
        if (ctx.index - openedAt[symbol] >= maxBars) ctx.close(symbol);
        continue;
      }
      if (bar.close === bar.open || !(ctx.equity > 0)) continue;
      openedAt[symbol] = ctx.index;
      ctx.open({
        symbol, side: bar.close > bar.open ? "long" : "short", margin: Math.max(0, ctx.equity) * p.marginPct, leverage: p.leverage,
        mode: "isolated", takeProfitPct: p.takeProfitPct, stopLossPct: p.stopLossPct,
      });
    }
  },
});
