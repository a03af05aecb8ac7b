import { barsFor, defineStrategy, sma } from "perpsim";
import { requireSymbols } from "./legs.ts";

/**
 * swing: a moving-average trend follower at 3x with a stop-loss, meant for cross margin. Long when
 * the average of closes over the last `fastHours` is above the one over `slowHours`, short when
 * below; each entry puts equity × weight × leverage of notional on and a stop `stopLossPct` % away
 * from the fill. One position per symbol, flipped on a crossover; a position stopped out stays out
 * until the trend flips. The windows are hours, turned into bars of the run (`barsFor`): the
 * defaults 24 h / 96 h are 24 / 96 bars at 1h, 6 / 24 at 4h, 1 / 4 at 1d.
 */
export default defineStrategy({
  name: "swing",
  description: "moving-average trend follower at 3x with a stop-loss (meant for cross)",
  params: {
    symbol: "BTCUSDT",
    fastHours: { type: "number", default: 24, above: 0 },
    slowHours: { type: "number", default: 96, above: 0 },
    leverage: { type: "number", default: 3, above: 0 },
    weight: { type: "number", default: 0.5, above: 0, doc: "share of equity as margin (a fraction)" },
    stopLossPct: { type: "number", default: 8, above: 0, below: 100, doc: "stop-loss, percent from the fill" },
  },
  validate(p) {
    if (!(p.slowHours > p.fastHours)) throw new Error("'slowHours' must be above 'fastHours'");
  },
  init(ctx) {
    const p = ctx.params;
    requireSymbols(ctx, [p.symbol]);
    const fast = barsFor(p.fastHours, ctx.barHours);
    const slow = barsFor(p.slowHours, ctx.barHours);
    if (!(slow > fast)) {
      throw new Error(`'fastHours' ${p.fastHours} and 'slowHours' ${p.slowHours} are both ${fast} bar(s) of ${ctx.barHours} h: make 'slowHours' at least ${(fast + 1) * ctx.barHours}`);
    }
    return { fast, slow, lastSide: null as "long" | "short" | null };
  },
  onBar(ctx) {
    const { params: p, state } = ctx;
    const closes = ctx.history(p.symbol, "close", state.slow);
    const slow = sma(closes, state.slow);
    if (!Number.isFinite(slow)) return; // too few bars yet, or a missing bar in the window: wait
    const want = sma(closes, state.fast) > slow ? "long" : "short";
    const pos = ctx.position(p.symbol);
    if (pos?.side === want) return;
    if (pos) ctx.close(p.symbol);
    const notional = ctx.equity * p.weight * p.leverage;
    if (!(notional > 0)) return; // nothing left to trade with
    if (!pos && state.lastSide === want) return;
    state.lastSide = want;
    ctx.open({ symbol: p.symbol, side: want, notional, leverage: p.leverage, mode: "cross", stopLossPct: p.stopLossPct });
  },
});
