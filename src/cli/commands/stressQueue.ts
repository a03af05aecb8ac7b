import {
  openSamples, PathSimulator, RunCancelled, stressOutputs, stressSettings, stressSummary, sweepCells, sweepCsv,
  traceRest, type StressConfig, type SweepAxis, type SweepRow,
} from "../../stress/index.ts";
import { parseRedisUrl, runOnQueue, type QueueProgress } from "../../queue/index.ts";
import type { RunFolder } from "../../report/index.ts";
import { commitRun } from "../commitRun.ts";
import type { StressSummary } from "../../results/index.ts";
import { printSweepTable } from "./stress.ts";

export interface QueuedStress {
  url: string;
  config: StressConfig;
  axes: SweepAxis[];
  version: string;
  /** where the outputs go, opened (checked and locked) before anything runs; the caller releases it */
  folder: RunFolder;
  noReport: boolean;
  /** paths per chunk job (default: queue's) */
  chunkPaths?: number;
}

/** Progress across the cluster on a terminal: paths done, workers seen, ETA; nothing when stderr is not a TTY. */
function clusterProgress(): ((p: QueueProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return ({ done, total, workers, elapsedMs }) => {
    const eta = done > 0 && done < total ? `, ETA ${Math.ceil(((total - done) * elapsedMs) / done / 1000)} s` : "";
    const waiting = workers === 0 ? " (waiting for workers: perpsim worker --queue URL)" : "";
    process.stderr.write(`\r${done}/${total} paths, ${workers} worker${workers === 1 ? "" : "s"} seen${eta}${waiting}\x1b[K`);
    if (done === total) process.stderr.write("\n");
  };
}

/**
 * `perpsim stress --queue URL`: the base run and every sweep cell go to the queue's workers at once;
 * the outputs are the local run's, byte for byte, plus summary.json's `execution` (backend, workers seen).
 */
export async function stressOnQueue(q: QueuedStress): Promise<number> {
  const target = parseRedisUrl(q.url);
  const { config, axes, version } = q;
  const cells = axes.length ? sweepCells(config, axes, (cell) => {
    if (cell.book.kind === "portfolio") new PathSimulator(cell); // the venue's limits, before anything runs
  }) : [];
  // a bad book fails here, before Redis, as a local run's does: a portfolio's opened, a strategy's path 0 traced (openSamples)
  const samples = await openSamples(config);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  // a portfolio's sample paths are traced here while the queue's workers simulate (~0.2 s of the SSW's in
  // cold code, which after the results would add to the run); a strategy's after, its code run once the run is in
  const samplesText = config.book.kind === "portfolio" ? traceRest(samples, abort.signal) : null;
  samplesText?.catch(() => {}); // awaited after the run; a cancelled run reports its own way
  const started = performance.now();
  // on a terminal the progress line says it; in a log (a Kubernetes Job), one line if nobody comes
  const lonely = setTimeout(() => console.error(`perpsim stress: no worker has returned a chunk in 60 s; start perpsim worker --queue ${target.display} (same perpsim version)`), 60_000);
  lonely.unref();
  const progress = clusterProgress();
  let baseResults: Float64Array | null = null;
  const rows: SweepRow[] = cells.map((c) => ({ params: c.params, results: [] }));
  let workers: string[];
  try {
    ({ workers } = await runOnQueue([config, ...cells.map((c) => c.config)], {
      target, version, chunkPaths: q.chunkPaths, signal: abort.signal,
      onProgress: (p) => {
        if (p.workers > 0) clearTimeout(lonely);
        progress?.(p);
      },
      onRun: (k, results) => {
        if (k === 0) return void (baseResults = results);
        const cell = cells[k - 1].config;
        rows[k - 1].results = stressSummary(cell, results, stressSettings(cell, version)).runs.map((r) => ({
          mode: r.mode, liquidationProbability: r.liquidationProbability, ci95: r.ci95, wipeoutProbability: r.wipeoutProbability, paths: cell.paths,
        }));
      },
    }));
  } catch (err) {
    abort.abort(); // the sample paths' tracing stops too
    if (err instanceof RunCancelled) {
      console.error("perpsim stress: interrupted; its jobs were removed from the queue; nothing written");
      return 130;
    }
    throw err;
  } finally {
    clearTimeout(lonely);
    process.off("SIGINT", onSigint);
  }
  const result = stressOutputs(config, baseResults as unknown as Float64Array, version, samplesText ? await samplesText : samples.text());
  const execution = { backend: "queue", workersSeen: workers.length };
  const summary: StressSummary & { execution: typeof execution } = {
    ...result.summary,
    ...(axes.length ? { sweep: { axes: axes.map((a) => ({ name: a.name, values: a.values })), cells: rows.length, file: "sweep.csv" } } : {}),
    execution,
  };
  const files: Record<string, string> = { ...result.files, "summary.json": JSON.stringify(summary, null, 2) + "\n" };
  if (axes.length) files["sweep.csv"] = sweepCsv(axes, rows);
  await commitRun(q.folder, files, { report: !q.noReport }); // in one step, as a local run's; Ctrl-C while the report renders writes nothing
  const dir = q.folder.dir;
  for (const r of summary.runs) {
    const [lo, hi] = r.ci95;
    console.log(`${r.mode.padEnd(8)} liquidated ${(100 * r.liquidationProbability).toFixed(2)} % [${(100 * lo).toFixed(2)}, ${(100 * hi).toFixed(2)}], wipeout ${(100 * r.wipeoutProbability).toFixed(2)} %, terminal equity mean ${r.terminalEquity.mean}`);
  }
  if (axes.length) {
    console.log(`sweep over ${axes.map((a) => a.name).join(" × ")}: ${rows.length} cells × ${config.paths} paths on seed ${config.seed} (common random numbers)`);
    await printSweepTable(axes, rows);
  }
  const paths = config.paths * (1 + cells.length);
  console.log(`${paths} paths on the queue at ${target.display}: ${workers.length} worker${workers.length === 1 ? "" : "s"} seen (${workers.join(", ")}), ${((performance.now() - started) / 1000).toFixed(2)} s in all`);
  console.log(`wrote ${dir}`);
  return 0;
}
