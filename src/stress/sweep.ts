import { InputError } from "../market/index.ts";
import type { MarginMode } from "../results/index.ts";
import type { StressConfig } from "./config.ts";

/**
 * Sweeps: `--sweep correlation=0.3:0.99:0.1 --sweep leverage=2,5,10,20` runs every cell of the grid with
 * the same seed (common random numbers: path i sees the same shocks in every cell) and writes the
 * `sweep.csv` the report draws as a heat map (src/report/sweep.ts).
 */
export const SWEEP_PARAMETERS = ["correlation", "leverage", "weight"] as const;
export type SweepParameter = (typeof SWEEP_PARAMETERS)[number];

export interface SweepAxis {
  name: SweepParameter;
  values: number[];
}

export const MAX_SWEEP_CELLS = 400;

/** `name=a:b:step` (a, a+step, … ≤ b, and b itself) or `name=v1,v2,…`. */
export function parseSweep(arg: string): SweepAxis {
  const m = /^([A-Za-z]+)=(.+)$/.exec(arg.trim());
  if (!m) throw new InputError(`--sweep ${arg}: expected name=from:to:step or name=v1,v2,... (names: ${SWEEP_PARAMETERS.join(", ")})`);
  const name = m[1] as SweepParameter;
  if (!SWEEP_PARAMETERS.includes(name)) throw new InputError(`--sweep ${arg}: unknown parameter '${m[1]}' (known: ${SWEEP_PARAMETERS.join(", ")})`);
  const num = (s: string) => {
    const x = Number(s);
    if (s.trim() === "" || !Number.isFinite(x)) throw new InputError(`--sweep ${arg}: '${s}' is not a number`);
    return x;
  };
  let values: number[];
  if (m[2].includes(":")) {
    const parts = m[2].split(":").map(num);
    if (parts.length !== 3 || !(parts[2] > 0) || parts[1] < parts[0]) throw new InputError(`--sweep ${arg}: a range is from:to:step with from ≤ to and step > 0`);
    const [a, b, step] = parts;
    const count = Math.floor((b - a) / step + 1e-9) + 1;
    // counted before any value is built: 1:1000000:0.001 would build a billion numbers
    if (!(count <= MAX_SWEEP_CELLS)) throw new InputError(`--sweep ${arg}: ${count.toLocaleString("en-US")} values; a sweep has at most ${MAX_SWEEP_CELLS} cells`);
    values = [];
    for (let k = 0; a + k * step <= b + 1e-9; k++) values.push(+(a + k * step).toFixed(10));
    if (b - values[values.length - 1] > 1e-9) values.push(b);
  } else {
    values = m[2].split(",").map(num);
  }
  if (new Set(values).size !== values.length) throw new InputError(`--sweep ${arg}: a value appears twice`);
  return { name, values };
}

/** The config of one cell: the swept parameter applied, everything else (seed included) unchanged. */
export function applySweepValue(config: StressConfig, name: SweepParameter, value: number): StressConfig {
  switch (name) {
    case "correlation": {
      if (config.model.type === "bootstrap") throw new InputError("--sweep correlation: the bootstrap model keeps the history's own correlation; sweep leverage or weight, or use a gbm / t-garch-jump model");
      const n = config.model.assets.length;
      if (n < 2) throw new InputError("--sweep correlation needs a model with at least two assets");
      if (!(value > -1 / (n - 1) && value < 1)) throw new InputError(`--sweep correlation=${value}: must be in (${(-1 / (n - 1)).toFixed(3)}, 1) for ${n} assets`);
      const correlation = config.model.correlation.map((row, i) => row.map((_, j) => (i === j ? 1 : value)));
      return { ...config, model: { ...config.model, correlation } as StressConfig["model"] };
    }
    case "leverage":
    case "weight": {
      if (config.book.kind !== "portfolio") throw new InputError(`--sweep ${name} needs a portfolio (a strategy sets its own)`);
      if (!(value > 0) || (name === "weight" && value * config.book.legs.length > 1 + 1e-9))
        throw new InputError(`--sweep ${name}=${value}: must be > 0${name === "weight" ? " and leave the legs' margin within the balance" : ""}`);
      return { ...config, book: { kind: "portfolio", legs: config.book.legs.map((l) => ({ ...l, [name]: value })) } };
    }
  }
}

export interface CellModeResult {
  mode: MarginMode;
  liquidationProbability: number;
  ci95: [number, number];
  wipeoutProbability: number;
  paths: number;
}

export interface SweepRow {
  params: number[];
  results: CellModeResult[];
}

export interface SweepCell {
  params: number[];
  config: StressConfig;
}

/**
 * Every cell of the grid (first axis outermost), each config validated; a grid that cannot run is one
 * InputError before anything runs. `validate` adds the runner's own check of a cell (e.g. the venue's
 * maximum leverage).
 */
export function sweepCells(config: StressConfig, axes: SweepAxis[], validate?: (cell: StressConfig) => void): SweepCell[] {
  if (axes.length < 1 || axes.length > 2) throw new InputError(`--sweep: give one or two parameters, got ${axes.length}`);
  if (axes.length === 2 && axes[0].name === axes[1].name) throw new InputError(`--sweep ${axes[0].name} given twice`);
  const count = axes.reduce((k, a) => k * a.values.length, 1);
  if (count > MAX_SWEEP_CELLS) throw new InputError(`--sweep: ${count} cells, at most ${MAX_SWEEP_CELLS}`);
  const combos: number[][] = axes.reduce<number[][]>((acc, a) => acc.flatMap((p) => a.values.map((v) => [...p, v])), [[]]);
  const cells = combos.map((params) => ({ params, config: params.reduce((c, v, i) => applySweepValue(c, axes[i].name, v), config) }));
  if (validate) for (const cell of cells) validate(cell.config);
  return cells;
}

/** Run every cell (one after another: each run uses the whole pool) and return the rows and sweep.csv. */
export async function runSweep(
  config: StressConfig,
  axes: SweepAxis[],
  runOne: (cell: StressConfig, params: number[], index: number, cells: number) => Promise<CellModeResult[]>,
  validate?: (cell: StressConfig) => void,
): Promise<{ rows: SweepRow[]; csv: string }> {
  const cells = sweepCells(config, axes, validate); // every cell validated before any runs
  const rows: SweepRow[] = [];
  for (let k = 0; k < cells.length; k++) rows.push({ params: cells[k].params, results: await runOne(cells[k].config, cells[k].params, k, cells.length) });
  return { rows, csv: sweepCsv(axes, rows) };
}

export function sweepCsv(axes: SweepAxis[], rows: SweepRow[]): string {
  const header = [...axes.map((a) => `param:${a.name}`), "mode", "liquidationProbability", "ci95Low", "ci95High", "wipeoutProbability", "paths"];
  const lines = [header.join(",")];
  for (const row of rows) {
    for (const r of row.results) lines.push([...row.params, r.mode, r.liquidationProbability, r.ci95[0], r.ci95[1], r.wipeoutProbability, r.paths].join(","));
  }
  return lines.join("\n") + "\n";
}
