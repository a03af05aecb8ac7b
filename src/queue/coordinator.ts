import { randomBytes } from "node:crypto";
import { Queue, QueueEvents, type ConnectionOptions } from "bullmq";
import type { Redis } from "ioredis";
import { InputError } from "../errors/index.ts";
import { configFingerprint, decodeShard, PATH_FIELDS, RunCancelled, type StressConfig } from "../stress/index.ts";
import { bullConnection, connectRedis } from "./connection.ts";
import {
  CHUNK_ATTEMPTS, INPUT_FAILURE, jobId, KEY_TTL_SECONDS, QUEUE_NAME, QUEUE_PREFIX, QUEUE_SCHEMA, REFUSED_FAILURE, resultKey, specKey,
  type ChunkJob, type ChunkReply,
} from "./protocol.ts";
import { encodeRunSpec } from "./runSpec.ts";
import type { RedisTarget } from "./url.ts";

export interface QueueProgress {
  done: number;
  total: number;
  /** distinct workers that returned a chunk so far */
  workers: number;
  elapsedMs: number;
}

export interface QueuedRunOptions {
  target: RedisTarget;
  /** this perpsim's version: the jobs carry it, and only workers of the same version run them */
  version: string;
  /** paths per chunk job (default: `defaultChunkPaths`) */
  chunkPaths?: number;
  signal?: AbortSignal;
  onProgress?: (p: QueueProgress) => void;
  /** called once per config, as soon as every chunk of it is in, with its per-path results in path order */
  onRun: (k: number, results: Float64Array) => void | Promise<void>;
  /** the run fails when Redis has been unreachable this long (default 5 s) */
  lostAfterMs?: number;
}

/**
 * A portfolio chunk's least work, in asset-steps: ~0.2 s of one thread's fused kernel (~20 M asset-steps/s).
 * Each job costs the worker's and the coordinator's main threads ~3–5 ms of Redis round trips, BullMQ's
 * scripts, decoding and thread posts, beside the threads simulating: on 32 jobs of a 3,000-path SSW run
 * (~30 ms of work each) that was 10–15 % of the run.
 */
export const MIN_CHUNK_ASSET_STEPS = 4_000_000;

/** A chunk's most paths, whatever its work: its results (112 bytes a path and mode) stay ~2 MB in Redis for two modes. */
export const MAX_CHUNK_PATHS = 10_000;

/**
 * Paths per chunk job when the run names none: about 32 chunks a run, so many workers share it, at most
 * 1,000 paths each; but a portfolio book's chunks hold at least MIN_CHUNK_ASSET_STEPS of work (up to
 * MAX_CHUNK_PATHS paths). A strategy book's steps run the user's code, far slower: 32 chunks of it are never small.
 */
export function defaultChunkPaths(config: StressConfig): number {
  const byCount = Math.min(1000, Math.ceil(config.paths / 32));
  const byWork = config.book.kind === "portfolio" ? Math.ceil(MIN_CHUNK_ASSET_STEPS / Math.max(1, config.steps * config.model.assets.length)) : 1;
  return Math.max(1, Math.min(MAX_CHUNK_PATHS, Math.max(byCount, byWork)));
}

interface Pending {
  k: number;
  run: string;
  start: number;
  count: number;
}

/** Strategy files are code: they never travel over the queue (README: strategy books on the queue). */
function refuseStrategyFiles(config: StressConfig): void {
  if (config.book.kind === "strategy" && config.book.file !== null)
    throw new InputError(`strategy ${config.book.file}: a strategy file does not run over the queue (workers run no code sent through Redis); use --shard i/n, where every machine reads the file, or a shipped strategy by name`);
}

const withTimeout = (p: Promise<unknown>, ms: number) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);

/**
 * Run `configs` on the queue's workers: store each config's run spec, enqueue its chunks, and gather
 * the results (binary shard files under result keys) in path order. A chunk failing on the user's input
 * fails the run with that error; a refusal or a chunk out of attempts fails it with the worker's reason;
 * Redis gone for `lostAfterMs` fails it. However it ends, its jobs and keys are removed.
 */
