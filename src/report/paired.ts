import type { StressPaired } from "../results/index.ts";

/** z of a two-sided 95 % interval */
const Z95 = 1.959963984540054;

/** Cross minus isolated liquidation probability on the same paths, with its 95 % interval. */
export interface PairedDifference {
  estimate: number;
  ci95: [number, number];
}

/**
 * The paired difference of a stress run: the runner's own when summary.json has it, else (older
 * summaries) worked out from the counts. Under common random numbers only the discordant paths carry
 * information: with b = only cross, c = only isolated of n paths, d = (b − c)/n and
 * se = √(b + c − (b − c)²/n)/n — far tighter than comparing the two marginal intervals, which treats
 * the modes as independent samples. Null when the run did not simulate both modes.
 */
export function pairedDifference(p: StressPaired): PairedDifference | null {
  if (p.difference !== undefined) return p.difference;
  const n = p.both + p.onlyCross + p.onlyIsolated + p.neither;
  if (n === 0) return null;
  const b = p.onlyCross, c = p.onlyIsolated;
  const d = (b - c) / n;
  const se = Math.sqrt(Math.max(0, b + c - ((b - c) * (b - c)) / n)) / n;
  return { estimate: d, ci95: [d - Z95 * se, d + Z95 * se] };
}

/** The interval excludes zero: the modes differ on these paths beyond sampling noise. */
export function isClear(d: PairedDifference): boolean {
  return d.ci95[0] > 0 || d.ci95[1] < 0;
}
