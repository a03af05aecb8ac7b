import { type Bars, emptyBars, lowerBound, InputError, formatDuration, isoTime, type GapReport } from "../market/index.ts";
import { findGaps } from "./gaps.ts";

/**
 * Place bars on a regular clock of `length` steps from `from`: step k holds the bar opening at
 * from + k × interval, or NaN in every field when there is none (the gap policy: absent steps stay
 * absent, nothing is filled). Bars outside the clock are dropped; a bar off the clock's grid is an error.
 */
export function alignBars(bars: Bars, from: number, length: number, label: string): Bars {
  const iv = bars.intervalMs;
  const out = emptyBars(from, iv, length);
  const a = lowerBound(bars.time, from);
  const b = lowerBound(bars.time, from + length * iv);
  for (let i = a; i < b; i++) {
    const off = bars.time[i] - from;
    if (off % iv !== 0) throw new InputError(`${label}: bar at ${isoTime(bars.time[i])} is not on the ${formatDuration(iv)} clock starting ${isoTime(from)}`);
    const k = off / iv;
    out.open[k] = bars.open[i];
    out.high[k] = bars.high[i];
    out.low[k] = bars.low[i];
    out.close[k] = bars.close[i];
    out.volume[k] = bars.volume[i];
  }
  return out;
}

/** Missing steps of an aligned series between its first and last present bar. */
export function alignedGaps(aligned: Bars): GapReport {
  let n = 0;
  const times = new Float64Array(aligned.length);
  for (let k = 0; k < aligned.length; k++) if (aligned.close[k] === aligned.close[k]) times[n++] = aligned.time[k];
  return findGaps(times.subarray(0, n), aligned.intervalMs);
}

/** The [first, last] open times of present bars in an aligned series, or undefined when all absent. */
export function presentSpan(aligned: Bars): [number, number] | undefined {
  let a = 0;
  while (a < aligned.length && aligned.close[a] !== aligned.close[a]) a++;
  if (a === aligned.length) return undefined;
  let b = aligned.length - 1;
  while (aligned.close[b] !== aligned.close[b]) b--;
  return [aligned.time[a], aligned.time[b]];
}

export function describeGaps(label: string, g: GapReport): string {
  const first = g.first.map((h) => `${isoTime(h.from)}${h.bars > 1 ? `…${isoTime(h.to)}` : ""} (${h.bars})`).join(", ");
  return `${label}: ${g.missingBars} missing in ${g.holes} hole${g.holes === 1 ? "" : "s"}, left absent (first: ${first}${g.holes > g.first.length ? ", …" : ""})`;
}
