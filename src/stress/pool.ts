import type { Piscina } from "piscina";
import type { StressConfig } from "./config.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { InputError } from "../market/index.ts";
import { defaultWorkers, startThreads, takeStartedAhead, WORKER_MEMORY_MB } from "../threads/index.ts";
import { simulateChunk, type ChunkInputError, type ChunkTask } from "./worker.ts";
import { ChunkBoard, type Chunk, type DrainOutcome, type DrainTask } from "./chunkBoard.ts";

/**
 * What a thread keys its warmed simulator by (worker.ts `simulatorFor`): the same for a run's chunks and its
 * samples task, so the samples reuse the chunks' warm-up (and the other way round), and another for any other config.
 */
function configKeyOf(config: StressConfig): string {
  return JSON.stringify(config);
}

export interface PoolOptions {
  /** worker threads; 1 runs in this thread (no pool; a strategy book given a `pool` runs on it). Default: the machine's cores, or `pool`'s size */
  workers?: number;
  /**
   * a pool kept alive across runs (a sweep's cells): its threads start once and each worker rebuilds
   * its simulator only when the config changes. The caller destroys it. Without one, each run starts
   * and destroys its own.
   */
  pool?: StressPool;
  /** paths per task; default: guided sizes, an eighth of what is left per worker, shrinking towards the end (guidedChunkSizes) */
  chunkSize?: number;
  /** called as chunks finish, with the number of paths done */
  onProgress?: (done: number, total: number) => void;
  /** aborting stops the run (Ctrl-C): running chunks are dropped and the promise rejects with `RunCancelled` */
  signal?: AbortSignal;
}

export class RunCancelled extends Error {
  override name = "RunCancelled";
}

/** Thrown when a worker fails: the run fails with the worker's reason. */
export class WorkerFailed extends Error {
  override name = "WorkerFailed";
}

/**
 * Chunk sizes for `count` paths on `workers` threads when the caller set none: an eighth of what is left
 * per worker (at most 1,000), shrinking towards the end to a sixty-fourth of the run per worker, so the
 * threads finish within a small chunk of each other instead of one idling while the other runs a big
 * last chunk. Which thread runs a path never changes its bytes (path i draws only from (seed, i)).
 */
