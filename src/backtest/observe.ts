import type { Strategy } from "../strategy/index.ts";

/** How far a backtest has got: bars handed to the strategy over all modes, of `total`; `mode` counts from 1. */
export type BacktestProgress = (done: number, total: number, mode: number, modes: number) => void;

/**
 * The strategy, observed: each bar it is handed reports progress (the replay calls `onBar` once per bar
 * and mode, with the bar's index, modes one after another), so the replay loop itself needs no hook.
 * Reported every 256 bars and at each mode's last bar. Everything else is the strategy's own (copied).
 */
export function observedStrategy<S extends Strategy<any>>(strategy: S, bars: number, modes: number, report: BacktestProgress): S {
  let mode = -1;
  let last = -1;
  const total = Math.max(1, bars * modes);
  const onBar: S["onBar"] = (ctx) => {
    if (ctx.index <= last || mode < 0) mode++;
    last = ctx.index;
    if ((ctx.index & 255) === 0 || ctx.index === bars - 1) report(mode * bars + ctx.index + 1, total, mode + 1, modes);
    return strategy.onBar(ctx);
  };
  return Object.freeze({ ...strategy, onBar });
}
