import type { GapReport } from "../market/index.ts";

const FIRST_HOLES = 5;

/** Holes in an ascending series of times that should step by `stepMs` (times already validated). */
export function findGaps(time: Float64Array, stepMs: number | ((i: number) => number)): GapReport {
  const report: GapReport = { missingBars: 0, holes: 0, first: [] };
  for (let i = 1; i < time.length; i++) {
    const step = typeof stepMs === "number" ? stepMs : stepMs(i);
    const d = time[i] - time[i - 1];
    if (d <= step) continue;
    const missing = Math.round(d / step) - 1;
    if (missing < 1) continue;
    report.missingBars += missing;
    report.holes++;
    if (report.first.length < FIRST_HOLES) report.first.push({ from: time[i - 1] + step, to: time[i] - step, bars: missing });
  }
  return report;
}

export function noGaps(): GapReport {
  return { missingBars: 0, holes: 0, first: [] };
}
