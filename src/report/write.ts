import { mkdirSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RESULT_FILES } from "./input.ts";

/** Files of ours that describe one run: a new run's write removes those it does not rewrite. */
const RUN_FILES: readonly string[] = ["summary.json", ...RESULT_FILES, "report.html"];

/**
 * Write a run's output files so an interrupted run never leaves a report that looks whole:
 * every file goes to a temporary name first, and only when all are written are they renamed into
 * place (summary.json last, so its presence means the folder is complete).
 *
 * A write that carries `summary.json` is a new run: once its files are in place, result files of an
 * earlier run in the same folder that this run does not write (an old sweep.csv, paths.csv beside a
 * backtest, a report.html of the old results) are removed, so a folder never mixes two runs. A write
 * without a summary (report.html alone, a shard, a model file) adds to the folder and removes nothing.
 */
export async function writeOutputs(dir: string, files: Record<string, string | Uint8Array>, options: { removeStale?: boolean } = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names = Object.keys(files).sort((a, b) => (a === "summary.json" ? 1 : b === "summary.json" ? -1 : a.localeCompare(b)));
  const tmp = names.map((n) => join(dir, `.${n}.tmp-${process.pid}`));
  try {
    for (let i = 0; i < names.length; i++) await writeFile(tmp[i], files[names[i]]);
    for (let i = 0; i < names.length; i++) await rename(tmp[i], join(dir, names[i]));
  } catch (err) {
    await Promise.all(tmp.map((t) => rm(t, { force: true })));
    throw err;
  }
  if (names.includes("summary.json") && options.removeStale !== false) {
    const stale = RUN_FILES.filter((n) => !names.includes(n));
    await Promise.all(stale.map((n) => rm(join(dir, n), { force: true })));
  }
  return names.map((n) => join(dir, n));
}

/**
 * `<root>/<command>-<UTC stamp with milliseconds>` — the default output folder of a run, created here
 * so that two runs starting in the same millisecond (two processes) still get a folder each: the
 * second finds the name taken and gets `-2`, then `-3`…
 */
export function defaultRunDir(command: string, now = new Date(), root = "reports"): string {
  const stamp = now.toISOString().replace(/[-:]/g, "");
  mkdirSync(root, { recursive: true });
  for (let k = 1; ; k++) {
    const dir = join(root, `${command}-${stamp}${k === 1 ? "" : `-${k}`}`);
    try {
      mkdirSync(dir); // atomic: fails if another run holds the name
      return dir;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}
