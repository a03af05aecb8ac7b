import type { StressSummary } from "../results/index.ts";
import { stressSummary } from "./aggregate.ts";
import type { StressConfig } from "./config.ts";
import { pathsCsv, SampleWriter, samplesCsv } from "./outputs.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { RunCancelled, simulateAll, type PoolOptions } from "./pool.ts";
import { PathSimulator, stressVenue } from "./simulate.ts";
import { runSweep, sweepCells, type CellModeResult, type SweepAxis, type SweepRow } from "./sweep.ts";
import { createSimulator, type PathRunner } from "./simulators.ts";
import { prepareBook } from "./strategyPaths.ts";
import { describeScenario } from "../scenarios/index.ts";
import { STALE_AFTER_DAYS, type Venue } from "../venues/index.ts";

export interface StressResult {
  summary: StressSummary;
  /** file name → contents: summary.json, paths.csv, samples.csv */
  files: Record<string, string>;
  /** wall-clock seconds per phase (printed, never written into summary.json) */
  timings: { simulate: number; aggregate: number };
}

export interface RunOptions extends PoolOptions {
  /** version written in settings (the package's) */
  version?: string;
  /** samples.csv's writer with the book checked already (`openSamples`: the caller checked it); default: checked here first */
  samples?: SampleWriter;
  /** called with samples.csv's text as soon as it is ready, while the paths are still simulated (the report draws its sample charts meanwhile) */
  onSamples?: (samplesCsv: string) => void;
}

/** What a reader needs to reproduce the run, for summary.settings and the report header. */
export function stressSettings(config: StressConfig, version: string): Record<string, string | number | boolean> {
  const venue = stressVenue(config);
  const book = config.book.kind === "portfolio"
    ? config.book.legs.map((l) => `${l.side} ${l.symbol} ${l.leverage}x weight ${l.weight}`).join(", ")
    : `strategy ${config.book.file ?? config.book.name}`;
  const f = config.funding;
  const own = f.type === "none" ? (config.fundingSource === "default" ? "none (assumed: the config has no funding block)" : "none") : f.type === "constant" ? `constant ${f.ratePer8h} per 8h, settled every ${f.settleEveryHours} h` : f.type === "history" ? `the recorded rate of each sampled history hour, settled every ${f.settleEveryHours} h${config.fundingSource === "default" ? " (assumed: the config has no funding block)" : ""}` : `mean-reverting around ${f.mean} per 8h, cap ${f.capPer8h}, settled every ${f.settleEveryHours} h`;
  const s = config.scenario;
  const funding = s && (s.type === "crash-replay" || s.type === "funding-squeeze") ? `set by the scenario (the config's: ${own})` : own;
  return {
    venue: venue.label,
    [config.book.kind]: book,
    initialBalance: config.initialBalance,
    funding,
    scenario: s ? describeScenario(s) : "none",
    intrabar: "Brownian-bridge crossing probability (per position; cross: equity − maintenance with σ_D² = gᵀΣg)",
    triggerPrice: "model price (mark)",
    wipeout: "terminal equity ≤ 10 % of the initial balance",
    ...stressTableSettings(venue, config),
    version,
  };
}

/**
 * The table each symbol runs on (model paths carry no dates: the newest table, as of the run). The
 * staleness warning for it is `stressTableWarnings`.
 */
function stressTableSettings(venue: Venue, config: StressConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const symbol of stressSymbols(config)) {
    const t = venue.table(symbol);
    out[`venueTable:${symbol}`] = t.id === "custom" ? "custom" : `${t.id} (asOf ${t.asOf})${t.venueSymbol === null ? ", not listed: the venue's default table (unsourced)" : ""}`;
  }
  return out;
}

function stressSymbols(config: StressConfig): string[] {
  return config.book.kind === "portfolio" ? config.book.legs.map((l) => l.symbol) : config.model.assets.map((a) => a.symbol);
}