export async function runOnQueue(configs: StressConfig[], o: QueuedRunOptions): Promise<{ workers: string[] }> {
  configs.forEach(refuseStrategyFiles);
  const lostAfter = o.lostAfterMs ?? 5000;
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const redis: Redis = await connectRedis(o.target, lostAfter, (why) => fail(new InputError(`lost the connection to Redis at ${o.target.display} mid-run (${why}); nothing written`)));
  const connection = bullConnection(o.target, lostAfter);
  const queue = new Queue<ChunkJob, ChunkReply, "chunk">(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
  const opened: { events?: QueueEvents } = {}; // for the clean-up, however far the set-up got
  queue.on("error", () => {}); // the loss is reported once, by `redis`
  const base = randomBytes(8).toString("hex");
  const runs = configs.map((_, k) => `${base}.${k}`);
  const pending = new Map<string, Pending>();
  const workers = new Set<string>();
  try {
    const { events, fingerprints } = await openRun({ redis, queue, connection, configs, runs, version: o.version, opened }, failed);

    const remaining = configs.map(() => 0);
    const results: (Float64Array | null)[] = configs.map(() => null);
    const jobs: { name: "chunk"; data: ChunkJob; opts: { jobId: string; attempts: number; removeOnComplete: boolean; removeOnFail: { age: number } } }[] = [];
    for (let k = 0; k < configs.length; k++) {
      const c = configs[k];
      const size = Math.max(1, Math.floor(o.chunkPaths ?? defaultChunkPaths(c)));
      const chunks = Math.ceil(c.paths / size);
      for (let start = 0, index = 0; start < c.paths; start += size, index++) {
        const count = Math.min(size, c.paths - start);
        const id = jobId(runs[k], start);
        pending.set(id, { k, run: runs[k], start, count });
        remaining[k]++;
        jobs.push({ name: "chunk", data: { run: runs[k], version: o.version, schema: QUEUE_SCHEMA, fingerprint: fingerprints[k], start, count, index, chunks }, opts: { jobId: id, attempts: CHUNK_ATTEMPTS, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } } });
      }
    }
    const total = configs.reduce((n, c) => n + c.paths, 0);
    let done = 0;
    const t0 = performance.now();
    let chain: Promise<void> = Promise.resolve();
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));

    const collect = async (id: string, reply: ChunkReply) => {
      const p = pending.get(id);
      if (!p) return;
      if ("discarded" in reply) throw new InputError(`chunk ${id}: worker ${reply.worker} found no run spec in Redis (expired or deleted by someone else)`);
      const bytes = await redis.getBuffer(resultKey(p.run, p.start));
      if (!bytes) throw new InputError(`chunk ${id}: its results are missing from Redis (evicted? the Redis must not evict keys: maxmemory-policy noeviction)`);
      const shard = decodeShard(bytes, `chunk ${id}`);
      if (shard.header.fingerprint !== fingerprints[p.k] || shard.header.range.start !== p.start || shard.header.range.end !== p.start + p.count)
        throw new InputError(`chunk ${id}: worker ${reply.worker} returned results of another run or range`);
      const c = configs[p.k];
      const stride = c.modes.length * PATH_FIELDS;
      results[p.k] ??= new Float64Array(c.paths * stride);
      results[p.k]!.set(shard.results, p.start * stride);
      pending.delete(id);
      void redis.del(resultKey(p.run, p.start));
      workers.add(reply.worker);
      done += p.count;
      o.onProgress?.({ done, total, workers: workers.size, elapsedMs: performance.now() - t0 });
      if (--remaining[p.k] === 0) {
        await o.onRun(p.k, results[p.k]!);
        results[p.k] = null;
      }
      if (pending.size === 0) finish();
    };
    events.on("completed", ({ jobId: id, returnvalue }) => {
      if (!pending.has(id)) return;
      const reply: ChunkReply = typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue;
      chain = chain.then(() => collect(id, reply)).catch(fail);
    });
    events.on("failed", ({ jobId: id, failedReason }) => {
      const p = pending.get(id);
      if (!p) return;
      if (failedReason.startsWith(INPUT_FAILURE)) return fail(new InputError(failedReason.slice(INPUT_FAILURE.length)));
      if (failedReason.startsWith(REFUSED_FAILURE)) return fail(new InputError(failedReason.slice(REFUSED_FAILURE.length)));
      fail(new InputError(`paths ${p.start}–${p.start + p.count - 1} failed on the queue after ${CHUNK_ATTEMPTS} attempts (or lost their worker too often): ${failedReason}`));
    });

    const cancelled = new Promise<never>((_, reject) => {
      if (o.signal?.aborted) reject(new RunCancelled("cancelled"));
      o.signal?.addEventListener("abort", () => reject(new RunCancelled("cancelled")), { once: true });
    });
    cancelled.catch(() => {});
    o.onProgress?.({ done: 0, total, workers: 0, elapsedMs: 0 });
    for (let i = 0; i < jobs.length; i += 1000) await Promise.race([queue.addBulk(jobs.slice(i, i + 1000)), failed, cancelled]);
    await Promise.race([finished, failed, cancelled]);
    await chain;
    return { workers: [...workers].sort() };
  } finally {
    await cleanUp(redis, queue, runs, pending);
    await withTimeout(opened.events?.close() ?? Promise.resolve(), 2000);
    await withTimeout(queue.close(), 2000);
    redis.disconnect();
  }
}

