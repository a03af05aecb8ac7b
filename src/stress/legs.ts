import type { Account, EngineEvent } from "../margin/index.ts";
import type { StressLeg } from "../results/index.ts";
import type { StressConfig } from "./config.ts";
import { FIELD, MAX_LEG_SLOTS, PATH_FIELDS } from "./pathResult.ts";
import { kaplanMeier, timeToShare } from "./stats/survival.ts";
import { wilsonInterval } from "./stats/wilson.ts";

const share = (x: number) => Math.round(x * 1e6) / 1e6;
const MS_PER_HOUR = 3_600_000;

/**
 * The kernel's record of which position died when: per symbol slot (the first MAX_LEG_SLOTS), the time
 * of that position's first liquidation event (NaN while alive), written as hours into the path result.
 */
export class LegLiquidations {
  private readonly firstMs = new Float64Array(MAX_LEG_SLOTS).fill(NaN);

  reset(): void {
    this.firstMs.fill(NaN);
  }

  /** a liquidation event of the kernel's account; `symbols` are its slots */
  record(e: EngineEvent, symbols: readonly string[]): void {
    const slot = e.symbol === "" ? -1 : symbols.indexOf(e.symbol);
    if (slot >= 0 && slot < MAX_LEG_SLOTS && Number.isNaN(this.firstMs[slot])) this.firstMs[slot] = e.time;
  }

  write(out: Float64Array, at: number): void {
    for (let k = 0; k < MAX_LEG_SLOTS; k++) out[at + FIELD.legHour + k] = this.firstMs[k] / MS_PER_HOUR;
  }
}

/**
 * Each symbol's liquidation price at `prices` into `out` (NaN: no position or none above zero), for
 * traced sample paths only, read from the kernel's engine account.
 */
export function tracedLiquidationPrices(account: Account, symbols: readonly string[], prices: Float64Array, out: Float64Array): Float64Array {
  out.fill(NaN);
  for (const p of account.positions()) {
    const lp = p.mode === "isolated" ? account.isolatedLiquidationPriceAt(p.slot) : (account.liquidationPrice(symbols[p.slot], prices) ?? NaN);
    out[p.slot] = lp > 0 ? lp : NaN;
  }
  return out;
}

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
