/**
 * Candles in columnar form: one Float64Array per field, all of the same length. A bar's `time` is
 * its open time in epoch milliseconds (UTC); it covers [time, time + intervalMs).
 *
 * On an aligned clock (see MarketData) a missing bar is carried as NaN in every field: the step
 * exists, the bar does not. Use `hasBar(bars, i)` before reading a step.
 */
export interface Bars {
  /** bar length in milliseconds (3_600_000 for 1h) */
  readonly intervalMs: number;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export const BAR_FIELDS = ["open", "high", "low", "close", "volume"] as const;
export type BarField = (typeof BAR_FIELDS)[number];

/** true when step i holds a real bar (aligned clocks carry missing steps as NaN prices). */
export function hasBar(bars: Bars, i: number): boolean {
  return bars.close[i] === bars.close[i];
}

/** Bars of `length` steps on a regular clock starting at `start`, every field NaN (no bar yet). */
export function emptyBars(start: number, intervalMs: number, length: number): Bars {
  const time = new Float64Array(length);
  for (let i = 0; i < length; i++) time[i] = start + i * intervalMs;
  const nan = () => new Float64Array(length).fill(NaN);
  return { intervalMs, length, time, open: nan(), high: nan(), low: nan(), close: nan(), volume: nan() };
}

/** The bars whose open time is in [from, to) — a copy-free view (subarray). */
export function sliceBars(bars: Bars, from: number, to: number): Bars {
  const a = lowerBound(bars.time, from);
  const b = lowerBound(bars.time, to);
  return {
    intervalMs: bars.intervalMs,
    length: b - a,
    time: bars.time.subarray(a, b),
    open: bars.open.subarray(a, b),
    high: bars.high.subarray(a, b),
    low: bars.low.subarray(a, b),
    close: bars.close.subarray(a, b),
    volume: bars.volume.subarray(a, b),
  };
}

/** First index whose value is >= x in an ascending array (length if none). */
export function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Growing typed-array storage used by the readers: append rows without an object per row, then
 * `finish()` trims to a Bars. Capacity doubles, so appends are amortised O(1).
 */
export class BarsBuilder {
  length = 0;
  private cap: number;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;

  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.time = new Float64Array(this.cap);
    this.open = new Float64Array(this.cap);
    this.high = new Float64Array(this.cap);
    this.low = new Float64Array(this.cap);
    this.close = new Float64Array(this.cap);
    this.volume = new Float64Array(this.cap);
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  finish(intervalMs: number): Bars {
    const n = this.length;
    return {
      intervalMs,
      length: n,
      time: this.time.slice(0, n),
      open: this.open.slice(0, n),
      high: this.high.slice(0, n),
      low: this.low.slice(0, n),
      close: this.close.slice(0, n),
      volume: this.volume.slice(0, n),
    };
  }

  private grow(): void {
    this.cap *= 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.time = g(this.time);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
  }
}
