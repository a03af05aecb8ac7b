/**
 * Funding settlements in columnar form.
 *
 * - `time`: the settlement time normalised to its settlement hour (epoch ms, a multiple of 1h).
 *   Real files carry jitter (Binance: a few ms; Hyperliquid: up to minutes); the reader rounds to
 *   the nearest hour and keeps the largest offset it saw in the load report.
 * - `rate`: the rate paid at that settlement, as a fraction of notional (0.0001 = 0.01 %).
 *   Longs pay shorts when positive. For Hyperliquid (hourly settlements) this is the hourly rate.
 * - `intervalHours`: the hours this settlement covers (Binance: 8, or 4/2/1 in extremes; Hyperliquid: 1).
 */
export interface FundingSeries {
  readonly length: number;
  readonly time: Float64Array;
  readonly rate: Float64Array;
  readonly intervalHours: Float64Array;
}

/** The settlements with time in [from, to) — a copy-free view. */
export function sliceFunding(f: FundingSeries, from: number, to: number): FundingSeries {
  let a = 0;
  while (a < f.length && f.time[a] < from) a++;
  let b = a;
  while (b < f.length && f.time[b] < to) b++;
  return { length: b - a, time: f.time.subarray(a, b), rate: f.rate.subarray(a, b), intervalHours: f.intervalHours.subarray(a, b) };
}

/** Rate per settlement expressed per year (for summaries): rate × (8760 / intervalHours). */
export function annualisedRate(rate: number, intervalHours: number): number {
  return rate * (8760 / intervalHours);
}
