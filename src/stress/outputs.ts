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

/**
 * samples.csv built one sample path at a time, path 0 first: a run traces path 0 before anything else
 * (it opens the book: a bad book fails there) and the other sample paths while the pool simulates.
 */
export class SampleWriter {
  /** sample paths in all (the first few path indices) */
  readonly count: number;
  private traced = 0;
  private readonly lines: string[];
  private readonly every: number;
  private readonly scratch: Float64Array;

  constructor(private readonly config: StressConfig, private readonly simulator: PathRunner, symbols: readonly string[]) {
    this.count = Math.min(SAMPLE_PATHS, config.paths);
    this.every = Math.max(1, Math.ceil(config.steps / SAMPLE_POINTS));
    this.lines = [[...SAMPLE_FIXED_COLUMNS, ...symbols.map((s) => `${s}:price`), ...symbols.map((s) => `${s}:liqPrice`), "liquidated"].join(",")];
    this.scratch = new Float64Array(config.modes.length * PATH_FIELDS);
  }

  get done(): boolean {
    return this.traced >= this.count;
  }

  /** Trace the next sample path into the file (its InputError, a strategy's failure, propagates). */
  traceNext(): void {
    if (this.done) return;
    const { config, every } = this;
    const p = this.traced;
    const stepHours = config.stepMinutes / 60;
    const rows: string[][] = config.modes.map(() => []);
    this.simulator.run(p, this.scratch, 0, (m, hour, equity, prices, liquidatedNow, liqs) => {
      const step = Math.round(hour / stepHours);
      if (!liquidatedNow && step % every !== 0 && step !== config.steps) return;
      rows[m].push([p, config.modes[m], num(hour, 4), num(equity, 2), ...Array.from(prices, (x) => num(x, 6)), ...Array.from(liqs(), (x) => (x === x ? num(x, 6) : "")), liquidatedNow ? 1 : 0].join(","));
    });
    for (const r of rows) this.lines.push(...r);
    this.traced++;
  }

  /** The file, once every sample path is traced. */
  text(): string {
    while (!this.done) this.traceNext();
    return this.lines.join("\n") + "\n";
  }
}

/** samples.csv: whole traces of the first few paths under every mode, re-simulated here (deterministic). */
export function samplesCsv(config: StressConfig, simulator: PathRunner, symbols: readonly string[]): string {
  return new SampleWriter(config, simulator, symbols).text();
}
