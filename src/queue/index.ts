/**
 * Runs beyond one machine on Redis + BullMQ (DESIGN.md §5): `perpsim worker` takes chunks of paths,
 * `perpsim stress --queue` enqueues a run's chunks and gathers them in path order, byte for byte the
 * local run's. Scheduling, retries and stalled-job recovery are BullMQ's; determinism is the stress room's.
 */
export { parseRedisUrl, type RedisTarget } from "./url.ts";
export { runOnQueue, defaultChunkPaths, MAX_CHUNK_PATHS, MIN_CHUNK_ASSET_STEPS, type QueuedRunOptions, type QueueProgress } from "./coordinator.ts";
export { startWorker, type WorkerOptions, type RunningWorker } from "./chunkWorker.ts";
export { QUEUE_SCHEMA, QUEUE_NAME, QUEUE_PREFIX, specKey, type ChunkJob } from "./protocol.ts";
export { encodeRunSpec, decodeRunSpec, type RunSpec } from "./runSpec.ts";
