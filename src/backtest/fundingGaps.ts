import { HOUR_MS, isoTime, type MarketData } from "../market/index.ts";

/** A run of missing settlements of one symbol: [first missing, last missing] settlement times. */
export interface FundingHole {
  symbol: string;
  from: number;
  to: number;
  settlements: number;
}

export interface FundingCoverage {
  /** settlements missing inside the range over all symbols (each settles as zero) */
  missing: number;
  /** every symbol has a funding series and none misses a settlement in the range */
  complete: boolean;
  /** the holes in time order, all of them */
  holes: FundingHole[];
  /** symbols without any funding series */
  withoutFunding: string[];
}

/**
 * The settlements a run's funding series miss between the symbol's first bar and the clock's end:
 * against each settlement's own interval (a hole between two settlements counts one per interval of the
 * longer of the two), before the first settlement and after the last. The replay settles nothing there,
 * i.e. funding counts as zero where it is unknown: this says where.
 */
export function fundingCoverage(market: MarketData): FundingCoverage {
  const holes: FundingHole[] = [];
  const withoutFunding: string[] = [];
  for (const sd of market.symbols) {
    const f = sd.funding;
    if (!f) { withoutFunding.push(sd.symbol); continue; }
    const start = firstBarTime(sd.bars.close, market.from, market.intervalMs);
    if (f.length === 0) continue; // the loader already says there is none in range
    const add = (from: number, to: number, step: number) => {
      const settlements = Math.round((to - from) / step) + 1;
      if (settlements > 0) holes.push({ symbol: sd.symbol, from, to, settlements });
    };
    const step0 = f.intervalHours[0] * HOUR_MS;
    const lead = Math.floor((f.time[0] - start) / step0);
    if (lead > 0) add(f.time[0] - lead * step0, f.time[0] - step0, step0);
    for (let i = 1; i < f.length; i++) {
      const step = Math.max(f.intervalHours[i], f.intervalHours[i - 1]) * HOUR_MS;
      const missing = Math.round((f.time[i] - f.time[i - 1]) / step) - 1;
      if (missing > 0) add(f.time[i - 1] + step, f.time[i - 1] + missing * step, step);
    }
    const stepN = f.intervalHours[f.length - 1] * HOUR_MS;
    const last = f.time[f.length - 1];
    const trail = Math.ceil((market.to - last) / stepN) - 1;
    if (trail > 0) add(last + stepN, last + trail * stepN, stepN);
  }
  holes.sort((a, b) => a.from - b.from || (a.symbol < b.symbol ? -1 : 1));
  const missing = holes.reduce((s, h) => s + h.settlements, 0);
  const noSeries = market.symbols.some((s) => s.funding === undefined || s.funding.length === 0);
  return { missing, complete: missing === 0 && !noSeries, holes, withoutFunding };
}

function firstBarTime(close: Float64Array, from: number, intervalMs: number): number {
  for (let i = 0; i < close.length; i++) if (close[i] === close[i]) return from + i * intervalMs;
  return from;
}

/** One warning line: the count and the first few holes. */
export function describeFundingHoles(c: FundingCoverage, shown = 3): string | null {
  if (c.missing === 0) return null;
  const first = c.holes.slice(0, shown).map((h) => `${h.symbol} ${isoTime(h.from)}${h.settlements > 1 ? ` → ${isoTime(h.to)}` : ""} (${h.settlements})`);
  const more = c.holes.length > shown ? `, and ${c.holes.length - shown} more` : "";
  return `funding: ${c.missing} settlement${c.missing === 1 ? "" : "s"} missing in the range, settled as zero (unknown, not zero): ${first.join(", ")}${more}`;
}
