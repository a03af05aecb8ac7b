/** A results folder holds one run: a new run clears an old run's files, and a report reads only its run's files. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/market/errors.ts";
import { defaultRunDir, readResultsFolder, renderReport, writeOutputs, writeReport } from "../../src/report/index.ts";
import type { StressSummary } from "../../src/results/types.ts";
import { backtestFolder, stressFolder, type ResultFolder } from "../fixtures/results/generate.ts";

let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), "perpsim-report-folders-")); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

const ls = async (dir: string) => (await readdir(dir)).sort();
const SWEPT = /<figure class="chart" id="chart-sweep"/;

/** The fixture's stress run as `stress --sweep correlation=… --sweep leverage=…` writes it (5 × 4 cells). */
function sweptRun(paths: number): ResultFolder {
  const files = stressFolder(paths);
  const summary = JSON.parse(files["summary.json"]) as StressSummary;
  summary.sweep = { axes: [{ name: "correlation", values: [0, 0.25, 0.5, 0.75, 0.95] }, { name: "leverage", values: [2, 3, 5, 10] }], cells: 20, file: "sweep.csv" };
  return { ...files, "summary.json": JSON.stringify(summary, null, 2) + "\n" };
}

/** The same run without a sweep: the runner writes no sweep.csv. */
function plainRun(paths: number): ResultFolder {
  const { "sweep.csv": _, ...files } = stressFolder(paths);
  return files;
}

describe("one run per folder", () => {
  it("`stress --sweep --out D` then `stress --out D`: the second report has no heat map, and the old sweep.csv is gone", async () => {
    const dir = join(work, "again");
    await writeOutputs(dir, sweptRun(100));
    await writeReport(dir, { interactive: false });
    expect(await renderReport(dir, { interactive: false })).toMatch(SWEPT);

    await writeOutputs(dir, plainRun(100));
    // the old sweep.csv and the old run's report.html are removed once the new files are in place
    expect(await ls(dir)).toEqual(["paths.csv", "samples.csv", "summary.json"]);
    await writeReport(dir, { interactive: false });
    expect(await ls(dir)).toEqual(["paths.csv", "report.html", "samples.csv", "summary.json"]);
    expect(await renderReport(dir, { interactive: false })).not.toMatch(SWEPT);
  });

  it("a backtest written over a stress folder leaves only the backtest's files; report.html alone removes nothing", async () => {
    const dir = join(work, "mixed");
    await writeOutputs(dir, sweptRun(100));
    await writeOutputs(dir, backtestFolder(50));
    expect(await ls(dir)).toEqual(["equity.csv", "events.csv", "summary.json"]);
    await writeOutputs(dir, { "report.html": "<!doctype html>" });
    expect(await ls(dir)).toEqual(["equity.csv", "events.csv", "report.html", "summary.json"]);
    // a file that is not ours stays
    await writeFile(join(dir, "notes.txt"), "mine");
    await writeOutputs(dir, backtestFolder(50));
    expect(await ls(dir)).toEqual(["equity.csv", "events.csv", "notes.txt", "summary.json"]);
  });

  it("the reader takes only the files its summary implies, whatever else lies in the folder", async () => {
    const dir = join(work, "stale");
    const swept = sweptRun(100);
    // a stale sweep.csv and a backtest's equity.csv copied in by hand beside a summary without a sweep
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries({ ...plainRun(100), "sweep.csv": swept["sweep.csv"], "equity.csv": backtestFolder(50)["equity.csv"] })) {
      await writeFile(join(dir, name), text);
    }
    expect(Object.keys((await readResultsFolder(dir)).files).sort()).toEqual(["paths.csv", "samples.csv"]);
    expect(await renderReport(dir, { interactive: false })).not.toMatch(SWEPT);

    // with a summary that names it, the sweep is read and drawn
    await writeFile(join(dir, "summary.json"), swept["summary.json"]);
    expect(Object.keys((await readResultsFolder(dir)).files).sort()).toEqual(["paths.csv", "samples.csv", "sweep.csv"]);
    expect(await renderReport(dir, { interactive: false })).toMatch(SWEPT);

    // a summary that names a sweep.csv that is not there is an inconsistent folder
    await rm(join(dir, "sweep.csv"));
    await expect(readResultsFolder(dir)).rejects.toThrow(InputError);
    await expect(readResultsFolder(dir)).rejects.toThrow(`${join(dir, "summary.json")}: field 'sweep.file' names sweep.csv, which is not in ${dir}`);
  });
});

describe("default run folders", () => {
  it("two runs in the same millisecond get two folders", async () => {
    const root = join(work, "reports");
    const now = new Date("2024-08-05T06:07:08.123Z");
    const a = defaultRunDir("stress", now, root);
    const b = defaultRunDir("stress", now, root);
    expect(a).toBe(join(root, "stress-20240805T060708.123Z"));
    expect(b).toBe(join(root, "stress-20240805T060708.123Z-2"));
    // one millisecond later is a new name, no suffix
    expect(defaultRunDir("stress", new Date("2024-08-05T06:07:08.124Z"), root)).toBe(join(root, "stress-20240805T060708.124Z"));
    expect(await ls(root)).toEqual(["stress-20240805T060708.123Z", "stress-20240805T060708.123Z-2", "stress-20240805T060708.124Z"]);
  });
});
