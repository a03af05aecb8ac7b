import type { StressConfig } from "./config.ts";

/**
 * The board of one round of a run's chunks, in memory shared by the main thread and the pool's threads:
 * each thread takes the next chunk from it, writes the chunk's results straight into the run's shared
 * results and marks the chunk done, with no message to the main thread in between. A thread never
 * waits for the main thread to hand it work (with piscina's one task at a time, a main thread busy
 * drawing the report's charts left the threads idle for a third of a 1,000-path run).
 *
 * Cells (Int32): the next chunk to take, a stop flag, paths done so far, then one cell per chunk:
 * free (0), the slot + 1 of the drain holding it, or DONE.
 */
const NEXT = 0;
const STOP = 1;
const DONE_PATHS = 2;
const CHUNKS = 3;
const DONE = -1;

/** A stretch of path indices simulated as one piece. */
export interface Chunk {
  start: number;
  count: number;
}

/**
 * What a thread is given once per round: the run's config, the round's chunks, the board and the
 * run's results (path-major from path `first`, modes × PATH_FIELDS floats a path). `slot` names the drain on the
 * board (0 … workers − 1), so a drain that dies is known by the chunk it held.
 */
export interface DrainTask {
  config: StressConfig;
  configKey: string;
  first: number;
  chunks: Chunk[];
  slot: number;
  board: SharedArrayBuffer;
  results: SharedArrayBuffer;
}

/** How a drain ended: the board ran out (or was stopped), or the user's code failed on a chunk (its index on the board). */
export type DrainOutcome = { inputError: string; chunk: number } | null;

export class ChunkBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer | number) {
    this.buffer = typeof buffer === "number" ? new SharedArrayBuffer((CHUNKS + buffer) * 4) : buffer;
    this.cells = new Int32Array(this.buffer);
  }

  get size(): number {
    return this.cells.length - CHUNKS;
  }

  /** The next free chunk for drain `slot`, now held by it, or -1 when none is left or the board is stopped. */
  take(slot: number): number {
    if (Atomics.load(this.cells, STOP) !== 0) return -1;
    const k = Atomics.add(this.cells, NEXT, 1);
    if (k >= this.size) return -1;
    Atomics.store(this.cells, CHUNKS + k, slot + 1);
    return k;
  }

  /** Chunk k's results are in: count it and wake whoever watches the progress. */
  finish(k: number, paths: number): void {
    Atomics.store(this.cells, CHUNKS + k, DONE);
    Atomics.add(this.cells, DONE_PATHS, paths);
    Atomics.notify(this.cells, DONE_PATHS);
  }

  /** No drain takes another chunk (the user's code failed on one: the run fails). */
  stop(): void {
    Atomics.store(this.cells, STOP, 1);
  }

  done(k: number): boolean {
    return Atomics.load(this.cells, CHUNKS + k) === DONE;
  }

  /** The chunk drain `slot` holds unfinished (it died on it), or -1. */
  heldBy(slot: number): number {
    for (let k = 0; k < this.size; k++) if (Atomics.load(this.cells, CHUNKS + k) === slot + 1) return k;
    return -1;
  }

  /** The first chunk not done, or -1. */
  firstUndone(): number {
    for (let k = 0; k < this.size; k++) if (!this.done(k)) return k;
    return -1;
  }

  get donePaths(): number {
    return Atomics.load(this.cells, DONE_PATHS);
  }

  /**
   * Call `report` with the paths done each time a chunk finishes, until the returned function is called.
   * Waits on the board (Atomics.waitAsync), so it costs nothing while no chunk finishes.
   */
  watch(report: (donePaths: number) => void): () => void {
    let watching = true;
    const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
    void (async () => {
      let seen = 0;
      while (watching) {
        const w = waitAsync(this.cells, DONE_PATHS, seen);
        if (w.async) await w.value;
        const now = this.donePaths;
        if (watching && now !== seen) report((seen = now));
      }
    })();
    return () => {
      watching = false;
      Atomics.notify(this.cells, DONE_PATHS); // release the pending wait
    };
  }
}
