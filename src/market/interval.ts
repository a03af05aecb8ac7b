import { InputError } from "./errors.ts";

/** Bar lengths the data layer knows by name. */
export const INTERVALS = { "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000 } as const;
export type Interval = keyof typeof INTERVALS;

export const HOUR_MS = 3_600_000;

export function intervalMs(name: Interval): number {
  return INTERVALS[name];
}

export function parseInterval(text: string, what = "interval"): Interval {
  if (text in INTERVALS) return text as Interval;
  throw new InputError(`${what}: '${text}' is not an interval (one of ${Object.keys(INTERVALS).join(", ")})`);
}

/** "1h", "5m", "2h30m" style label of a length in ms (for messages). */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** ISO-8601 UTC without milliseconds when they are zero: "2020-03-13T02:00:00Z". */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
