/** Independent readers of the shipped CSVs for the tests (gunzip + split; not the data layer). */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export interface Row { time: number; open: number; high: number; low: number; close: number }

export function candles(path: string): Map<number, Row> {
  const lines = gunzipSync(readFileSync(path)).toString().trim().split("\n").slice(1);
  const m = new Map<number, Row>();
  for (const l of lines) {
    const [t, o, h, lo, c] = l.split(",").map(Number);
    m.set(t, { time: t, open: o, high: h, low: lo, close: c });
  }
  return m;
}

/** [settlement hour (ms), rate] */
export function funding(path: string): [number, number][] {
  return gunzipSync(readFileSync(path)).toString().trim().split("\n").slice(1).map((l) => {
    const [t, , r] = l.split(",").map(Number);
    return [Math.round(t / 3_600_000) * 3_600_000, r];
  });
}
