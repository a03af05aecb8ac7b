import { barsFor, defineStrategy } from "../src/strategy/index.ts";

/**
 * swing: a moving-average trend follower at 3x with a stop-loss, meant for cross margin. Long when
 * the average of closes over the last `fastHours` is above the one over `slowHours`, short when
 * below; each entry puts equity × weight × leverage of notional on and a stop `stopLossPct` away
 * from the fill. One position per symbol, flipped on a crossover. The windows are hours, turned into
 * bars of the run (`barsFor`: nearest whole bar, at least 1): the defaults 24 h / 96 h are 24 / 96
 * bars at 1h, 6 / 24 at 4h, 1 / 4 at 1d, 96 / 384 at 15-minute stress steps.
 */
export default defineStrategy({
  name: "swing",
  description: "moving-average trend follower at 3x with a stop-loss (meant for cross)",
  params: { symbol: "BTCUSDT", fastHours: 24, slowHours: 96, leverage: 3, weight: 0.5, stopLossPct: 0.08 },
  validate(p) {
    if (!(p.fastHours > 0)) throw new Error("'fastHours' must be positive");
    if (!(p.slowHours > p.fastHours)) throw new Error("'slowHours' must be above 'fastHours'");
    if (!(p.leverage > 0)) throw new Error("'leverage' must be positive");
    if (!(p.weight > 0)) throw new Error("'weight' must be positive");
    if (!(p.stopLossPct > 0 && p.stopLossPct < 1)) throw new Error("'stopLossPct' must be in (0, 1)");
  },
  init(ctx) {
    const p = ctx.params;
    if (!ctx.symbols.includes(p.symbol)) throw new Error(`symbol ${p.symbol} is not among the run's symbols (${ctx.symbols.join(", ")})`);
    const fast = barsFor(p.fastHours, ctx.barHours);
    const slow = barsFor(p.slowHours, ctx.barHours);
    if (!(slow > fast)) {
      throw new Error(`'fastHours' ${p.fastHours} and 'slowHours' ${p.slowHours} are both ${fast} bar(s) of ${ctx.barHours} h: make 'slowHours' at least ${(fast + 1) * ctx.barHours}`);
    }
    ctx.state.fast = fast;
    ctx.state.slow = slow;
  },
  onBar(ctx) {
    const p = ctx.params;
    const fastBars = ctx.state.fast as number;
    const slowBars = ctx.state.slow as number;
    const closes = ctx.history(p.symbol, "close", slowBars);
    if (closes.length < slowBars) return;
    let fast = 0;
    let slow = 0;
    for (let i = 0; i < slowBars; i++) {
      slow += closes[i];
      if (i >= slowBars - fastBars) fast += closes[i];
    }
    if (!Number.isFinite(slow)) return; // a missing bar in the window: wait
    const want = fast / fastBars > slow / slowBars ? "long" : "short";
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