/** One warning per symbol whose table is more than a year older than `now` (the run's date), or in no table. */
export function stressTableWarnings(config: StressConfig, now = Date.now()): string[] {
  const venue = stressVenue(config);
  if (!venue.tables) return [];
  const out: string[] = [];
  for (const symbol of stressSymbols(config)) {
    const t = venue.table(symbol);
    const days = (now - t.asOfMs) / 86_400_000;
    if (days > STALE_AFTER_DAYS) out.push(`venue tables: ${symbol} runs on ${t.id} (asOf ${t.asOf}), ${Math.round(days)} days old (more than ${STALE_AFTER_DAYS}: refresh with perpsim venues update --venue ${venue.name})`);
    if (t.venueSymbol === null) out.push(`venue tables: ${symbol} is in no ${venue.label} table; it runs on the default table (unsourced)`);
  }
  return out;
}

/**
 * samples.csv's writer for a config, its book checked: path 0 opens the book (the venue's limits, the
 * balance), so a bad book is a one-line InputError here, before anything else runs. A portfolio's book is
 * only opened: its sample paths are traced on a pool thread (`samplesOnPool`), or here while the pool
 * simulates, on the reference kernel, whose small functions run faster than the compiled loop's first,
 * interpreted calls in a thread where neither is warm (2 and 100 SSW paths, 7 alternated runs each: 1.03
 * against 1.05 s, 1.24 against 1.26 s). A strategy book is loaded first (`prepareBook`) and its path 0
 * traced here, its code run on this thread.
 */
export async function openSamples(config: StressConfig): Promise<SampleWriter> {
  await prepareBook(config);
  const simulator = coldTracer(config);
  const samples = new SampleWriter(config, simulator, config.model.assets.map((a) => a.symbol));
  if (simulator instanceof PathSimulator) simulator.openBook();
  else samples.traceNext();
  return samples;
}

/**
 * The simulator that traces sample paths on a thread that has not run the kernel yet (a run's main thread,
 * a queued run's coordinator: `openSamples`; `perpsim merge`: `stressOutputs`): the reference kernel for a
 * portfolio, whose small functions V8 compiles after a few steps, where the fused kernel's one large loop
 * runs its first paths in the interpreter (`perpsim merge --no-report` of the SSW's 2,000 paths, 8
 * alternated runs: 0.56 → 0.52 s, CPU 0.73 → 0.66 s; the same samples.csv); a strategy book's own kernel.
 */
function coldTracer(config: StressConfig): PathRunner {
  return config.book.kind === "portfolio" ? new PathSimulator(config) : createSimulator(config);
}

/**
 * A portfolio's sample paths go to a pool of several threads ahead of the chunks when the run gives each
 * thread this many paths at least: the first thread free traces them on its warmed loop, instead of this
 * thread in cold code on the cores the pool needs (~0.1 CPU-s a path of the SSW). A smaller run is over
 * before that thread has started, warmed and traced, and this thread, idle otherwise, traces them sooner
 * (the SSW, 2 workers, 7 alternated runs, on the pool against here: 2 paths 1.05 against 0.99 s, 100 paths
 * 1.18 against 1.13 s, 300 paths 1.22 against 1.26 s; 1,000 paths, 6: 1.40 against 1.53 s).
 */
export const SAMPLES_ON_POOL_PATHS_PER_WORKER = 100;

function samplesOnPool(config: StressConfig, workers: number): boolean {
  return workers > 1 && config.paths >= SAMPLES_ON_POOL_PATHS_PER_WORKER * workers;
}

/** The sample paths not traced yet, one at a time between the pool's (or the queue's) messages, until done or cancelled. */
export async function traceRest(samples: SampleWriter, signal?: AbortSignal): Promise<string> {
  while (!samples.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new RunCancelled("cancelled");
    samples.traceNext();
  }
  return samples.text();
}

/**
 * Run a validated stress config: every path on the pool (or in this thread with one worker), then
 * the statistics and the output files' contents. Checks the book first (`openSamples`, unless `o.samples`
 * is its writer), so a bad book is a one-line InputError before any path is submitted; the sample paths
 * are traced on a pool thread, or here while the pool simulates.
 */
