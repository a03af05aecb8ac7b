import { type Bars, BarsBuilder, InputError, formatDuration } from "../market/index.ts";

export interface Resampled {
  bars: Bars;
  /** coarse buckets that had some but not all of their finer bars: left out, not guessed */
  partialBuckets: number;
}

/**
 * Resample to a coarser interval (5m → 1h → 4h → 1d), keeping the true extremes: open of the first
 * finer bar, max of highs, min of lows, close of the last, sum of volumes. Buckets start at whole
 * multiples of the target interval since the epoch (UTC midnight for 1d). A bucket is built only
 * when every finer bar inside it is present; a bucket with holes would understate the range, so it is
 * left absent and counted in `partialBuckets`.
 */
export function resample(bars: Bars, targetMs: number): Resampled {
  const src = bars.intervalMs;
  if (targetMs === src) return { bars, partialBuckets: 0 };
  if (targetMs < src || targetMs % src !== 0) {
    throw new InputError(`cannot resample ${formatDuration(src)} bars to ${formatDuration(targetMs)} (the target must be a whole multiple)`);
  }
  const per = targetMs / src;
  const out = new BarsBuilder(Math.ceil(bars.length / per) + 1);
  let partial = 0;
  let i = 0;
  const n = bars.length;
  while (i < n) {
    const bucket = Math.floor(bars.time[i] / targetMs) * targetMs;
    const end = bucket + targetMs;
    let j = i;
    let h = -Infinity;
    let l = Infinity;
    let v = 0;
    while (j < n && bars.time[j] < end) {
      if (bars.high[j] > h) h = bars.high[j];
      if (bars.low[j] < l) l = bars.low[j];
      v += bars.volume[j];
      j++;
    }
    if (j - i === per) out.push(bucket, bars.open[i], h, l, bars.close[j - 1], v);
    else partial++;
    i = j;
  }
  return { bars: out.finish(targetMs), partialBuckets: partial };
}
