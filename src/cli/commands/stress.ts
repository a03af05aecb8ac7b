import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { loadMarket } from "../../data/index.ts";
import { readUserTables } from "../venueTables.ts";
import { InputError } from "../../market/index.ts";
import {
  loadStressConfig, openSamples, parseJson, parseShard, RunCancelled, type SampleWriter, runShard, runStressWithSweep, StressPool, WORKER_MEMORY_MB, type ConfigOverrides, type ShardSpec, type StressConfig, type StressResult,
  MAX_SWEEP_CELLS, parseSweep, prepareBook, resolveSweeps, type SweepArg, type SweepAxis, type SweepRow, stressTableWarnings,
} from "../../stress/index.ts";
import { loadStrategy, runningCompiled } from "../../strategy/index.ts";
import { checkAddFolder, preloadReportRenderer, prerenderStressSamples, RunFolder, stressVerdictSentence, writeOutputs } from "../../report/index.ts";
import { createProgress } from "../progress.ts";
import { numberFlag, parseFlags } from "../args.ts";
import { STRESS_OPTIONS } from "./stressOptions.ts";
import { composeStressConfig } from "../modelFile.ts";
import { modelVolLine } from "../modelVols.ts";
import { checkVenueModes, machineLimits, readStrategySource } from "../stressConfigFile.ts";
import { Interrupted, runIsolated } from "../isolate.ts";
import { tuneForKernelRuns } from "../kernelFlags.ts";
import { grouped, money, points, pointsInterval } from "../../results/index.ts";

const HELP = `usage: perpsim stress --config FILE [--model FILE] [--scenario NAME|JSON] [--sweep name=a:b:step|name=v1,v2,...|name]...
                      [--data DIR] [--paths N] [--seed S] [--workers W] [--out DIR] [--force] [--no-report] [--shard i/n|auto/n]
                      [--queue redis://[user:pass@]host:port[/db] [--chunk-paths N]] [--max-memory MB] [--timeout SECONDS]

Runs the config's portfolio on Monte Carlo paths under every margin mode on the same shocks and
writes summary.json, paths.csv, samples.csv and report.html to --out (default reports/stress-<time>/).
--model      a model file (perpsim calibrate's model.json, or a config's "model" object) replacing the
             config's model; alone, it runs on a default book (each asset long at 2x, half the balance as margin)
--out        a new or empty folder, or an earlier perpsim run folder (replaced whole, in one step); another run
             holding it is refused; --force writes into any other folder in place (same-named files replaced)
--scenario   a preset (perpsim scenarios lists them) or a JSON object; replaces the config's "scenario"
--sweep      one or two of: correlation; a portfolio's leverage or weight; a strategy book's number params
             (perpsim backtest --help --strategy NAME lists them with their ranges), each value checked against
             its range, or NAME alone for its default sweep. Every cell runs on the same seed (common random
             numbers) and sweep.csv + the report's heat map show cross vs isolated per cell
--workers    at most the machine's cores unless --force; each worker thread's heap is limited to --max-memory MB
             (default 4096): a strategy that passes it stops the run with one line, exit 1
--timeout    stop the run after SECONDS (exit 1, nothing written). A strategy book runs only in worker threads
             (one with --workers 1; its path 0 first alone): Ctrl-C, --timeout and --max-memory stop a strategy
             that never returns or allocates without bound (exit 130 / 1, nothing written)
--data       data root for a "bootstrap" model (default data/)
--shard i/n  simulate only shard i of n (counted from 0): paths ⌊i·P/n⌋ to ⌊(i+1)·P/n⌋ − 1 of the P paths,
             written as shard-<i>-of-<n>.bin (default folder reports/stress-<fingerprint>-shards/);
             perpsim merge turns all n into the outputs of one whole run, byte for byte. Not with --sweep.
             auto/n takes i from JOB_COMPLETION_INDEX (Kubernetes Indexed Job), SLURM_ARRAY_TASK_ID (run the
             array as --array=0-(n-1)) or AWS_BATCH_JOB_ARRAY_INDEX, all counted from 0
--queue URL  run the chunks on perpsim worker processes sharing that Redis (rediss:// for TLS) and write
             the same outputs as a local run (summary.json adds "execution"); with --sweep too
--chunk-paths N  with --queue: paths per chunk job (default about 32 chunks a run, at most 1,000 paths
             each, but a portfolio's chunks at least ~4 M asset-steps of work, ~0.2 s of one thread)
Examples: examples/stress/*.json, examples/scenarios/*.json, bench/ssw.json.`;

