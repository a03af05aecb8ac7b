import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { StressConfig } from "./config.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { simulateChunk, type ChunkTask } from "./worker.ts";

export interface PoolOptions {
  /** worker threads; 1 runs in this thread (no pool). Default: the machine's cores */
  workers?: number;
  /** paths per task; default spreads the run over about 8 tasks per worker */
  chunkSize?: number;
  /** called as chunks finish, with the number of paths done */
  onProgress?: (done: number, total: number) => void;
  /** aborting stops the run (Ctrl-C): the pool is destroyed and the promise rejects with `RunCancelled` */
  signal?: AbortSignal;
}

export class RunCancelled extends Error {
  override name = "RunCancelled";
}

/** Thrown when a worker fails: the run fails with the worker's reason. */
export class WorkerFailed extends Error {
  override name = "WorkerFailed";
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function defaultChunkSize(paths: number, workers: number): number {
  return Math.max(1, Math.min(1000, Math.ceil(paths / (workers * 8))));
}

/**
 * Simulate every path of a run and return the per-path results in path order (path-major, see
 * pathResult.ts): chunks may finish in any order, each lands at its own offset, so the bytes do not
 * depend on the worker count or the chunk size.
 */
export async function simulateAll(config: StressConfig, o: PoolOptions = {}): Promise<Float64Array> {
  const workers = Math.max(1, Math.floor(o.workers ?? defaultWorkers()));
  const chunk = Math.max(1, Math.floor(o.chunkSize ?? defaultChunkSize(config.paths, workers)));
  const stride = config.modes.length * PATH_FIELDS;
  const results = new Float64Array(config.paths * stride);
  const tasks: ChunkTask[] = [];
  const configKey = JSON.stringify(config);
  for (let start = 0; start < config.paths; start += chunk) tasks.push({ config, configKey, start, count: Math.min(chunk, config.paths - start) });
  let done = 0;
  const finished = (task: ChunkTask, out: Float64Array) => {
    results.set(out, task.start * stride);
    done += task.count;
    o.onProgress?.(done, config.paths);
  };

  if (workers === 1) {
    for (const task of tasks) {
      if (o.signal?.aborted) throw new RunCancelled("cancelled");
      finished(task, simulateChunk(task));
      await new Promise<void>((resolve) => setImmediate(resolve)); // let Ctrl-C and progress through
    }
    if (o.signal?.aborted) throw new RunCancelled("cancelled");
    return results;
  }

  const pool = new Piscina({ filename: new URL("./worker.ts", import.meta.url).href, minThreads: workers, maxThreads: workers });
  const cancelled = new Promise<never>((_, reject) => {
    if (o.signal?.aborted) reject(new RunCancelled("cancelled"));
    o.signal?.addEventListener("abort", () => reject(new RunCancelled("cancelled")), { once: true });
  });
  cancelled.catch(() => {});
  try {
    const runs = tasks.map((task) =>
      pool.run(task).then(
        (out: Float64Array) => finished(task, out),
        (err: unknown) => {
          throw new WorkerFailed(`worker failed on paths ${task.start}–${task.start + task.count - 1}: ${(err as Error)?.message ?? String(err)}`);
        },
      ),
    );
    await Promise.race([Promise.all(runs), cancelled]);
    return results;
  } finally {
    await pool.destroy();
  }
}
