import type { Quantiles, StressPaired, StressRun, StressSummary } from "../results/index.ts";
import type { StressConfig } from "./config.ts";
import { legRuns } from "./legs.ts";
import { FIELD, PATH_FIELDS } from "./pathResult.ts";
import { equityQuantiles, meanAndUpper } from "./stats/tail.ts";
import { kaplanMeier, survivalOnGrid, timeToShare } from "./stats/survival.ts";
import { pairedDifference } from "./stats/paired.ts";
import { wilsonInterval } from "./stats/wilson.ts";

/** A path is wiped out when its terminal equity is at most this share of the initial balance. */
export const WIPEOUT_SHARE = 0.1;
/** The summary's survival curve has at most about this many points (read off the full KM curve). */
const SURVIVAL_POINTS = 240;

const money = (x: number) => Math.round(x * 100) / 100;
const share = (x: number) => Math.round(x * 1e6) / 1e6;

/** One field of one mode over every path, in path order. */
export function column(results: Float64Array, paths: number, modes: number, modeIndex: number, field: number): Float64Array {
  const out = new Float64Array(paths);
  for (let p = 0; p < paths; p++) out[p] = results[(p * modes + modeIndex) * PATH_FIELDS + field];
  return out;
}

/** The hours of the summary's survival grid: every k-th step end, and the horizon. */
export function survivalGrid(config: StressConfig): number[] {
  const stepHours = config.stepMinutes / 60;
  const every = Math.max(1, Math.ceil(config.steps / SURVIVAL_POINTS));
  const hours: number[] = [0];
  for (let s = every; s < config.steps; s += every) hours.push(s * stepHours);
  hours.push(config.horizonHours);
  return hours;
}

function quantiles(values: Float64Array, initialBalance: number): Quantiles {
  const q = equityQuantiles(values, initialBalance);
  return { mean: money(q.mean), p5: money(q.p5), var95: money(q.var95), var99: money(q.var99), es975: money(q.es975), es99: money(q.es99) };
}

/** The statistics of one mode from the per-path results (order-independent summaries, computed in path order). */
export function modeRun(config: StressConfig, results: Float64Array, modeIndex: number): Required<StressRun> {
  const { paths, initialBalance, horizonHours } = config;
  const modes = config.modes.length;
  const col = (field: number) => column(results, paths, modes, modeIndex, field);
  const liquidated = col(FIELD.liquidated);
  const hour = col(FIELD.liquidationHour);
  const terminal = col(FIELD.terminalEquity);
  const badDebt = col(FIELD.badDebt);
  let liquidations = 0;
  let wipeouts = 0;
  let badDebts = 0;
  const time = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    if (liquidated[p]) liquidations++;
    if (terminal[p] <= WIPEOUT_SHARE * initialBalance) wipeouts++;
    if (badDebt[p] > 0) badDebts++;
    time[p] = liquidated[p] ? hour[p] : horizonHours;
  }
  const curve = kaplanMeier({ time, event: liquidated });
  const interval = (k: number): [number, number] => {
    const [lo, hi] = wilsonInterval(k, paths);
    return [share(lo), share(hi)];
  };
  const median = timeToShare(curve, 0.5);
  const p10 = timeToShare(curve, 0.1);
  const funding = meanAndUpper(col(FIELD.fundingPaid), 0.95);
  return {
    mode: config.modes[modeIndex],
    liquidationProbability: liquidations / paths,
    ci95: interval(liquidations),
    wipeoutProbability: wipeouts / paths,
    wipeoutCi95: interval(wipeouts),
    badDebtProbability: badDebts / paths,
    badDebtCi95: interval(badDebts),
    timeToLiquidationHours: { median: median === null ? null : share(median), p10: p10 === null ? null : share(p10) },
    terminalEquity: quantiles(terminal, initialBalance),
    minEquity: quantiles(col(FIELD.minEquity), initialBalance),
    fundingPaid: { mean: money(funding.mean), p95: money(funding.upper) },
    survivalCurve: survivalOnGrid(curve, survivalGrid(config)).map(([h, s]) => [share(h), share(s)]),
    legs: legRuns(config, results, modeIndex),
  };
}

/**
 * Paths liquidated under both modes, only one, or neither (common random numbers make these pairs), and
 * the paired cross − isolated difference of liquidation probability when both modes ran.
 */
export function pairedCounts(config: StressConfig, results: Float64Array): Required<StressPaired> {
  const modes = config.modes.length;
  const ci = config.modes.indexOf("cross");
  const ii = config.modes.indexOf("isolated");
  const counts = { both: 0, onlyCross: 0, onlyIsolated: 0, neither: 0 };
  for (let p = 0; p < config.paths; p++) {
    const c = ci >= 0 && results[(p * modes + ci) * PATH_FIELDS + FIELD.liquidated] === 1;
    const i = ii >= 0 && results[(p * modes + ii) * PATH_FIELDS + FIELD.liquidated] === 1;
    if (c && i) counts.both++;
    else if (c) counts.onlyCross++;
    else if (i) counts.onlyIsolated++;
    else counts.neither++;
  }
  if (ci < 0 || ii < 0) return { ...counts, difference: null };
  const d = pairedDifference(counts.onlyCross, counts.onlyIsolated, config.paths);
  return { ...counts, difference: { estimate: share(d.estimate), ci95: [share(d.ci95[0]), share(d.ci95[1])] } };
}

/** summary.json of a stress run: the schema, nothing that depends on the clock or the machine. */
export function stressSummary(config: StressConfig, results: Float64Array, settings: Record<string, string | number | boolean>): StressSummary {
  return {
    command: "stress",
    paths: config.paths,
    seed: config.seed,
    horizonHours: config.horizonHours,
    stepMinutes: config.stepMinutes,
    model: config.model,
    settings,
    runs: config.modes.map((_, m) => modeRun(config, results, m)),
    paired: pairedCounts(config, results),
  };
}
