import { PATH_COLUMNS, SAMPLE_FIXED_COLUMNS } from "../results/index.ts";
import type { StressConfig } from "./config.ts";
import { FIELD, PATH_FIELDS } from "./pathResult.ts";
import type { PathRunner } from "./simulators.ts";

/** Sample paths written for the report (the first few path indices: the same for any worker count). */
export const SAMPLE_PATHS = 5;
/** At most about this many rows per sample path and mode (liquidation steps are always kept). */
const SAMPLE_POINTS = 1000;

const num = (x: number, digits: number) => (Number.isFinite(x) ? String(Math.round(x * 10 ** digits) / 10 ** digits) : "");

/** paths.csv: one row per path and mode, in path order. */
export function pathsCsv(config: StressConfig, results: Float64Array): string {
  const modes = config.modes.length;
  const lines: string[] = [PATH_COLUMNS.join(",")];
  for (let p = 0; p < config.paths; p++) {
    for (let m = 0; m < modes; m++) {
      const at = (p * modes + m) * PATH_FIELDS;
      const liquidated = results[at + FIELD.liquidated] === 1;
      lines.push([
        p, config.modes[m], liquidated ? 1 : 0, liquidated ? num(results[at + FIELD.liquidationHour], 4) : "",
        num(results[at + FIELD.terminalEquity], 2), num(results[at + FIELD.minEquity], 2),
        num(results[at + FIELD.fundingPaid], 2), num(results[at + FIELD.badDebt], 2),
      ].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

/** samples.csv: whole traces of the first few paths under every mode, re-simulated here (deterministic). */
export function samplesCsv(config: StressConfig, simulator: PathRunner, symbols: readonly string[]): string {
  const count = Math.min(SAMPLE_PATHS, config.paths);
  const every = Math.max(1, Math.ceil(config.steps / SAMPLE_POINTS));
  const stepHours = config.stepMinutes / 60;
  const lines: string[] = [[...SAMPLE_FIXED_COLUMNS, ...symbols.map((s) => `${s}:price`), ...symbols.map((s) => `${s}:liqPrice`), "liquidated"].join(",")];
  const scratch = new Float64Array(config.modes.length * PATH_FIELDS);
  for (let p = 0; p < count; p++) {
    const rows: string[][] = config.modes.map(() => []);
    simulator.run(p, scratch, 0, (m, hour, equity, prices, liquidatedNow, liqs) => {
      const step = Math.round(hour / stepHours);
      if (!liquidatedNow && step % every !== 0 && step !== config.steps) return;
      rows[m].push([p, config.modes[m], num(hour, 4), num(equity, 2), ...Array.from(prices, (x) => num(x, 6)), ...Array.from(liqs, (x) => (x === x ? num(x, 6) : "")), liquidatedNow ? 1 : 0].join(","));
    });
    for (const r of rows) lines.push(...r);
  }
  return lines.join("\n") + "\n";
}