export function guidedChunkSizes(count: number, workers: number): number[] {
  const smallest = Math.max(1, Math.ceil(count / (workers * 64)));
  const sizes: number[] = [];
  for (let left = count; left > 0;) {
    const size = Math.min(left, Math.max(smallest, Math.min(1000, Math.ceil(left / (workers * 8)))));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/**
 * The worker threads of one or more runs. Threads start at the first chunk (a one-worker pool starts
 * none for a portfolio book: `simulateAll` runs it in this thread) and stay until `destroy()`.
 */
export class StressPool {
  readonly workers: number;
  private piscina: Piscina | null = null;
  private destroyed = false;
  private started = 0;
  /** rejects when the current threads broke (see `start`) */
  private broken: Promise<never> | null = null;

  /** `memoryMb`: each thread's heap limit (resourceLimits); a chunk that passes it fails the run with one line */
  constructor(workers: number = defaultWorkers(), readonly memoryMb: number = WORKER_MEMORY_MB) {
    this.workers = Math.max(1, Math.floor(workers));
  }

  /** Drain a run's chunk board on a worker (worker.ts `drainChunks`); `signal` drops it (its thread is replaced). */
  drain(task: DrainTask, signal?: AbortSignal): Promise<DrainOutcome> {
    return this.submit<DrainOutcome>(task, "default", signal);
  }

  /**
   * samples.csv of a strategy book, built on a worker (worker.ts `samples`): its re-simulated paths run
   * the user's code, which stays off the main thread. Fails as a chunk does (InputError, out of memory, cancel).
   */
  async samples(config: StressConfig, signal?: AbortSignal): Promise<string> {
    const task: ChunkTask = { config, configKey: configKeyOf(config), start: 0, count: 0 };
    const out = await this.submit<string | ChunkInputError>(task, "samples", signal).catch((err: unknown) => {
      if (signal?.aborted) throw new RunCancelled("cancelled");
      if ((err as { code?: unknown } | null)?.code === "ERR_WORKER_OUT_OF_MEMORY") throw new InputError(outOfMemory(task, this.memoryMb, "samples.csv's paths"));
      throw err;
    });
    if (typeof out !== "string") throw new InputError(out.inputError);
    return out;
  }

  /**
   * Start the threads now rather than at the first chunk: each loads its module (dist/worker-thread.cjs) while
   * this thread goes on checking the config and the book. Idempotent; a no-op after `destroy()`.
   */
  warm(): void {
    if (!this.destroyed && !this.piscina) this.start();
  }

  private submit<T>(task: ChunkTask | DrainTask, name: string, signal?: AbortSignal): Promise<T> {
    if (this.destroyed) return Promise.reject(new Error("StressPool: used after destroy()"));
    if (!this.piscina) this.start();
    const run = this.piscina!.run(task, signal ? { signal, name } : { name }) as Promise<T>;
    return Promise.race([run, this.broken!]);
  }

  private start(): void {
    const shape = { workers: this.workers, memoryMb: this.memoryMb };
    const ahead = takeStartedAhead(shape); // the compiled CLI's, started before the command loaded
    const piscina = ahead?.piscina ?? startThreads(shape);
    this.started += ahead?.created ?? 0;
    piscina.on("workerCreate", () => this.started++);
    // A thread that fails while starting (its module does not load) is reported as an 'error' event and
    // piscina starts no more: the queued chunks would wait forever. Fail them instead, and start afresh next run.
    this.broken = new Promise<never>((_, reject) => {
      const fail = (err: unknown) => {
        if (this.piscina === piscina) this.piscina = null;
        reject(new Error(`a worker thread failed: ${err instanceof Error ? err.message : String(err)}`)); // before destroy() rejects the queue with its own reason
        void piscina.destroy();
      };
      if (ahead?.failure) fail(ahead.failure.error);
      else piscina.on("error", fail);
    });
    this.broken.catch(() => {});
    this.piscina = piscina;
  }

  /** Threads started so far (each costs a start-up: about 0.2 CPU-s from dist/worker-thread.cjs, 0.9 under tsx, measured on the SSW): `workers` for a healthy pool, however many runs. */
  get threadsStarted(): number {
    return this.started;
  }

  /** Stop every thread (idempotent). Chunks still queued or running reject. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    const p = this.piscina;
    this.piscina = null;
    if (p) await p.destroy();
  }
}

/**
 * Simulate every path of a run and return the per-path results in path order (path-major, see
 * pathResult.ts): chunks may finish in any order, each lands at its own offset, so the bytes do not
 * depend on the worker count or the chunk size.
 */
export async function simulateAll(config: StressConfig, o: PoolOptions = {}): Promise<Float64Array> {
  return simulateRange(config, 0, config.paths, o);
}

/**
 * Simulate paths [first, first + count) of a run (a shard, see shard.ts) and return their results in
 * path order, laid out as `simulateAll`'s from offset 0: path `first + k` is at block k. Path i draws
 * only from (seed, i), so these bytes are exactly that slice of the whole run's.
 */
export async function simulateRange(config: StressConfig, first: number, count: number, o: PoolOptions = {}): Promise<Float64Array> {
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(count) && first >= 0 && count >= 0 && first + count <= config.paths))
    throw new RangeError(`simulateRange: paths [${first}, ${first + count}) are not within [0, ${config.paths})`);
  const workers = o.pool ? o.pool.workers : Math.max(1, Math.floor(o.workers ?? defaultWorkers()));
  const sizes = o.chunkSize === undefined ? guidedChunkSizes(count, workers) : null;
  const chunk = Math.max(1, Math.floor(o.chunkSize ?? 1));
  const stride = config.modes.length * PATH_FIELDS;
  const chunks: Chunk[] = [];
  const end = first + count;
  for (let start = first, k = 0; start < end; k++) {
    const size = Math.min(sizes ? sizes[k] : chunk, end - start);
    chunks.push({ start, count: size });
    start += size;
  }
  const configKey = configKeyOf(config);

  // a strategy book on a pool runs there even on one worker: user code stays where Ctrl-C, --timeout and the heap limit stop it
  if (workers === 1 && !(o.pool && config.book.kind === "strategy")) {
    const results = new Float64Array(count * stride);
    let done = 0;
    for (const c of chunks) {
      if (o.signal?.aborted) throw new RunCancelled("cancelled");
      results.set(simulateChunk({ config, configKey, ...c }), (c.start - first) * stride);
      o.onProgress?.((done += c.count), count);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let Ctrl-C and progress through
    }
    if (o.signal?.aborted) throw new RunCancelled("cancelled");
    return results;
  }

  const pool = o.pool ?? new StressPool(workers);
  try {
    const results = new SharedArrayBuffer(count * stride * Float64Array.BYTES_PER_ELEMENT);
    const onProgress = o.onProgress;
    await drainAll(pool, { config, configKey, first, chunks, results }, onProgress && ((done) => onProgress(done, count)), o.signal);
    return new Float64Array(results).slice(); // the caller's own memory, not shared with threads that outlive the run
  } finally {
    if (!o.pool) await pool.destroy();
  }
}

/** A chunk whose worker failed (not the user's doing: a thread that died, a module that did not load) is run again this often. */
export const CHUNK_RETRIES = 2;

type ChunkFailure = { chunk: Chunk; input: true; message: string } | { chunk: Chunk; input: false; error: unknown };

/** The failure a run reports: the user's error before a worker fault, then the lowest chunk (stable for a one-failure run). */
function reported(a: ChunkFailure | null, b: ChunkFailure): ChunkFailure {
  if (!a) return b;
  if (a.input !== b.input) return a.input ? a : b;
  return b.chunk.start < a.chunk.start ? b : a;
}

type Settled = { ok: true; outcome: DrainOutcome } | { ok: false; error: unknown };

/**
 * Run every chunk on the pool: one drain per worker takes chunks off a shared board (chunkBoard.ts)
 * until none is left. A chunk the user's strategy failed on fails the run with an InputError at once
 * (the board stops; the other drains finish the chunk in hand). A drain whose thread faulted is
 * charged to the chunk it held (or, holding none — a thread that never started — to the first chunk
 * not done); the chunks left undone run again in another round, each up to CHUNK_RETRIES more times
 * (same streams, same bytes), then the run fails with WorkerFailed. On cancel the drains are dropped at once.
 */
async function drainAll(pool: StressPool, run: Omit<DrainTask, "slot" | "board" | "chunks"> & { chunks: Chunk[] }, progress: ((done: number) => void) | undefined, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new RunCancelled("cancelled");
  const drop = new AbortController();
  const onAbort = () => drop.abort(); // running drains are dropped: their threads are replaced
  signal?.addEventListener("abort", onAbort, { once: true });
  const attempts = new Map<Chunk, number>();
  let pending = run.chunks;
  let doneBefore = 0;
  try {
    while (pending.length > 0) {
      const board = new ChunkBoard(pending.length);
      const round = pending;
      // no watcher when nobody asks for progress (a queue worker's chunk): a thread's every finished piece would wake this thread
      const unwatch = progress ? board.watch((done) => progress(doneBefore + done)) : () => {};
      const drains = Array.from({ length: Math.min(pool.workers, round.length) }, (_, slot) =>
        pool.drain({ ...run, chunks: round, slot, board: board.buffer }, drop.signal).then(
          (outcome): Settled => ({ ok: true, outcome }),
          (error: unknown): Settled => ({ ok: false, error }),
        ));
      let settled: Settled[];
      try {
        settled = await Promise.all(drains);
      } finally {
        unwatch();
      }
      if (signal?.aborted) throw new RunCancelled("cancelled");
      let failure: ChunkFailure | null = null;
      settled.forEach((s, slot) => {
        if (s.ok) {
          if (s.outcome) failure = reported(failure, { chunk: round[s.outcome.chunk], input: true, message: s.outcome.inputError });
          return;
        }
        const k = board.heldBy(slot) >= 0 ? board.heldBy(slot) : board.firstUndone();
        if (k < 0) return; // every chunk got done all the same
        const chunk = round[k];
        if ((s.error as { code?: unknown } | null)?.code === "ERR_WORKER_OUT_OF_MEMORY") failure = reported(failure, { chunk, input: true, message: outOfMemory(chunk, pool.memoryMb) });
        else {
          const tried = (attempts.get(chunk) ?? 0) + 1;
          attempts.set(chunk, tried);
          if (tried > CHUNK_RETRIES) failure = reported(failure, { chunk, input: false, error: s.error });
        }
      });
      const f = failure as ChunkFailure | null;
      if (f) throw f.input ? new InputError(f.message) : workerFailed(f.chunk, f.error);
      doneBefore += board.donePaths;
      pending = round.filter((_, k) => !board.done(k));
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  progress?.(doneBefore);
}

export { WORKER_MEMORY_MB };

function outOfMemory(task: Chunk, memoryMb: number, what = `paths ${task.start}–${task.start + task.count - 1}`): string {
  return `a worker used more than its ${memoryMb} MB memory limit (--max-memory) on ${what}; stopped, nothing written (a strategy keeping data without bound?)`;
}

function workerFailed(task: Chunk, err: unknown): WorkerFailed {
  const message = err instanceof Error ? err.message : typeof err === "object" && err !== null && "message" in err ? String((err as { message: unknown }).message) : String(err);
  return new WorkerFailed(`worker failed on paths ${task.start}–${task.start + task.count - 1}: ${message}`);
}
