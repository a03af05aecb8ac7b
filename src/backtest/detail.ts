import { existsSync } from "node:fs";
import { alignBars, DEFAULT_DATA_DIR, datasetPath, readCandlesCached, resample } from "../data/index.ts";
import { InputError } from "../errors/index.ts";
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
 * passed beyond the mark extreme touches it too: clipped, not moved.) Absent sub-bars (NaN) stay
 * absent; "first" and "last" are then the first and last present ones.
 */
export function clipToMark(mark: Ohlc, last: Bars, j0: number, count: number, out: SubBars): void {
  const lo = mark.low;
  const hi = mark.high;
  const clip = (x: number) => (x < lo ? lo : x > hi ? hi : x);
  let jL = -1;
  let jH = -1;
  let kFirst = -1;
  let kLast = -1;
  for (let k = 0; k < count; k++) {
    const j = j0 + k;
    if (!(last.close[j] === last.close[j])) continue;
    if (kFirst < 0) kFirst = k;
    kLast = k;
    if (jL < 0 || last.low[j] < last.low[jL]) jL = j;
    if (jH < 0 || last.high[j] > last.high[jH]) jH = j;
  }
  for (let k = 0; k < count; k++) {
    const j = j0 + k;
    if (!(last.close[j] === last.close[j])) {
      out.open[k] = out.high[k] = out.low[k] = out.close[k] = NaN;
      continue;
    }
    const o = k === kFirst ? mark.open : clip(last.open[j]);
    const c = k === kLast ? mark.close : clip(last.close[j]);
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
 * Read with the data layer's validating reader (through its binary cache) and resampled with true high/low.
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
        const file = await readCandlesCached(path, { expectedIntervalMs: INTERVALS[iv] }); // parsed once, then from the binary cache
        return alignBars(resample(file.bars, target).bars, market.from, length, file.info.file);
      }
      return undefined;
    }),
  );
}

const RULES: readonly DetailRule[] = ["mark", "clip", "last"];

/**
 * Which sub-bars each (bar, symbol) walks, decided from the data alone (the same for every mode).
 * A bar uses detail when every symbol that has a bar there has at least one of its sub-bars; the walk
 * goes over the sub-bars that exist, holding a symbol flat where one is missing (a missing finer
 * candle drops the coarse bar in resampling, so without this a single hole would remove the checks
 * of a whole 4h or 1d bar). Such bars are counted in `partial` and named in a warning. Otherwise all
 * symbols walk the bar's 4-point path (symbols move together on one clock).
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
  /** (bar, symbol) walks with some sub-bars missing, and the first few: bar open time, symbol, sub-bars present */
  partial: number;
  partialFirst: { time: number; symbol: string; present: number }[];
}

const PARTIAL_SHOWN = 3;

/** The sub-bars of one bar in a detail series: the first one's index and how many are present. */
interface Probe {
  j0: number;
  present: number;
}
const NONE: Probe = { j0: -1, present: 0 };

function probe(d: Bars | undefined, t: number, count: number): Probe {
  if (!d || d.length === 0) return NONE;
  const j0 = Math.round((t - d.time[0]) / d.intervalMs);
  if (j0 < 0 || j0 + count > d.length) return NONE;
  let present = 0;
  for (let j = j0; j < j0 + count; j++) if (d.close[j] === d.close[j]) present++;
  return { j0, present };
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
  if (ivs.size > 1) throw new InputError(`--detail: the detail candles have different intervals (${[...ivs].map((v) => `${v / 60_000}m`).join(", ")}); give one interval`);
  const intervalMs = [...ivs][0];
  const count = Math.round(market.intervalMs / intervalMs);
  const use = new Uint8Array(market.length);
  const rule = new Uint8Array(market.length * n);
  const start = new Int32Array(market.length * n);
  const counts: Record<DetailRule, number> = { mark: 0, clip: 0, last: 0 };
  let coarseBars = 0;
  let partial = 0;
  const partialFirst: DetailPlan["partialFirst"] = [];
  const present = new Int32Array(n);
  for (let i = 0; i < market.length; i++) {
    const t = market.time[i];
    let ok = true;
    for (let s = 0; s < n && ok; s++) {
      const sd = market.symbols[s];
      const onMark = markTrigger && sd.mark !== undefined && sd.mark.close[i] === sd.mark.close[i];
      // by preference: mark detail (the trigger is mark), last-trade detail clipped into the bar's mark
      // candle, last-trade detail; the first one complete, else the one with the most sub-bars present
      const options: [DetailRule, Probe][] = [];
      if (markTrigger) options.push(["mark", probe(detailMark?.[s], t, count)]);
      options.push([onMark ? "clip" : "last", probe(sd.detail, t, count)]);
      let best = options.find(([, p]) => p.present === count);
      if (!best) for (const o of options) if (o[1].present > 0 && (!best || o[1].present > best[1].present)) best = o;
      const coarse = onMark || sd.bars.close[i] === sd.bars.close[i];
      if (!best && coarse) ok = false; // a bar with no sub-bar at all: the bar's 4-point path
      rule[i * n + s] = RULES.indexOf(best ? best[0] : "last");
      start[i * n + s] = best ? best[1].j0 : -1;
      present[s] = best ? best[1].present : 0;
    }
    if (!ok) { coarseBars++; continue; }
    use[i] = 1;
    for (let s = 0; s < n; s++) {
      if (present[s] === 0) continue; // no data at all here: held flat, as on the 4-point path
      counts[RULES[rule[i * n + s]]]++;
      if (present[s] < count) {
        partial++;
        if (partialFirst.length < PARTIAL_SHOWN) partialFirst.push({ time: t, symbol: market.symbols[s].symbol, present: present[s] });
      }
    }
  }
  return { intervalMs, count, use, rule, start, rules: RULES, counts, coarseBars, partial, partialFirst };
}
