import { hostname } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { InputError } from "../errors/index.ts";
import {
  configFingerprint, encodeShard, PATH_FIELDS, prepareBook, simulateRange, StressPool, type StressConfig,
} from "../stress/index.ts";
import { bullConnection, connectRedis } from "./connection.ts";
import {
  CHUNK_ATTEMPTS, INPUT_FAILURE, KEY_TTL_SECONDS, MAX_STALLED, QUEUE_NAME, QUEUE_PREFIX, QUEUE_SCHEMA, REFUSED_FAILURE, resultKey, specKey,
  type ChunkJob, type ChunkReply,
} from "./protocol.ts";
import { decodeRunSpec } from "./runSpec.ts";
import type { RedisTarget } from "./url.ts";

export interface WorkerOptions {
  target: RedisTarget;
  /** this worker's perpsim version: it runs only jobs of the same */
  version: string;
  /** pool threads */
  threads: number;
  /** chunks taken at a time (each drained by the threads as a local run is: simulateRange) */
  concurrency: number;
  /** BullMQ lock duration and stalled-check interval: a chunk whose worker vanished is back on the queue within about twice this */
  stallMs: number;
  /** one line per event worth a log (joined, refused, failed, stopping) */
  log: (line: string) => void;
}

export interface RunningWorker {
  id: string;
  /** chunks computed so far */
  readonly done: number;
  /** Stop taking chunks; the ones in hand finish (force: they are dropped and go back to the queue via the stall check). */
  close(force?: boolean): Promise<void>;
}

/**
 * A chunk job on the pool's threads, results in path order: the threads drain the job's paths as a local
 * run's (pool.ts `simulateRange`: guided pieces off a shared board, a thread's fault retried there). The
 * user's error (a strategy failing on a path, a thread over its memory limit) comes back as data.
 */
async function simulateOnPool(pool: StressPool, config: StressConfig, start: number, count: number): Promise<Float64Array | { inputError: string }> {
  try {
    // a job is itself one piece of a run: four pieces a thread balance it (the guided sizes of a whole run cut a 47-path job in ~20)
    return await simulateRange(config, start, count, { pool, chunkSize: Math.ceil(count / (pool.workers * 4)) });
  } catch (err) {
    if (err instanceof InputError || (err instanceof Error && err.name === "InputError")) return { inputError: err.message };
    throw err;
  }
}

interface LoadedRun {
  config: StressConfig;
  fingerprint: string;
}

/**
 * Join the queue: take chunk jobs, refuse those of another perpsim version or schema (and strategy
 * files, which never travel), simulate the rest on a piscina pool and store each chunk's results as a
 * shard file under its result key. Results go to Redis as binary, never as JSON of numbers.
 */