/** `--scenario`: a preset name, or a JSON object when it starts with `{`. */
function scenarioArg(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  return value.trim().startsWith("{") ? parseJson(value, "--scenario") : value.trim();
}

/** The history a bootstrap model samples: 1h last-trade candles and funding, loaded once here (and by perpsim merge). */
export async function loadHistory(request: { symbols: string[]; from: string; to: string; data: string | null }) {
  const market = await loadMarket({ symbols: request.symbols, from: request.from, to: request.to, dataDir: request.data ?? undefined, interval: "1h", mark: false });
  for (const w of market.warnings) console.error(`warning: ${w}`);
  return market;
}

/**
 * The sweep's result table, printed with danfojs-node (loaded only when a sweep ran: it takes seconds).
 * `cross − isolated pp` = liquidation probability under cross − under isolated: the sign of the paired difference and of the report heat map.
 */
export async function printSweepTable(axes: SweepAxis[], rows: SweepRow[]): Promise<void> {
  const dfd = await import("danfojs-node");
  const p = (row: SweepRow, mode: string) => row.results.find((r) => r.mode === mode)?.liquidationProbability;
  const pct = (x: number | undefined) => (x === undefined ? NaN : Math.round(x * 1e4) / 100);
  const columns: Record<string, number[]> = {};
  axes.forEach((a, i) => (columns[a.name] = rows.map((r) => r.params[i])));
  columns["liq cross %"] = rows.map((r) => pct(p(r, "cross")));
  columns["liq isolated %"] = rows.map((r) => pct(p(r, "isolated")));
  if (rows.every((r) => p(r, "cross") !== undefined && p(r, "isolated") !== undefined))
    columns["cross − isolated pp"] = rows.map((r) => Math.round((p(r, "cross")! - p(r, "isolated")!) * 1e4) / 100);
  const df = new dfd.DataFrame(columns, { config: { tableMaxRow: rows.length + 1 } });
  console.log(df.toString());
}

/** The --sweep flags resolved against the config's book; a strategy book's params are read from the strategy, loaded here. */
async function sweepAxes(config: StressConfig, args: SweepArg[]): Promise<SweepAxis[]> {
  if (!args.length) return [];
  if (config.book.kind !== "strategy") return resolveSweeps(config, args, null);
  await prepareBook(config); // a missing file is named with its config field
  return resolveSweeps(config, args, await loadStrategy(config.book.file ?? config.book.name!));
}

