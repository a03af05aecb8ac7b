import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import type { Piscina } from "piscina";

declare const __PERPSIM_BUNDLE__: true | undefined;
const compiled = typeof __PERPSIM_BUNDLE__ !== "undefined";

/** Heap limit of each worker thread, MB (`--max-memory`'s default). */
export const WORKER_MEMORY_MB = 4096;

/** The shape of the stress pool's threads: how many, and each one's heap limit (MB). */
export interface ThreadShape {
  workers: number;
  memoryMb: number;
}

/**
 * The threads' module: dist/worker-thread.cjs beside the compiled CLI (the CommonJS stub that runs the
 * bundle worker.cjs; its own directory: scripts/build.mjs rewrites `import.meta.url`, not
 * `import.meta.dirname`), or the stress room's worker.ts itself under tsx and vitest.
 */
function workerModule(): string {
  return compiled ? pathToFileURL(join(import.meta.dirname, "worker-thread.cjs")).href : new URL("../stress/worker.ts", import.meta.url).href;
}

/**
 * Start the stress pool's threads (piscina; each loads the worker module at once), their isolates made
 * without V8's concurrent recompilation: a pool thread compiles its hot functions on itself, the
 * process's own compile threads left to the main thread (vega, the sample paths). Each thread runs one
 * hot loop on a core of its own; compiled in the background, its engine functions (the liquidation
 * walk, the hand-over: ~0.5 CPU-s a SSW run) took a third runnable thread per core from the two
 * simulating, while the thread ran them in the baseline tier. The SSW with 2 threads, 3 × 5–6 alternated
 * runs: 2.94 → 2.80, 3.02 → 2.89 and 2.79 → 2.66 s, CPU −4 %; 1,000 paths with the report unchanged.
 * A thread piscina starts later (one that died) is made with them: only slower to warm up.
 * V8 reads the flag when an isolate is made (a thread's first step), so it is off until every thread is
 * online and on again after: the main thread's isolate, made before, keeps its compile threads.
 */
export function startThreads(shape: ThreadShape, gate?: SharedArrayBuffer): Piscina {
  const { Piscina: Pool } = loadPiscina();
  setFlagsFromString("--no-concurrent-recompilation"); // does not change V8's flag hash (tuning.ts)
  let piscina: Piscina;
  try {
    piscina = new Pool({
      filename: workerModule(), minThreads: shape.workers, maxThreads: shape.workers,
      resourceLimits: { maxOldGenerationSizeMb: shape.memoryMb }, // a strategy that allocates without bound is stopped, not the machine
      ...(gate && { workerData: { tuning: gate } }),
    });
  } catch (err) {
    setFlagsFromString("--concurrent-recompilation");
    throw err;
  }
  let starting = piscina.threads.length;
  if (starting === 0) setFlagsFromString("--concurrent-recompilation");
  for (const thread of piscina.threads) {
    // a thread that fails before it runs counts as started: the flag never stays off for later isolates
    const once = () => {
      thread.off("online", once).off("error", once).off("exit", once);
      if (--starting === 0) setFlagsFromString("--concurrent-recompilation");
    };
    thread.on("online", once).on("error", once).on("exit", once);
  }
  return piscina;
}

/**
 * piscina, required when threads start: a CommonJS package, which an ES import loads through Node's ES
 * module loader and its CommonJS translation (~30 ms on the compiled CLI's way to starting the stress
 * pool's threads, against ~15 by require), and which no command without threads loads at all.
 */
function loadPiscina(): typeof import("piscina") {
  return createRequire(import.meta.url)("piscina") as typeof import("piscina");
}

/** Threads started ahead: how many were created before they were taken, and the error one failed with (a thread that could not start). */
export interface StartedAhead {
  piscina: Piscina;
  created: number;
  failure: { error: unknown } | null;
}

interface Slot {
  key: string;
  ahead: StartedAhead;
}

/*
 * The compiled CLI starts the pool's threads before it loads the stress command (the command's bundle
 * takes ~60 ms to load; a thread ~100 ms to start), and the command's pool takes them. The two are
 * separate bundles, each with its own copy of this module: the threads wait in a process-wide slot.
 */
const SLOT = Symbol.for("perpsim.threadsStartedAhead");
const slots = globalThis as unknown as Record<symbol, Slot | undefined>;
const keyOf = (shape: ThreadShape) => `${shape.workers}/${shape.memoryMb}`;

/**
 * Start the threads of `shape` now, for the first `takeStartedAhead` of the same shape. Only in the compiled
 * CLI, and once: whether they started. Each thread waits at `gate` (tuning.ts) before it loads its bundle.
 */
export function startAhead(shape: ThreadShape, gate?: SharedArrayBuffer): boolean {
  if (!compiled || slots[SLOT]) return false;
  const ahead: StartedAhead = { piscina: startThreads(shape, gate), created: 0, failure: null };
  ahead.piscina.on("workerCreate", () => ahead.created++);
  ahead.piscina.on("error", (error: unknown) => {
    ahead.failure ??= { error };
  });
  slots[SLOT] = { key: keyOf(shape), ahead };
  return true;
}

/** The threads started ahead for this shape, now the caller's (it destroys them), or null. */
export function takeStartedAhead(shape: ThreadShape): StartedAhead | null {
  const slot = slots[SLOT];
  if (!slot || slot.key !== keyOf(shape)) return null;
  slots[SLOT] = undefined;
  return slot.ahead;
}

/** Stop threads started ahead that nobody took (the command failed first, or ran without a pool). */
export async function discardStartedAhead(): Promise<void> {
  const slot = slots[SLOT];
  slots[SLOT] = undefined;
  if (slot) await slot.ahead.piscina.destroy();
}

/** Every core of the machine, at least one: the pool's size when the run names none. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}
