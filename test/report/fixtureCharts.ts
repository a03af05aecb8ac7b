import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { backtestCharts } from "../../src/report/charts/backtest.ts";
import { stressCharts } from "../../src/report/charts/stress.ts";
import { sweepChart } from "../../src/report/charts/sweep.ts";
import { readResultsFolder } from "../../src/report/index.ts";
import type { BacktestSummary, StressSummary } from "../../src/results/index.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/results");

/** Every chart the fixtures' backtest and stress reports draw, the sweep's included. */
export async function fixtureCharts() {
  const bt = await readResultsFolder(join(FIXTURES, "backtest"));
  const st = await readResultsFolder(join(FIXTURES, "stress"));
  return [
    ...backtestCharts(bt.summary as BacktestSummary, bt.files["equity.csv"]),
    ...stressCharts(st.summary as StressSummary, { paths: st.files["paths.csv"], samples: st.files["samples.csv"] }),
    sweepChart(await readFile(join(FIXTURES, "stress", "sweep.csv"), "utf8")),
  ];
}

/** A temporary PERPSIM_CACHE_DIR for the file's tests (restored and removed after them); `dir()` is its path. */
export function tempCacheDir(prefix: string): { dir: () => string } {
  let cache = "";
  const saved = process.env.PERPSIM_CACHE_DIR;
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), prefix));
    process.env.PERPSIM_CACHE_DIR = cache;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.PERPSIM_CACHE_DIR;
    else process.env.PERPSIM_CACHE_DIR = saved;
    await rm(cache, { recursive: true, force: true });
  });
  return { dir: () => cache };
}
