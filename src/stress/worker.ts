import { InputError } from "../market/index.ts";
import type { StressConfig } from "./config.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { samplesCsv } from "./outputs.ts";
import { ChunkBoard, type DrainOutcome, type DrainTask } from "./chunkBoard.ts";
import { createSimulator, type PathRunner } from "./simulators.ts";
import { warmLoop } from "./loopWarmUp.ts";
import { prepareBook } from "./strategyPaths.ts";
import { registerTypeScript, runningCompiled } from "../strategy/index.ts";

/** One chunk of paths for a worker: the validated config and a contiguous range of path indices. */
export interface ChunkTask {
  config: StressConfig;
  /** identifies the config, so a worker builds its simulator once per run */
  configKey: string;
  start: number;
  count: number;
}

let cached: { key: string; simulator: PathRunner } | null = null;

/** This thread's simulator of the task's config, built and its loop warmed once per config (loopWarmUp.ts). */
function simulatorFor(task: Pick<ChunkTask, "config" | "configKey">): PathRunner {
  if (!cached || cached.key !== task.configKey) {
    const simulator = createSimulator(task.config);
    warmLoop(simulator, task.config);
    cached = { key: task.configKey, simulator };
  }
  return cached.simulator;
}

/** Simulate paths [start, start + count) and return their compact results (see pathResult.ts). A strategy book must be loaded first (`prepareBook`). */
export function simulateChunk(task: ChunkTask): Float64Array {
  const sim = simulatorFor(task);
  const out = new Float64Array(task.count * sim.modes * PATH_FIELDS);
  for (let k = 0; k < task.count; k++) sim.run(task.start + k, out, k * sim.modes * PATH_FIELDS);
  return out;
}

/**
 * A task that failed by the user's doing (a strategy that throws on one of samples.csv's paths): returned
 * as data, not thrown, so the pool tells it from a fault of the worker itself. Its message is the
 * InputError's, for the CLI's one line. (A drain returns its chunk's error the same way: DrainOutcome.)
 */
export interface ChunkInputError {
  inputError: string;
}

/** The InputError of any module graph: a strategy file loaded through tsx's ESM hooks has its own copy of the class. */
function isInputError(err: unknown): err is Error {
  return err instanceof InputError || (err instanceof Error && err.name === "InputError");
}

/**
 * Run the board's chunks until none is left: take one, simulate it, write its results into the run's
 * shared results, mark it done. A chunk the user's code fails on stops the board and is returned; any
 * other error is the thread's fault and propagates (the pool charges it to the chunk this drain held).
 * `runChunk` is the simulation (a test injects faults there).
 */
export function drainChunks(task: DrainTask, runChunk: (chunk: ChunkTask) => Float64Array = simulateChunk): DrainOutcome {
  const board = new ChunkBoard(task.board);
  const results = new Float64Array(task.results);
  const stride = task.config.modes.length * PATH_FIELDS;
  for (let k = board.take(task.slot); k >= 0; k = board.take(task.slot)) {
    const { start, count } = task.chunks[k];
    let out: Float64Array;
    try {
      out = runChunk({ config: task.config, configKey: task.configKey, start, count });
    } catch (err) {
      if (!isInputError(err)) throw err;
      board.stop();
      return { inputError: err.message, chunk: k };
    }
    results.set(out, (start - task.first) * stride);
    board.finish(k, count);
  }
  return null;
}

/** The piscina task: drain a run's board (see chunkBoard.ts). */
export default async function (task: DrainTask): Promise<DrainOutcome> {
  await loadBook(task);
  return drainChunks(task);
}

/**
 * samples.csv of a config: a portfolio's traced paths on this thread's simulator for it, its compiled loop
 * warmed (as fast as the run's own paths: fusedTrace.ts); a strategy book's on a simulator of their own,
 * the book loaded first.
 */
function traceSamples(task: Pick<ChunkTask, "config" | "configKey">): string {
  const simulator = task.config.book.kind === "portfolio" ? simulatorFor(task) : createSimulator(task.config);
  return samplesCsv(task.config, simulator, task.config.model.assets.map((a) => a.symbol));
}

/**
 * The piscina task `samples`: samples.csv on a pool thread — a strategy book's, whose re-simulated paths
 * run the user's code and so run here too (where Ctrl-C and the heap limit reach it), never on the main
 * thread; a portfolio's, traced on the thread's warmed loop while the main thread stays free.
 */
export async function samples(task: ChunkTask): Promise<string | ChunkInputError> {
  await loadBook(task);
  try {
    return traceSamples(task);
  } catch (err) {
    if (isInputError(err)) return { inputError: err.message };
    throw err;
  }
}

async function loadBook(task: { config: StressConfig }): Promise<void> {
  if (task.config.book.kind === "strategy") {
    // The main thread loaded this strategy already: failing to load it here is the worker's fault, not the user's.
    try {
      // under tsx a pool thread loads this file through tsx's CommonJS hook only: a .ts strategy's `import()` needs its ESM hooks
      if (!runningCompiled) await registerTypeScript();
      await prepareBook(task.config); // a strategy is code: each worker loads it from the config's file or name
    } catch (err) {
      throw new Error(`the worker could not load the strategy: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
