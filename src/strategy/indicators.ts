/**
 * Indicators over the history arrays (`ctx.history(...)` returns views, so nothing is copied). Each
 * reads the last `length` values of what it is given (or more, where it needs a previous close) and
 * returns NaN when there are too few or one of them is NaN (a missing bar): wait, do not guess.
 */

function tail(values: ArrayLike<number>, length: number, what: string): number {
  if (!(length >= 1) || !Number.isInteger(length)) throw new Error(`${what}: length must be a whole number ≥ 1 (got ${length})`);
  return values.length - length;
}

/** Simple moving average: the mean of the last `length` values. */
export function sma(values: ArrayLike<number>, length: number = values.length): number {
  const from = tail(values, length, "sma");
  if (from < 0) return NaN;
  let sum = 0;
  for (let i = from; i < values.length; i++) sum += values[i];
  return sum / length;
}

/**
 * Exponential moving average with weight 2 / (length + 1), started from the SMA of the first
 * `length` values given and run over the rest. It depends on how much history it is given: give a
 * few times `length` values for it to forget its start.
 */
export function ema(values: ArrayLike<number>, length: number): number {
  if (tail(values, length, "ema") < 0) return NaN;
  const k = 2 / (length + 1);
  let e = 0;
  for (let i = 0; i < length; i++) e += values[i];
  e /= length;
  for (let i = length; i < values.length; i++) e += k * (values[i] - e);
  return e;
}

/**
 * Average true range: the mean over the last `length` bars of max(high − low, |high − previous
 * close|, |low − previous close|). Needs `length + 1` closes (the first gives the previous close);
 * a simple mean, not Wilder's smoothing.
 */
export function atr(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, length: number): number {
  const n = Math.min(high.length, low.length, close.length);
  if (high.length !== n || low.length !== n || close.length !== n) throw new Error("atr: high, low and close must have the same length");
  const from = tail(close, length, "atr");
  if (from < 1) return NaN;
  let sum = 0;
  for (let i = from; i < n; i++) {
    const prev = close[i - 1];
    sum += Math.max(high[i] - low[i], Math.abs(high[i] - prev), Math.abs(low[i] - prev));
  }
  return sum / length;
}

/**
 * Rolling volatility: the sample standard deviation of the last `length` log returns of `close`
 * (needs `length + 1` closes), per bar, as a fraction. Annualise with × √(8760 / ctx.barHours).
 */
export function rollingVolatility(close: ArrayLike<number>, length: number): number {
  const from = tail(close, length, "rollingVolatility");
  if (from < 1 || length < 2) return NaN;
  let mean = 0;
  for (let i = from; i < close.length; i++) mean += Math.log(close[i] / close[i - 1]);
  mean /= length;
  let ss = 0;
  for (let i = from; i < close.length; i++) {
    const d = Math.log(close[i] / close[i - 1]) - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / (length - 1));
}