export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const id = `${hostname()}:${process.pid}`;
  let closing = false;
  const stopped = () => closing;
  const redis: Redis = await connectRedis(o.target, Number.POSITIVE_INFINITY, undefined, stopped);
  redis.on("error", () => {}); // reconnects forever; BullMQ's own connection logs the loss once below
  const pool = new StressPool(o.threads);
  const runs = new Map<string, LoadedRun>();
  let done = 0;

  const refuse = (job: Job, why: string): never => {
    o.log(`refused chunk ${job.id}: ${why}`);
    throw new UnrecoverableError(`${REFUSED_FAILURE}worker ${id} refused chunk ${job.id}: ${why}`);
  };

  const loadRun = async (job: Job, d: ChunkJob): Promise<LoadedRun | null> => {
    const cached = runs.get(d.run);
    if (cached) return cached;
    const bytes = await redis.getBuffer(specKey(d.run));
    if (!bytes) return null;
    const spec = decodeRunSpec(bytes, `run ${d.run}`);
    if (spec.version !== o.version || spec.schema !== QUEUE_SCHEMA) refuse(job, `its run spec is of perpsim ${spec.version} (queue schema ${spec.schema}), this worker is perpsim ${o.version} (schema ${QUEUE_SCHEMA})`);
    const { config } = spec;
    if (config.book.kind === "strategy" && config.book.file !== null) refuse(job, "strategy files do not run over the queue (see README: strategy books on the queue)");
    const fingerprint = await configFingerprint(config, o.version);
    if (fingerprint !== d.fingerprint || fingerprint !== spec.fingerprint) refuse(job, `its config resolves here to fingerprint ${fingerprint.slice(0, 12)}, not the run's ${d.fingerprint.slice(0, 12)}`);
    await prepareBook(config);
    const run = { config, fingerprint };
    runs.set(d.run, run);
    if (runs.size > 4) runs.delete(runs.keys().next().value!); // a sweep's cells come one after another: keep the last few
    return run;
  };

  const runChunk = async (job: Job<ChunkJob>): Promise<ChunkReply> => {
    const d = job.data;
    if (d.version !== o.version || d.schema !== QUEUE_SCHEMA)
      refuse(job, `job of perpsim ${d.version} (queue schema ${d.schema}), this worker is perpsim ${o.version} (schema ${QUEUE_SCHEMA})`);
    if (!(await redis.exists(specKey(d.run)))) return { worker: id, discarded: true }; // cancelled or expired: nothing to compute
    const run = await loadRun(job, d);
    if (!run) return { worker: id, discarded: true };
    const out = await simulateOnPool(pool, run.config, d.start, d.count);
    if (!(out instanceof Float64Array)) throw new UnrecoverableError(`${INPUT_FAILURE}${out.inputError}`);
    const { bytes } = encodeShard({
      fingerprint: run.fingerprint, version: o.version, shard: { index: d.index, count: d.chunks }, range: { start: d.start, end: d.start + d.count },
      paths: run.config.paths, modes: run.config.modes, fields: PATH_FIELDS, config: { source: `queue run ${d.run}`, text: "", overrides: {} },
    }, out);
    await redis.set(resultKey(d.run, d.start), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "EX", KEY_TTL_SECONDS);
    done++;
    return { worker: id, bytes: bytes.length };
  };

  const worker = new Worker<ChunkJob, ChunkReply>(QUEUE_NAME, async (job) => {
    try {
      return await runChunk(job);
    } catch (err) {
      if (err instanceof UnrecoverableError) throw err;
      if (err instanceof InputError) throw new UnrecoverableError(`${INPUT_FAILURE}${err.message}`);
      throw err; // a fault: BullMQ retries the chunk, up to its attempts
    }
  }, {
    connection: bullConnection(o.target, undefined, stopped), prefix: QUEUE_PREFIX, concurrency: o.concurrency,
    lockDuration: o.stallMs, stalledInterval: o.stallMs, maxStalledCount: MAX_STALLED, autorun: false,
  });
  let lost = false;
  worker.on("error", (err) => {
    if (!lost) o.log(`Redis connection trouble (retrying): ${err.message}`);
    lost = true;
  });
  worker.on("active", () => (lost = false));
  worker.on("failed", (job, err) => {
    if (job && !err.message.startsWith(REFUSED_FAILURE)) o.log(`chunk ${job.id} failed (attempt ${job.attemptsMade} of ${CHUNK_ATTEMPTS}): ${err.message}`);
  });
  void worker.run();
  await worker.waitUntilReady();

  return {
    id,
    get done() {
      return done;
    },
    async close(force = false) {
      closing = true; // connections that drop from now on stay down
      const closed = worker.close(force);
      // BullMQ's close waits for Redis to take the chunks in hand; with Redis gone they cannot be
      // delivered (the stall check re-runs them later): stop anyway rather than hang
      let poll: NodeJS.Timeout | undefined;
      const gone = new Promise<void>((resolve) => (poll = setInterval(() => redis.status !== "ready" && resolve(), 200)));
      await Promise.race([closed, gone]);
      clearInterval(poll);
      if (redis.status !== "ready") void worker.disconnect().catch(() => {});
      await pool.destroy();
      redis.disconnect();
    },
  };
}