function wholeFlag(name: string, value: string | undefined, min: number): number | undefined {
  const n = numberFlag(name, value);
  if (n !== undefined && !(Number.isSafeInteger(n) && n >= min)) throw new InputError(`--${name}: must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

const cnt = (n: number) => grouped(n);
const pc = (x: number, unit = " %") => `${(100 * x).toFixed(2)}${unit}`;

/** Progress on stderr: a bar with ETA on a terminal, a plain line every 5 s otherwise (logs, CI). */
function progressBar(): (done: number, total: number) => void {
  const p = createProgress({ title: "stress" });
  return (done, total) => {
    p.update({ fraction: done / total, counters: { paths: `${grouped(done)}/${grouped(total)}` } });
    if (done === total) p.finish();
  };
}

export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/**
 * Run `work` with Ctrl-C wired to an abort signal: an interrupted run prints one line, writes nothing
 * and exits 130; `cleanup` runs whatever happens.
 */
async function interruptible(work: (signal: AbortSignal) => Promise<number>, cleanup?: () => Promise<void>, maxListeners?: number, timeout?: Deadline): Promise<number> {
  const abort = new AbortController();
  if (maxListeners !== undefined) setMaxListeners(maxListeners, abort.signal);
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  let timedOut = false;
  const timer = timeout && setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, Math.max(0, timeout.at - Date.now()));
  try {
    return await work(abort.signal);
  } catch (err) {
    if (timedOut) throw new InputError(`--timeout ${timeout!.seconds}: the stress run was still running after ${timeout!.seconds} s; stopped, nothing written`);
    if (err instanceof RunCancelled || abort.signal.aborted) {
      console.error("perpsim stress: interrupted; nothing written");
      return 130;
    }
    throw err;
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", onSigint);
    await cleanup?.();
  }
}

/** `--timeout SECONDS`, counted from the start of the run (path 0's trial thread included). */
interface Deadline {
  seconds: number;
  at: number;
}

/** `--shard i/n`: simulate that shard's paths and write its file; the statistics come from perpsim merge. */
function runOneShard(config: StressConfig, shard: ShardSpec, source: { source: string; text: string; overrides: ConfigOverrides }, pool: StressPool, out: string | undefined, deadline?: Deadline): Promise<number> {
  return interruptible(async (signal) => {
    const started = performance.now();
    const r = await runShard(config, shard, source, readStrategySource, { pool, onProgress: progressBar(), signal, version: await packageVersion() });
    const dir = out === undefined ? join("reports", `stress-${r.header.fingerprint.slice(0, 12)}-shards`) : await checkAddFolder(out);
    const [written] = await writeOutputs(dir, { [r.fileName]: r.bytes });
    const { start, end } = r.header.range;
    console.log(`shard ${shard.index}/${shard.count}: paths ${start}–${end - 1} (${end - start} of ${config.paths}), seed ${config.seed}, config fingerprint ${r.header.fingerprint.slice(0, 12)}`);
    console.log(`simulated in ${r.simulateSeconds.toFixed(2)} s, ${((performance.now() - started) / 1000).toFixed(2)} s in all`);
    console.log(`wrote ${written} (${r.bytes.length} bytes); when all ${shard.count} shards are written: perpsim merge ${dir}`);
    return 0;
  }, () => pool.destroy(), undefined, deadline);
}

/**
 * Path 0 opens the book before anything else runs: the venue's limits and the balance are checked, named
 * with the config file and the field. A portfolio's book is opened on samples.csv's writer (its paths are
 * traced while the pool simulates); a strategy's path 0 runs in its own thread (isolate.ts), where Ctrl-C,
 * --timeout and the memory limit stop it. Null when Ctrl-C stopped it.
 */
async function checkBook(config: StressConfig, file: string, timeoutSeconds: number | undefined, memoryMb: number): Promise<{ samples?: SampleWriter } | null> {
  try {
    if (config.book.kind === "portfolio") return { samples: await openSamples(config) };
    await runIsolated("stressProbe", config, { what: "the strategy on path 0", timeoutSeconds, memoryMb });
    return {};
  } catch (err) {
    if (err instanceof Interrupted) return null;
    if (err instanceof InputError) throw bookError(err, config, file);
    throw err;
  }
}

/** A book's error named with its file and field: "BTC: leverage 200 above …" is portfolio[i].leverage; a strategy's load error is its strategy.* field's. */
function bookError(err: InputError, config: StressConfig, file: string): InputError {
  if (err.message.startsWith(file)) return err;
  const leverage = /^(\S+): (leverage [\d.e+]+ above the venue's maximum .*)$/.exec(err.message);
  const leg = leverage && config.book.kind === "portfolio" ? config.book.legs.findIndex((l) => l.symbol === leverage[1]) : -1;
  if (leg >= 0) return new InputError(`${file}: portfolio[${leg}].leverage: ${leverage![1]} ${leverage![2]}`);
  if (/^(portfolio|strategy\.(name|file)|modes|initialBalance)\b/.test(err.message) || config.book.kind === "portfolio") return new InputError(`${file}: ${err.message}`);
  return err; // a strategy's own failure on path 0 names the path, the hour and the strategy
}

/** The terminal's account of a finished run: the verdict, each mode, the paired difference, the sweep, the speed. */
async function printStressRun(config: StressConfig, result: StressResult, axes: SweepAxis[], sweep: { rows: SweepRow[] } | null, total: number): Promise<void> {
  console.log(stressVerdictSentence(result.summary));
  for (const r of result.summary.runs) {
    const [lo, hi] = r.ci95;
    console.log(`${r.mode.padEnd(8)} liquidated ${pc(r.liquidationProbability)} [${pc(lo, "")}, ${pc(hi)}], wipeout ${pc(r.wipeoutProbability)}, terminal equity mean ${money(r.terminalEquity.mean)}, VaR95 ${money(r.terminalEquity.var95)}, ES97.5 ${money(r.terminalEquity.es975)}, funding paid ${money(r.fundingPaid.mean)}`);
  }
  const p = result.summary.paired;
  const d = p.difference;
  // in the verdict's words (the report's, stressVerdictSentence), to two decimals
  const diff = d ? `; cross − isolated ${points(d.estimate, 2)}, 95 % interval ${pointsInterval(d.ci95, 2)}` : "";
  console.log(`paired: both ${cnt(p.both)}, only cross ${cnt(p.onlyCross)}, only isolated ${cnt(p.onlyIsolated)}, neither ${cnt(p.neither)}${diff}`);
  if (config.scenario) console.log(`scenario: ${result.summary.settings?.scenario}`);
  if (sweep) {
    console.log(`sweep over ${axes.map((a) => a.name).join(" × ")}: ${sweep.rows.length} cells × ${config.paths} paths on seed ${config.seed} (common random numbers)`);
    await printSweepTable(axes, sweep.rows);
  }
  const steps = config.paths * config.steps * config.model.assets.length;
  const assets = config.model.assets.length;
  console.log(`${cnt(config.paths)} paths × ${cnt(config.steps)} steps × ${assets} asset${assets === 1 ? "" : "s"}: simulated in ${result.timings.simulate.toFixed(2)} s (${(steps / result.timings.simulate / 1e6).toFixed(1)} M asset-steps/s), ${total.toFixed(2)} s in all`);
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, STRESS_OPTIONS);
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const composed = await composeStressConfig(v.config, v.model);
  const file = composed.source;
  if (composed.note) console.log(composed.note);
  const sweepArgs = (v.sweep ?? []).map(parseSweep);
  if (v.shard !== undefined && v.queue !== undefined) throw new InputError("--shard cannot be combined with --queue: the queue splits the run itself");
  if (v["chunk-paths"] !== undefined && v.queue === undefined) throw new InputError("--chunk-paths applies only with --queue: a local run's threads take their chunks themselves");
  const chunkPaths = wholeFlag("chunk-paths", v["chunk-paths"], 1);
  if (v.shard !== undefined && sweepArgs.length) throw new InputError("--shard cannot be combined with --sweep: shard the base run, or run the sweep on one machine");
  const overrides: ConfigOverrides = { paths: wholeFlag("paths", v.paths, 1), seed: wholeFlag("seed", v.seed, 0), scenario: scenarioArg(v.scenario), dataDir: v.data };
  const workers = wholeFlag("workers", v.workers, 1);
  const cores = availableParallelism();
  if (workers !== undefined && workers > cores && !v.force) {
    throw new InputError(`--workers ${workers}: this machine has ${cores} cores; at most ${cores} workers (each holds its own model and strategy in memory), or pass --force`);
  }
  const text = composed.text;
  const { config, warnings } = await loadStressConfig(parseJson(text, file), file, overrides, loadHistory, machineLimits());
  checkVenueModes(config, file);
  if (typeof config.venue === "string") {
    const user = readUserTables(config.venue.trim().toLowerCase());
    if (user.length) config.venueTables = user.map((u) => ({ file: u.file, data: u.raw }));
  }
  for (const w of [...warnings, ...stressTableWarnings(config)]) console.error(`warning: ${w}`);
  const axes = await sweepAxes(config, sweepArgs);
  const vols = modelVolLine(config.model);
  if (vols) console.log(vols);
  const memoryMb = wholeFlag("max-memory", v["max-memory"], 64);
  const timeoutSeconds = numberFlag("timeout", v.timeout);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0 && timeoutSeconds <= 2_147_483)) throw new InputError(`--timeout ${v.timeout}: must be a number of seconds > 0`);
  const deadline: Deadline | undefined = timeoutSeconds === undefined ? undefined : { seconds: timeoutSeconds, at: Date.now() + timeoutSeconds * 1000 };
  // One set of threads for the base run and every sweep cell (a queued run uses none). A strategy book runs
  // only there, whatever --workers is (one thread at least): its code never holds the main thread. The
  // compiled CLI starts them now, so they load while path 0 and the folder are checked; under tsx (tests,
  // development) a thread's start-up is ~1 CPU-s, paid only at the first chunk, when the run needs it.
  tuneForKernelRuns();
  const pool = v.queue === undefined ? new StressPool(workers, memoryMb) : null;
  if (pool && runningCompiled && (pool.workers > 1 || config.book.kind === "strategy")) pool.warm();
  try {
    const checked = await checkBook(config, file, timeoutSeconds, memoryMb ?? WORKER_MEMORY_MB);
    if (!checked) {
      console.error("perpsim stress: interrupted; nothing written");
      return 130;
    }
    if (v.shard !== undefined) {
      const shard = parseShard(v.shard, config.paths, process.env);
      if (v.out !== undefined) await checkAddFolder(v.out); // before simulating
      return await runOneShard(config, shard, { source: file, text, overrides }, pool!, v.out, deadline);
    }
    const folder = await RunFolder.open(v.out, "stress", { force: v.force });
    if (!pool) {
      try {
        const { stressOnQueue } = await import("./stressQueue.ts"); // bullmq and ioredis load only for a queued run (~0.3 CPU-s)
        return await stressOnQueue({ url: v.queue!, config, axes, version: await packageVersion(), folder, noReport: v["no-report"] === true, chunkPaths });
      } finally {
        await folder.release();
      }
    }
    return await runLocal(config, axes, { pool, folder, report: !v["no-report"], samples: checked.samples, deadline });
  } finally {
    await pool?.destroy();
  }
}

/** The run on this machine's pool, its outputs committed to the folder (released, whatever happens). */
function runLocal(config: StressConfig, axes: SweepAxis[], o: { pool: StressPool; folder: RunFolder; report: boolean; samples?: SampleWriter; deadline?: Deadline }): Promise<number> {
  const { pool, folder } = o;
  const started = performance.now();
  // the pool listens to the signal once per run, and a sweep runs once per cell
  return interruptible(async (signal) => {
    const version = await packageVersion();
    if (o.report) preloadReportRenderer({ secondThread: false }); // this thread is idle while the pool simulates: load vega meanwhile
    const onCell = (k: number, cells: number) => {
      if (process.stderr.isTTY) process.stderr.write(`sweep cell ${k + 1}/${cells}\n`);
    };
    // the report's sample-path charts are drawn here while the pool simulates
    const onSamples = o.report ? (csv: string) => prerenderStressSamples({ modes: config.modes, horizonHours: config.horizonHours }, csv) : undefined;
    const { result, sweep } = await runStressWithSweep(config, axes, { pool, onProgress: progressBar(), signal, version, onCell, samples: o.samples, onSamples });
    await folder.commit(result.files, { report: o.report && { secondThread: false }, signal });
    await printStressRun(config, result, axes, sweep, (performance.now() - started) / 1000);
    console.log(`wrote ${folder.dir}`);
    return 0;
  }, async () => {
    await pool.destroy();
    await folder.release();
  }, MAX_SWEEP_CELLS + 2, o.deadline);
}
