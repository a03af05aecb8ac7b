/**
 * What a coordinator (`perpsim stress --queue`) and a worker (`perpsim worker`) agree on: the BullMQ
 * queue, the Redis keys beside it, and what a chunk job carries.
 */

/** BullMQ's key prefix and queue name: every perpsim run on one Redis shares the queue, each job names its run. */
export const QUEUE_PREFIX = "perpsim";
export const QUEUE_NAME = "chunks";

/**
 * The layout of what travels over the queue: the resolved StressConfig inside a run spec (runSpec.ts)
 * and the job data below. Bump it when either changes shape; a worker refuses jobs of another schema.
 */
export const QUEUE_SCHEMA = 1;

/** A chunk job: paths [start, start + count) of the run whose spec is stored under `run`. */
export interface ChunkJob {
  /** the run spec's id (one per config: a sweep's cells are runs of their own) */
  run: string;
  /** the coordinator's perpsim version and queue schema: a worker runs only its own */
  version: string;
  schema: number;
  /** configFingerprint of the run's config: the worker checks the spec it reads against it */
  fingerprint: string;
  start: number;
  count: number;
  /** chunk index and count within the run (the result's shard header) */
  index: number;
  chunks: number;
}

/** A worker's reply: its id (host and pid), or that the run was gone (cancelled or expired) and nothing was computed. */
export type ChunkReply = { worker: string; bytes: number } | { worker: string; discarded: true };

/** How a worker marks a failed job's reason, so the coordinator tells the user's error from a refusal and from a fault. */
export const INPUT_FAILURE = "input: ";
export const REFUSED_FAILURE = "refused: ";

/** Spec and result keys live at most this long: a coordinator that died leaves nothing behind for good. */
export const KEY_TTL_SECONDS = 7 * 24 * 3600;

export const specKey = (run: string) => `${QUEUE_PREFIX}:run:${run}:spec`;
export const resultKey = (run: string, start: number) => `${QUEUE_PREFIX}:run:${run}:result:${start}`;
export const jobId = (run: string, start: number) => `${run}-${start}`;

/** Attempts per chunk: a worker fault (a thread that died, a lost connection) is retried, bounded. */
export const CHUNK_ATTEMPTS = 3;
/** A chunk whose worker vanished is put back this often before the run fails (BullMQ's stalled-job check). */
export const MAX_STALLED = 2;
