import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/market/index.ts";
import { CHUNK_RETRIES, guidedChunkSizes, simulateAll, WorkerFailed } from "../../src/stress/pool.ts";
import { drainChunks, simulateChunk, type ChunkInputError } from "../../src/stress/worker.ts";
import { StressPool, type ChunkTask } from "../../src/stress/index.ts";
import type { DrainOutcome, DrainTask } from "../../src/stress/chunkBoard.ts";
import { poolBook, sha256 } from "./fixtures/poolBook.ts";

const exec = promisify(execFile);

const config = poolBook;
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * A pool whose two drains run in this thread, one after the other, with a fault injected by `fault`
 * (attempt counts per chunk start): an Error is the thread dying on that chunk, an inputError the
 * user's strategy failing on it.
 */
class FaultyPool extends StressPool {
  readonly attempts = new Map<number, number>();
  constructor(private readonly fault: (task: ChunkTask, attempt: number) => Error | ChunkInputError | null) {
    super(2);
  }
  override async drain(task: DrainTask): Promise<DrainOutcome> {
    await new Promise((r) => setImmediate(r)); // as on threads, the drains' results come back later
    return drainChunks(task, (chunk) => {
      const attempt = this.attempts.get(chunk.start) ?? 0;
      this.attempts.set(chunk.start, attempt + 1);
      const f = this.fault(chunk, attempt);
      if (f instanceof Error) throw f;
      if (f) throw new InputError(f.inputError);
      return simulateChunk(chunk);
    });
  }
}

describe("StressPool: one set of threads for many runs (real threads, in a tsx process)", () => {
  it("runs several configs on the same two threads, each byte-identical to one worker; a cancelled run rejects and the pool runs on", async () => {
    const { stdout } = await exec(process.execPath, ["--import", "tsx", "test/montecarlo/fixtures/poolReuse.ts"]);
    const r = JSON.parse(stdout.trim().split("\n").pop()!);
    const inThread = async (rho: number) => sha256(await simulateAll(poolBook(rho), { workers: 1 }));
    expect(r.hashes).toEqual([await inThread(0.3), await inThread(0.9), await inThread(0.3)]);
    expect(r.hashes[0]).not.toBe(r.hashes[1]); // the configs differ, so the comparison has teeth
    expect(r.threadsAfterRuns).toBe(2); // started once for three runs
    expect(r.cancelled).toBe("RunCancelled");
    expect(r.afterCancel).toBe(await inThread(0.6));
    // progress from the threads' board as chunks finish (300 paths in chunks of 37): several calls, never backwards, ending at every path
    expect(r.progress.length).toBeGreaterThan(2);
    expect(r.progress.every((d: number, i: number) => d <= 300 && (i === 0 || d >= r.progress[i - 1]))).toBe(true);
    expect(r.progress.at(-1)).toBe(300);
  }, 120_000);

  it("threads that cannot start (no tsx in this process) fail the run instead of hanging", async () => {
    const pool = new StressPool(2);
    try {
      const err = await simulateAll(poolBook(0.5), { pool }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerFailed);
      expect((err as Error).message).toMatch(/^worker failed on paths \d+–\d+: .*Unknown file extension/);
    } finally {
      await pool.destroy();
    }
  }, 60_000);
});

describe("simulateAll on a pool: worker faults are retried, the user's errors are not", () => {
  it(`a chunk whose worker faults is run again (up to ${CHUNK_RETRIES} times) and the bytes do not change`, async () => {
    const c = config(0.5);
    const pool = new FaultyPool((task, attempt) => ((task.start / 10) % 2 === 0 && attempt < CHUNK_RETRIES ? new Error("worker exited with code: 1") : null));
    const out = await simulateAll(c, { pool, chunkSize: 10 });
    expect(bytes(out).equals(bytes(await simulateAll(c, { workers: 1 })))).toBe(true);
    expect(pool.attempts.get(0)).toBe(CHUNK_RETRIES + 1);
    expect(pool.attempts.get(10)).toBe(1);
  });

  it("reports progress ending at every path, a chunk retried after a fault counted once", async () => {
    const c = config(0.5);
    const pool = new FaultyPool((task, attempt) => (task.start === 100 && attempt === 0 ? new Error("worker exited with code: 1") : null));
    const seen: [number, number][] = [];
    const out = await simulateAll(c, { pool, chunkSize: 20, onProgress: (done, total) => seen.push([done, total]) });
    expect(bytes(out).equals(bytes(await simulateAll(c, { workers: 1 })))).toBe(true);
    expect(seen.every(([, total]) => total === c.paths)).toBe(true);
    expect(seen.every(([done], i) => done <= c.paths && (i === 0 || done >= seen[i - 1][0]))).toBe(true);
    expect(seen.at(-1)).toEqual([c.paths, c.paths]);
    expect(pool.attempts.get(100)).toBe(2); // retried once, in a second round
  });

  it("a chunk that faults every time fails the run with WorkerFailed naming its paths and the reason", async () => {
    const pool = new FaultyPool((task) => (task.start === 40 ? new Error("Unknown file extension \".ts\"") : null));
    const err = await simulateAll(config(0.5), { pool, chunkSize: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerFailed);
    expect((err as Error).message).toBe("worker failed on paths 40–59: Unknown file extension \".ts\"");
    expect(pool.attempts.get(40)).toBe(CHUNK_RETRIES + 1);
  });

  it("a strategy's error is the run's InputError, tried once, and wins over a worker fault elsewhere", async () => {
    const pool = new FaultyPool((task) =>
      task.start === 60 ? { inputError: "path 61, hour 3: strategy 'x' failed" } : task.start === 20 ? new Error("worker exited with code: 1") : null);
    const err = await simulateAll(config(0.5), { pool, chunkSize: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe("path 61, hour 3: strategy 'x' failed");
    expect(pool.attempts.get(60)).toBe(1);
  });
});

describe("guided chunk sizes", () => {
  it("cover every path once, never grow, and end in chunks of a sixty-fourth of the run per worker", () => {
    for (const [count, workers] of [[10_000, 2], [1_000, 2], [100_000, 8], [7, 2], [1, 1]]) {
      const sizes = guidedChunkSizes(count, workers);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
      for (let k = 1; k < sizes.length; k++) expect(sizes[k]).toBeLessThanOrEqual(sizes[k - 1]);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(1000);
      // the last chunk each worker takes is small: the threads finish within ~1/64 of the run per worker of each other
      const tail = sizes.slice(-workers);
      for (const size of tail) expect(size).toBeLessThanOrEqual(Math.ceil(count / (workers * 64)));
    }
    // the SSW's 10,000 paths on 2 workers: 625 first (an eighth of the run per worker), 79 last
    const ssw = guidedChunkSizes(10_000, 2);
    expect(ssw[0]).toBe(625);
    expect(ssw.at(-2)).toBe(79);
  });
});
