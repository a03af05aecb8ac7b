import { existsSync } from "node:fs";
import { alignBars, DEFAULT_DATA_DIR, datasetPath, readCandles, resample } from "../data/index.ts";
import { type Bars, type Interval, INTERVALS, type MarketData } from "../market/index.ts";

/** Where the sub-bars of one symbol inside one strategy bar come from. */
export type DetailRule =
  /** mark-price candles at the detail interval, walked as they are */
  | "mark"
  /** last-trade detail candles give the timing; the coarse bar's mark candle gives the levels */
  | "clip"
  /** last-trade detail candles walked as they are (the trigger is last-trade for this bar) */
  | "last";

export const DETAIL_RULE_TEXT: Record<DetailRule, string> = {
  mark: "mark-price detail candles walked as they are",
  clip:
    "last-trade detail candles give the timing and order of moves, the bar's mark candle the levels: each sub-bar is clipped into " +
    "the mark bar's [low, high], the sub-bar holding the bar's last-trade low (high) carries the mark low (high), the walk starts " +
    "at the mark open and ends at the mark close",
  last: "last-trade detail candles walked as they are",
};

/** One candle's four prices. */
export interface Ohlc {
  open: number;
  high: number;
  low: number;
  close: number;
}

/** Writable sub-bar arrays (length ≥ the number of sub-bars). */
export interface SubBars {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

/**
 * The clip rule. `last` holds `count` last-trade sub-bars from index `j0`; `mark` is the coarse mark
 * candle covering them. Writes into `out[0..count)` sub-bars whose levels stay inside [mark.low,
 * mark.high]: every price is clipped into that range, the sub-bar where the last-trade low of the bar
 * occurs (first one on a tie) gets low = mark.low, the one with the last-trade high gets high =
 * mark.high, the first sub-bar opens at mark.open and the last closes at mark.close. So the mark
 * extremes are reached in the sub-bars where the market made its extremes — never deeper than the
 * mark, never at a time the last trades do not support. (An earlier sub-bar whose last trades also
 * passed beyond the mark extreme touches it too: clipped, not moved.)
 */
export function clipToMark(mark: Ohlc, last: Bars, j0: number, count: number, out: SubBars): void {
  const lo = mark.low;
  const hi = mark.high;
  const clip = (x: number) => (x < lo ? lo : x > hi ? hi : x);
  let jL = j0;
  let jH = j0;
  for (let j = j0 + 1; j < j0 + count; j++) {
    if (last.low[j] < last.low[jL]) jL = j;
    if (last.high[j] > last.high[jH]) jH = j;
  }
  for (let k = 0; k < count; k++) {
    const j = j0 + k;
    const o = k === 0 ? mark.open : clip(last.open[j]);
    const c = k === count - 1 ? mark.close : clip(last.close[j]);
    const h = j === jH ? hi : clip(last.high[j]);
    const l = j === jL ? lo : clip(last.low[j]);
    out.open[k] = o;
    out.close[k] = c;
    out.high[k] = Math.max(h, o, c);
    out.low[k] = Math.min(l, o, c);
  }
}

/**
 * Mark-price candles at the detail interval, one per symbol of `market` (undefined where there is no
 * mark file at or below that interval that divides it), on the detail clock starting at market.from.
 * Read with the data layer's validating reader and resampled with true high/low.
 */
export async function loadMarkDetail(market: MarketData, detail: Interval, dataDir = DEFAULT_DATA_DIR): Promise<(Bars | undefined)[]> {
  const target = INTERVALS[detail];
  const candidates = (Object.keys(INTERVALS) as Interval[])
    .filter((iv) => INTERVALS[iv] <= target && target % INTERVALS[iv] === 0)
    .sort((a, b) => INTERVALS[b] - INTERVALS[a]);
  const length = Math.round((market.to - market.from) / target);
  return Promise.all(
    market.symbols.map(async (s) => {
      for (const iv of candidates) {
        const path = datasetPath(dataDir, "binance-usdm", "mark", s.symbol, iv);
        if (!existsSync(path)) continue;
        const file = await readCandles(path, { expectedIntervalMs: INTERVALS[iv] });
        return alignBars(resample(file.bars, target).bars, market.from, length, file.info.file);
      }
      return undefined;
    }),
  );
}

const RULES: readonly DetailRule[] = ["mark", "clip", "last"];

/**
 * Which sub-bars each (bar, symbol) walks, decided from the data alone (the same for every mode).
 * A bar uses detail only when every symbol has its sub-bars there; otherwise all symbols walk the
 * bar's 4-point path (symbols move together on one clock).
 */
export interface DetailPlan {
  intervalMs: number;
  /** sub-bars per strategy bar */
  count: number;
  /** per bar: 1 when the bar is walked on detail */
  use: Uint8Array;
  /** per bar × symbol (i × n + s): index into `rules` */
  rule: Uint8Array;
  /** per bar × symbol: the first sub-bar's index in the detail series the rule reads */
  start: Int32Array;
  rules: readonly DetailRule[];
  /** (bar, symbol) pairs walked under each rule, and bars left on their 4-point path */
  counts: Record<DetailRule, number>;
  coarseBars: number;
}

function firstSubBar(d: Bars | undefined, t: number, count: number): number {
  if (!d || d.length === 0) return -1;
  const j0 = Math.round((t - d.time[0]) / d.intervalMs);
  if (j0 < 0 || j0 + count > d.length) return -1;
  for (let j = j0; j < j0 + count; j++) if (!(d.close[j] === d.close[j])) return -1;
  return j0;
}

export function planDetail(market: MarketData, markTrigger: boolean, detailMark: readonly (Bars | undefined)[] | undefined): DetailPlan | null {
  const n = market.symbols.length;
  const ivs = new Set<number>();
  for (let s = 0; s < n; s++) {
    const dl = market.symbols[s].detail;
    if (dl) ivs.add(dl.intervalMs);
    const dm = markTrigger ? detailMark?.[s] : undefined;
    if (dm) ivs.add(dm.intervalMs);
  }
  if (ivs.size === 0) return null;
  if (ivs.size > 1) throw new Error("detail candles of different intervals");
  const intervalMs = [...ivs][0];
  const count = Math.round(market.intervalMs / intervalMs);
  const use = new Uint8Array(market.length);
  const rule = new Uint8Array(market.length * n);
  const start = new Int32Array(market.length * n);
  const counts: Record<DetailRule, number> = { mark: 0, clip: 0, last: 0 };
  let coarseBars = 0;
  for (let i = 0; i < market.length; i++) {
    const t = market.time[i];
    let ok = true;
    for (let s = 0; s < n && ok; s++) {
      const sd = market.symbols[s];
      const onMark = markTrigger && sd.mark !== undefined && sd.mark.close[i] === sd.mark.close[i];
      let r: DetailRule = "last";
      let j0 = -1;
      if (onMark) {
        j0 = firstSubBar(detailMark?.[s], t, count);
        r = "mark";
        if (j0 < 0) { j0 = firstSubBar(sd.detail, t, count); r = "clip"; }
      } else j0 = firstSubBar(sd.detail, t, count);
      if (j0 < 0) ok = false;
      rule[i * n + s] = RULES.indexOf(r);
      start[i * n + s] = j0;
    }
    if (!ok) { coarseBars++; continue; }
    use[i] = 1;
    for (let s = 0; s < n; s++) counts[RULES[rule[i * n + s]]]++;
  }
  return { intervalMs, count, use, rule, start, rules: RULES, counts, coarseBars };
}
