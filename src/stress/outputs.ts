import { PATH_COLUMNS, SAMPLE_FIXED_COLUMNS } from "../results/index.ts";
import type { StressConfig } from "./config.ts";
import { FIELD, PATH_FIELDS } from "./pathResult.ts";
import type { PathRunner } from "./simulators.ts";

/** Sample paths written for the report (the first few path indices: the same for any worker count). */
export const SAMPLE_PATHS = 5;
/** At most about this many rows per sample path and mode (liquidation steps are always kept). */
const SAMPLE_POINTS = 1000;

/**
 * `x` rounded to `digits` decimals, as text: `String(Math.round(x * 10 ** digits) / 10 ** digits)`, ""
 * when not finite. The rounded value is written from its integer, not through the double's shortest
 * form: the same text (a decimal of at most 15 significant digits is the shortest form of the double
 * nearest it, and JavaScript writes it in plain notation from 1e-6 up to 1e21), at a fraction of the
 * cost on the sample paths' ~60,000 numbers. test/stress/outputs.test.ts compares the two.
 */
export function num(x: number, digits: 2 | 4 | 6): string {
  if (!Number.isFinite(x)) return "";
  const scale = digits === 2 ? 100 : digits === 4 ? 10_000 : 1_000_000;
  const r = Math.round(x * scale);
  if (!(r < 1e15 && r > -1e15)) return String(r / scale);
  if (r === 0) return "0"; // −0 too
  const abs = r < 0 ? -r : r;
  const whole = Math.floor(abs / scale);
  let frac = abs - whole * scale;
  const int = r < 0 ? `-${whole}` : `${whole}`;
  if (frac === 0) return int;
  let places = digits;
  while (frac % 10 === 0) {
    frac /= 10;
    places--;
  }
  const f = `${frac}`;
  return `${int}.${f.length < places ? "0".repeat(places - f.length) + f : f}`;
}

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

/** samples.csv keeps step `step` of a path of `steps` (counted from 1; 0 is the opening): every `every`-th and the last, beside any liquidation's. */
export function keptSampleStep(step: number, every: number, steps: number): boolean {
  return step % every === 0 || step === steps;
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
      if (!liquidatedNow && !keptSampleStep(step, every, config.steps)) return;
      let row = `${p},${config.modes[m]},${num(hour, 4)},${num(equity(), 2)}`;
      for (let i = 0; i < prices.length; i++) row += `,${num(prices[i], 6)}`;
      const l = liqs();
      for (let i = 0; i < l.length; i++) row += l[i] === l[i] ? `,${num(l[i], 6)}` : ",";
      rows[m].push(liquidatedNow ? `${row},1` : `${row},0`);
    }, every);
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