export async function runStress(config: StressConfig, o: RunOptions = {}): Promise<StressResult> {
  // A strategy book given a pool runs only there, samples.csv's paths too: no user code on this thread.
  const pooled = o.pool !== undefined && config.book.kind === "strategy" ? o.pool : null;
  const samples = pooled ? null : (o.samples ?? (await openSamples(config)));
  const early = !pooled && o.pool !== undefined && samplesOnPool(config, o.pool.workers) ? o.pool.samples(config, o.signal) : null;
  const t0 = performance.now();
  // a strategy that throws on a worker's path rejects with its InputError (one line naming path and time)
  const simulation = simulateAll(config, o);
  // a pooled strategy book's sample paths run on the pool after its chunks (a strategy failing there fails
  // on the path a chunk names, as before)
  const samplesText = (pooled ? simulation.then(() => pooled.samples(config, o.signal)) : (early ?? traceRest(samples!, o.signal))).then((text) => {
    o.onSamples?.(text);
    return text;
  });
  // both settle before the run fails: the simulation's failure (a chunk's) is the one reported, and no task is left running
  const [results, text] = await Promise.allSettled([simulation, samplesText]);
  if (results.status === "rejected") throw results.reason;
  if (text.status === "rejected") throw text.reason;
  const t1 = performance.now();
  const { summary, files } = stressOutputs(config, results.value, o.version ?? "unknown", text.value);
  return { summary, files, timings: { simulate: (t1 - t0) / 1000, aggregate: (performance.now() - t1) / 1000 } };
}

/**
 * The statistics and output files of a run from its per-path results (every path, in path order): what
 * `runStress` writes, and what `perpsim merge` rebuilds from shards. A strategy book must be loaded
 * first (`prepareBook`): samples.csv re-simulates the first few paths, unless `samples` is that file's
 * text already (a strategy book's, built on a worker: StressPool.samples).
 */
export function stressOutputs(config: StressConfig, results: Float64Array, version: string, samples: PathRunner | string = coldTracer(config)): Pick<StressResult, "summary" | "files"> {
  const summary = stressSummary(config, results, stressSettings(config, version));
  const files = {
    "summary.json": JSON.stringify(summary, null, 2) + "\n",
    "paths.csv": pathsCsv(config, results),
    "samples.csv": typeof samples === "string" ? samples : samplesCsv(config, samples, config.model.assets.map((a) => a.symbol)),
  };
  return { summary, files };
}

/**
 * One cell's line of sweep.csv: each mode's liquidation probability and interval. A cell needs only its
 * statistics: no output files, no sample paths; path 0 checks its book first, as a run's does.
 */
async function cellResults(cell: StressConfig, o: RunOptions): Promise<CellModeResult[]> {
  if (!(o.pool !== undefined && cell.book.kind === "strategy")) {
    await prepareBook(cell);
    createSimulator(cell).run(0, new Float64Array(cell.modes.length * PATH_FIELDS), 0);
  }
  const summary = stressSummary(cell, await simulateAll(cell, o), stressSettings(cell, o.version ?? "unknown"));
  return summary.runs.map((r) => ({ mode: r.mode, liquidationProbability: r.liquidationProbability, ci95: r.ci95, wipeoutProbability: r.wipeoutProbability, paths: summary.paths }));
}

/** Before anything runs: a portfolio cell's legs against the venue's limits (a strategy book is checked on its thread). */
function checkCell(cell: StressConfig): void {
  if (cell.book.kind === "portfolio") new PathSimulator(cell);
}

/**
 * A stress run and, with sweep axes, its sweep on the same pool (one set of threads for the base run and
 * every cell, each cell on the base run's seed: common random numbers). Every cell is checked before the
 * base run starts; the summary then names the sweep and the files include sweep.csv.
 */
export async function runStressWithSweep(
  config: StressConfig,
  axes: SweepAxis[],
  o: RunOptions & { onCell?: (index: number, cells: number) => void },
): Promise<{ result: StressResult; sweep: { rows: SweepRow[]; csv: string } | null }> {
  if (axes.length) sweepCells(config, axes, checkCell);
  const result = await runStress(config, o);
  if (!axes.length) return { result, sweep: null };
  const cellOptions: RunOptions = { pool: o.pool, signal: o.signal, version: o.version };
  const sweep = await runSweep(config, axes, async (cell, _params, k, cells) => {
    o.onCell?.(k, cells);
    return cellResults(cell, cellOptions);
  }, checkCell);
  const summary: StressSummary = { ...result.summary, sweep: { axes: axes.map((a) => ({ name: a.name, values: a.values })), cells: sweep.rows.length, file: "sweep.csv" } };
  const files = { ...result.files, "summary.json": JSON.stringify(summary, null, 2) + "\n", "sweep.csv": sweep.csv };
  return { result: { ...result, files }, sweep };
}
