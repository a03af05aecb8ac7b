import type { StressLeg } from "../results/index.ts";
import type { StressConfig } from "./config.ts";
import { FIELD, MAX_LEG_SLOTS, PATH_FIELDS } from "./pathResult.ts";
import { kaplanMeier, timeToShare } from "./stats/survival.ts";
import { wilsonInterval } from "./stats/wilson.ts";

const share = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Per leg of one mode: how often that position was liquidated, its Wilson 95 % interval and the
 * Kaplan–Meier time to its first liquidation. Legs are the portfolio's (with their side) or, for a
 * strategy book, every symbol it could trade (side null: the strategy decides). Only the first
 * MAX_LEG_SLOTS symbols of the model are tracked.
 */
export function legRuns(config: StressConfig, results: Float64Array, modeIndex: number): StressLeg[] {
  const { paths, horizonHours } = config;
  const modes = config.modes.length;
  const symbols = config.model.assets.map((a) => a.symbol);
  const legs = config.book.kind === "portfolio"
    ? config.book.legs.map((l) => ({ symbol: l.symbol, side: l.side as StressLeg["side"] }))
    : symbols.map((symbol) => ({ symbol, side: null }));
  const out: StressLeg[] = [];
  for (const leg of legs) {
    const slot = symbols.indexOf(leg.symbol);
    if (slot < 0 || slot >= MAX_LEG_SLOTS) continue;
    const time = new Float64Array(paths);
    const event = new Float64Array(paths);
    let k = 0;
    for (let p = 0; p < paths; p++) {
      const h = results[(p * modes + modeIndex) * PATH_FIELDS + FIELD.legHour + slot];
      const dead = !Number.isNaN(h);
      event[p] = dead ? 1 : 0;
      time[p] = dead ? h : horizonHours;
      if (dead) k++;
    }
    const curve = kaplanMeier({ time, event });
    const median = timeToShare(curve, 0.5), p10 = timeToShare(curve, 0.1);
    const [lo, hi] = wilsonInterval(k, paths);
    out.push({
      symbol: leg.symbol, side: leg.side, liquidationProbability: k / paths, ci95: [share(lo), share(hi)],
      timeToLiquidationHours: { median: median === null ? null : share(median), p10: p10 === null ? null : share(p10) },
    });
  }
  return out;
}
