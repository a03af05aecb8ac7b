import type { MarketData } from "../market/index.ts";
import type { Venue } from "../venues/index.ts";
import type { TriggerSource } from "./types.ts";

/** One symbol's trigger candles: mark where chosen and present, else last-trade, step by step. */
export interface TriggerBars {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

/** The venue's own trigger: mark for mark venues; oracle venues have no oracle candles here, so last. */
export function defaultTrigger(venue: Venue): TriggerSource {
  return venue.triggerPrice === "mark" ? "mark" : "last";
}

/**
 * Build the trigger series of every symbol. With `mark`, steps without a mark bar fall back to the
 * last-trade bar; each symbol that needs the fallback gets one warning.
 */
export function triggerSeries(market: MarketData, source: TriggerSource, venue: Venue, warnings: string[]): TriggerBars[] {
  if (source === "last" && venue.triggerPrice !== "mark") {
    warnings.push(`${venue.label} triggers liquidation on ${venue.triggerPrice} prices; with no oracle candles in the data, last-trade prices stand in`);
  }
  return market.symbols.map((s) => {
    const b = s.bars;
    if (source === "last" || !s.mark) {
      if (source === "mark") warnings.push(`${s.symbol}: no mark-price candles; liquidations trigger on last-trade prices`);
      return { open: b.open, high: b.high, low: b.low, close: b.close };
    }
    const m = s.mark;
    const n = b.length;
    const out = { open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
    let fallback = 0;
    for (let i = 0; i < n; i++) {
      const useMark = m.close[i] === m.close[i];
      if (!useMark && b.close[i] === b.close[i]) fallback++;
      out.open[i] = useMark ? m.open[i] : b.open[i];
      out.high[i] = useMark ? m.high[i] : b.high[i];
      out.low[i] = useMark ? m.low[i] : b.low[i];
      out.close[i] = useMark ? m.close[i] : b.close[i];
    }
    if (fallback > 0) warnings.push(`${s.symbol}: ${fallback} bars without mark-price candles; liquidations trigger on last-trade prices there`);
    return out;
  });
}