/**
 * Three things before a run's first job goes in, each a few Redis round trips, side by side (~20 ms a run
 * one after another, on loopback): the events reader (from the stream's last id, so none of this run's
 * events is missed), the run specs, and the queue's own connection. All settle before the run goes on (a
 * failure of one must not leave another's connection opening after the clean-up), unless Redis is gone for good
 * (`failed`). The events reader is put in `opened` as soon as it exists, for the clean-up.
 */
async function openRun(
  r: { redis: Redis; queue: Queue<ChunkJob, ChunkReply, "chunk">; connection: ConnectionOptions; configs: StressConfig[]; runs: string[]; version: string; opened: { events?: QueueEvents } },
  failed: Promise<never>,
): Promise<{ events: QueueEvents; fingerprints: string[] }> {
  const eventsReady = (async () => {
    const eventsKey = `${QUEUE_PREFIX}:${QUEUE_NAME}:events`;
    const last = (await r.redis.xrevrange(eventsKey, "+", "-", "COUNT", 1))[0]?.[0] ?? "0-0";
    const events = (r.opened.events = new QueueEvents(QUEUE_NAME, { connection: r.connection, prefix: QUEUE_PREFIX, lastEventId: last }));
    events.on("error", () => {});
    await events.waitUntilReady();
    return events;
  })();
  const specsStored = (async () => {
    const fingerprints = await Promise.all(r.configs.map((c) => configFingerprint(c, r.version)));
    await Promise.all(r.configs.map((c, k) =>
      r.redis.set(specKey(r.runs[k]), encodeRunSpec({ version: r.version, schema: QUEUE_SCHEMA, fingerprint: fingerprints[k], config: c }), "EX", KEY_TTL_SECONDS)));
    return fingerprints;
  })();
  const [ready, stored, queueReady] = await Promise.race([Promise.allSettled([eventsReady, specsStored, r.queue.waitUntilReady()]), failed]);
  for (const settled of [ready, stored, queueReady]) if (settled.status === "rejected") throw settled.reason;
  return { events: (ready as PromiseFulfilledResult<QueueEvents>).value, fingerprints: (stored as PromiseFulfilledResult<string[]>).value };
}

/** Remove what the run left on Redis: its chunks not yet run (running ones finish unseen), its specs (so no worker starts them), stray results. */
async function cleanUp(redis: Redis, queue: Queue<ChunkJob, ChunkReply, "chunk">, runs: string[], pending: Map<string, Pending>): Promise<void> {
  if (redis.status !== "ready") return; // Redis is gone: the keys expire on their own
  const work = (async () => {
    await redis.del(...runs.map(specKey));
    const left = [...pending.entries()];
    for (let i = 0; i < left.length; i += 500) {
      const slice = left.slice(i, i + 500);
      await Promise.all(slice.map(([id]) => queue.remove(id).catch(() => 0)));
      await redis.del(...slice.map(([, p]) => resultKey(p.run, p.start)));
    }
  })();
  await withTimeout(work, 5000);
}
