import { InputError } from "../market/index.ts";
import { grouped, type MarginMode } from "../results/index.ts";
import { checkParam, defaultSweep, paramSummary, rangeText, resolveParams, type Strategy } from "../strategy/index.ts";
import type { StressConfig } from "./config.ts";

/**
 * Sweeps: `--sweep correlation=0.3:0.99:0.1 --sweep leverage=2,5,10,20` runs every cell of the grid with
 * the same seed (common random numbers: path i sees the same shocks in every cell) and writes the
 * `sweep.csv` the report draws as a heat map (src/report/sweep.ts). `correlation` is the model's; a
 * portfolio sweeps its legs' `leverage` or `weight`; a strategy book sweeps any of its number params,
 * each value checked against the param's declared type and range, and `--sweep NAME` alone runs the
 * param's default sweep (declared, or spread over a range with two ends).
 */
export const SWEEP_PARAMETERS = ["correlation", "leverage", "weight"] as const;
export type SweepParameter = (typeof SWEEP_PARAMETERS)[number];

export interface SweepAxis {
  /** `correlation`, a portfolio's `leverage` / `weight`, or a strategy book's param */
  name: string;
  values: number[];
}

/** A `--sweep` flag as written: its name, and its values (null: `--sweep NAME` alone, the strategy param's default sweep). */
export interface SweepArg {
  name: string;
  values: number[] | null;
}

export const MAX_SWEEP_CELLS = 400;

/** `name=a:b:step` (a, a+step, … ≤ b, and b itself), `name=v1,v2,…`, or `name` alone. Names are checked against the book by `resolveSweeps`. */
export function parseSweep(arg: string): SweepArg {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.+))?$/.exec(arg.trim());
  if (!m) throw new InputError(`--sweep ${arg}: expected name=from:to:step, name=v1,v2,... or a strategy param's name alone`);
  const name = m[1];
  if (m[2] === undefined) return { name, values: null };
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
    if (!(count <= MAX_SWEEP_CELLS)) throw new InputError(`--sweep ${arg}: ${grouped(count)} values; a sweep has at most ${MAX_SWEEP_CELLS} cells`);
    values = [];
    for (let k = 0; a + k * step <= b + 1e-9; k++) values.push(+(a + k * step).toFixed(10));
    if (b - values[values.length - 1] > 1e-9) values.push(b);
  } else {
    values = m[2].split(",").map(num);
  }
  if (new Set(values).size !== values.length) throw new InputError(`--sweep ${arg}: a value appears twice`);
  return { name, values };
}

const argText = (a: SweepArg) => (a.values ? `${a.name}=${a.values.join(",")}` : a.name);

/**
 * The axes of the flags for this config: each name resolved against the book (`strategy`: the
 * config's strategy, loaded; null for a portfolio), a strategy param's values checked against its
 * declared type and range, `--sweep NAME` alone given the param's default sweep, and every cell's
 * params checked by the strategy's own `validate`. InputError naming the param and its range.
 */
export function resolveSweeps(config: StressConfig, args: readonly SweepArg[], strategy: Strategy | null): SweepAxis[] {
  const axes = args.map((a) => resolveAxis(config, a, strategy));
  if (strategy && config.book.kind === "strategy") {
    for (const cell of sweepCells(config, axes)) {
      if (cell.config.book.kind !== "strategy") continue;
      try {
        resolveParams(strategy, cell.config.book.params);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        const at = axes.map((a, i) => `${a.name}=${cell.params[i]}`).join(", ");
        throw new InputError(`--sweep ${at}: ${err.message.replace(/^--params: /, "")}`);
      }
    }
  }
  return axes;
}

function resolveAxis(config: StressConfig, a: SweepArg, strategy: Strategy | null): SweepAxis {
  const book = config.book;
  if (a.name === "correlation" || book.kind === "portfolio" || !strategy) {
    if (!SWEEP_PARAMETERS.includes(a.name as SweepParameter)) {
      throw new InputError(`--sweep ${argText(a)}: unknown parameter '${a.name}' (known: ${SWEEP_PARAMETERS.join(", ")})`);
    }
    if (!a.values) throw new InputError(`--sweep ${a.name}: give its values (${a.name}=from:to:step or ${a.name}=v1,v2,...)`);
    return { name: a.name, values: a.values };
  }
  const specs = strategy.params;
  const numbers = Object.entries(specs).flatMap(([k, p]) => (p.type === "number" ? [rangeText(p) ? `${k} (${rangeText(p)})` : k] : []));
  const sweepable = `sweepable: correlation${numbers.length ? `, ${numbers.join(", ")}` : ""}`;
  const spec = Object.hasOwn(specs, a.name) ? specs[a.name] : undefined;
  if (!spec) throw new InputError(`--sweep ${argText(a)}: strategy '${strategy.name}' has no parameter '${a.name}'; ${sweepable}`);
  if (spec.type !== "number") throw new InputError(`--sweep ${argText(a)}: '${a.name}' of strategy '${strategy.name}' is a ${spec.type} parameter, not a number; ${sweepable}`);
  const values = a.values ?? defaultSweep(spec);
  if (!values) throw new InputError(`--sweep ${a.name}: ${paramSummary(a.name, spec)} has no default sweep (its range has no two ends); give ${a.name}=from:to:step or ${a.name}=v1,v2,...`);
  for (const v of values) {
    const bad = checkParam(a.name, spec, v);
    if (bad) throw new InputError(`--sweep ${argText(a)}: ${bad}`);
  }
  return { name: a.name, values };
}

/** The config of one cell: the swept parameter applied, everything else (seed included) unchanged. */
export function applySweepValue(config: StressConfig, name: string, value: number): StressConfig {
  if (name !== "correlation" && config.book.kind === "strategy") {
    return { ...config, book: { ...config.book, params: { ...config.book.params, [name]: value } } };
  }
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
      if (config.book.kind !== "portfolio") throw new InputError(`--sweep ${name} needs a portfolio or a strategy book`);
      if (!(value > 0) || (name === "weight" && value * config.book.legs.length > 1 + 1e-9))
        throw new InputError(`--sweep ${name}=${value}: must be > 0${name === "weight" ? " and leave the legs' margin within the balance" : ""}`);
      return { ...config, book: { kind: "portfolio", legs: config.book.legs.map((l) => ({ ...l, [name]: value })) } };
    }
    default:
      throw new InputError(`--sweep ${name}: unknown parameter '${name}' (known: ${SWEEP_PARAMETERS.join(", ")})`);
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
