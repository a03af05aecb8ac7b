import { defineStrategy } from "../src/strategy/index.ts";

/**
 * swing: a moving-average trend follower at 3x with a stop-loss, meant for cross margin. Long when
 * the `fast`-bar average of closes is above the `slow` one, short when below; each entry puts
 * equity × weight × leverage of notional on and a stop `stopLossPct` away from the fill.
 * One position per symbol, flipped on a crossover.
 */
export default defineStrategy({
  name: "swing",
  description: "moving-average trend follower at 3x with a stop-loss (meant for cross)",
  params: { symbol: "BTCUSDT", fast: 24, slow: 96, leverage: 3, weight: 0.5, stopLossPct: 0.08 },
  validate(p) {
    if (!(Number.isInteger(p.fast) && p.fast >= 1 && Number.isInteger(p.slow) && p.slow > p.fast)) throw new Error("'fast' and 'slow' must be whole numbers with slow > fast ≥ 1");
    if (!(p.leverage > 0)) throw new Error("'leverage' must be positive");
    if (!(p.weight > 0)) throw new Error("'weight' must be positive");
    if (!(p.stopLossPct > 0 && p.stopLossPct < 1)) throw new Error("'stopLossPct' must be in (0, 1)");
  },
  init(ctx) {
    if (!ctx.symbols.includes(ctx.params.symbol)) throw new Error(`symbol ${ctx.params.symbol} is not among the run's symbols (${ctx.symbols.join(", ")})`);
  },
  onBar(ctx) {
    const p = ctx.params;
    const closes = ctx.history(p.symbol, "close", p.slow);
    if (closes.length < p.slow) return;
    let fast = 0;
    let slow = 0;
    for (let i = 0; i < p.slow; i++) {
      slow += closes[i];
      if (i >= p.slow - p.fast) fast += closes[i];
    }
    if (!Number.isFinite(slow)) return; // a missing bar in the window: wait
    const want = fast / p.fast > slow / p.slow ? "long" : "short";
    const pos = ctx.position(p.symbol);
    if (pos?.side === want) return;
    if (pos) ctx.close(p.symbol);
    const notional = ctx.equity * p.weight * p.leverage;
    if (!(notional > 0)) return; // nothing left to trade with
    // a position stopped out stays out until the trend flips
    if (!pos && ctx.state.lastSide === want) return;
    ctx.state.lastSide = want;
    ctx.open({ symbol: p.symbol, side: want, notional, leverage: p.leverage, mode: "cross", stopLossPct: p.stopLossPct });
  },
});
