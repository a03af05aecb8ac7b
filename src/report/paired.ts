import { pairedDifference as tangoDifference, type PairedDifference, type StressPaired } from "../results/index.ts";

export type { PairedDifference };

/**
 * The paired difference of a stress run: the runner's own when summary.json has it, else (older
 * summaries) worked out from the counts. Under common random numbers only the discordant paths carry
 * information: with b = only cross, c = only isolated of n paths, d = (b − c)/n with Tango's score
 * interval (the runner's own definition, from the results room) — far tighter than comparing the two marginal intervals, which treats
 * the modes as independent samples. Null when the run did not simulate both modes.
 */
export function pairedDifference(p: StressPaired): PairedDifference | null {
  if (p.difference !== undefined) return p.difference;
  const n = p.both + p.onlyCross + p.onlyIsolated + p.neither;
  if (n === 0) return null;
  return tangoDifference(p.onlyCross, p.onlyIsolated, n);
}

/** The interval excludes zero: the modes differ on these paths beyond sampling noise. */
export function isClear(d: PairedDifference): boolean {
  return d.ci95[0] > 0 || d.ci95[1] < 0;
}
