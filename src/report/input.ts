import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors/index.ts";
import type { BacktestSummary, StressSummary } from "../results/index.ts";
import { checkBacktestRuns, checkStressRuns } from "./summaryFields.ts";

/** The result files a report is made from. CSVs are optional; a chart whose file is absent is left out. */
export const RESULT_FILES = ["equity.csv", "events.csv", "trades.csv", "candles.csv", "paths.csv", "samples.csv", "sweep.csv"] as const;
export type ResultFile = (typeof RESULT_FILES)[number];

export type Summary = BacktestSummary | StressSummary;

/** Everything a report needs, independent of where it came from (a folder, or a runner's memory). */
export interface ReportInput {
  summary: Summary;
  /** CSV texts by file name */
  files: Partial<Record<ResultFile, string>>;
}

/**
 * The CSVs a summary's run wrote: a backtest's equity, events, trades and trigger candles, a stress run's paths and samples, and
 * sweep.csv only when the summary names it. Anything else in the folder belongs to another run.
 */
export function impliedFiles(summary: Summary): ResultFile[] {
  if (summary.command === "backtest") return ["equity.csv", "events.csv", "trades.csv", "candles.csv"];
  return summary.sweep ? ["paths.csv", "samples.csv", summary.sweep.file] : ["paths.csv", "samples.csv"];
}

/** Read `summary.json` and the CSVs its run wrote beside it. */
export async function readResultsFolder(dir: string): Promise<ReportInput> {
  const summaryPath = join(dir, "summary.json");
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new InputError(`${dir}: not a readable folder`);
  }
  if (!names.includes("summary.json")) throw new InputError(`${dir}: no summary.json (not a results folder, or the run did not finish)`);
  const summary = parseSummary(summaryPath, await readFile(summaryPath, "utf8"));
  const files: ReportInput["files"] = {};
  const sweepFile = summary.command === "stress" ? summary.sweep?.file : undefined;
  for (const name of impliedFiles(summary)) {
    if (names.includes(name)) files[name] = await readFile(join(dir, name), "utf8");
    else if (name === sweepFile) throw new InputError(`${summaryPath}: field 'sweep.file' names ${name}, which is not in ${dir}`);
  }
  return { summary, files };
}

export function parseSummary(file: string, text: string): Summary {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text); // a byte-order mark, as CSVs accept it
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
  if (typeof json !== "object" || json === null) throw new InputError(`${file}: not a JSON object`);
  const s = json as Record<string, unknown>;
  if (s.command !== "backtest" && s.command !== "stress") {
    throw new InputError(`${file}: field 'command' is ${JSON.stringify(s.command)}, expected "backtest" or "stress"`);
  }
  if (!Array.isArray(s.runs) || s.runs.length === 0) throw new InputError(`${file}: field 'runs' is missing or empty`);
  s.runs.forEach((r, i) => {
    if (typeof r !== "object" || r === null || typeof (r as { mode?: unknown }).mode !== "string") {
      throw new InputError(`${file}: field 'runs[${i}].mode' is missing`);
    }
  });
  if (s.command === "backtest") {
    checkBacktestRuns(file, s.runs as Record<string, unknown>[]);
    for (const field of ["venue", "strategy", "from", "to"]) {
      if (typeof s[field] !== "string") throw new InputError(`${file}: field '${field}' is missing or not a string`);
    }
    if (!Array.isArray(s.symbols)) throw new InputError(`${file}: field 'symbols' is missing`);
  } else {
    checkStressRuns(file, s.runs as Record<string, unknown>[]);
    for (const field of ["paths", "seed", "horizonHours"]) {
      if (typeof s[field] !== "number") throw new InputError(`${file}: field '${field}' is missing or not a number`);
    }
    if (typeof s.paired !== "object" || s.paired === null) throw new InputError(`${file}: field 'paired' is missing`);
    if (s.sweep !== undefined) {
      const sweep = s.sweep as { file?: unknown } | null;
      if (typeof sweep !== "object" || sweep === null || sweep.file !== "sweep.csv") {
        throw new InputError(`${file}: field 'sweep.file' is ${JSON.stringify(sweep?.file)}, expected "sweep.csv"`);
      }
    }
  }
  return json as Summary;
}
