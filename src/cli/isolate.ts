import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError } from "../market/index.ts";
import { runningCompiled } from "../strategy/index.ts";

/** Ctrl-C stopped the run (the caller prints one line and exits 130). */
export class Interrupted extends Error {
  override name = "Interrupted";
}

export interface IsolateOptions {
  /** what the thread runs, for messages ("the backtest") */
  what: string;
  /** stop it after this many seconds (`--timeout`) */
  timeoutSeconds?: number;
  /** V8 heap limit of the thread, in MB (`--max-memory`) */
  memoryMb: number;
  /** progress the thread reports (its function's second argument), as numbers */
  onProgress?: (...values: number[]) => void;
}

/** The jobs a thread can run: each is a module src/cli/threads/<job>.ts, bundled on its own as dist/thread-<file>.js. */
const JOBS = { backtest: "backtest", stressProbe: "stress-probe" } as const;
export type IsolatedJob = keyof typeof JOBS;

/**
 * The thread's module and its workerData: from the compiled CLI, the job's one-file bundle beside it
 * (no tsx at run time); under tsx and vitest, a plain JavaScript shim that registers tsx, then imports
 * the job's .ts entry.
 */
function threadStart(job: IsolatedJob, args: unknown): { file: URL; workerData: unknown } {
  if (runningCompiled) return { file: pathToFileURL(join(import.meta.dirname, `thread-${JOBS[job]}.js`)), workerData: { args } };
  return { file: new URL("./isolateWorker.mjs", import.meta.url), workerData: { entry: new URL(`./threads/${job}.ts`, import.meta.url).href, args } };
}

type Reply = { ok: true; value: unknown } | { ok: false; input: boolean; message: string; stack: string } | { progress: number[] };

/**
 * Run a job (its function, with `args`) in a worker thread: user code there (a strategy's onBar) cannot
 * hold the main thread, so Ctrl-C and `--timeout` stop it; its heap is bounded (`resourceLimits`), so a
 * strategy that allocates without bound is stopped with one line instead of aborting V8; and a
 * strategy's `process.exit()` ends only that thread, which is reported, not taken for success.
 */
export function runIsolated<T>(job: IsolatedJob, args: unknown, o: IsolateOptions): Promise<T> {
  const { file, workerData } = threadStart(job, args);
  const worker = new Worker(file, {
    workerData,
    resourceLimits: { maxOldGenerationSizeMb: o.memoryMb },
    stderr: false,
    stdout: false,
  });
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      process.off("SIGINT", onSigint);
      clearTimeout(timer);
      void worker.terminate();
      f();
    };
    const onSigint = () => finish(() => reject(new Interrupted("interrupted")));
    process.once("SIGINT", onSigint);
    const timer = o.timeoutSeconds === undefined ? undefined : setTimeout(() => {
      finish(() => reject(new InputError(`--timeout ${o.timeoutSeconds}: ${o.what} was still running after ${o.timeoutSeconds} s; stopped, nothing written`)));
    }, o.timeoutSeconds * 1000);
    worker.on("message", (reply: Reply) => {
      if ("progress" in reply) o.onProgress?.(...reply.progress);
      else settle(reply);
    });
    const settle = (reply: Exclude<Reply, { progress: number[] }>) => finish(() => {
      if (reply.ok) resolve(reply.value as T);
      else if (reply.input) reject(new InputError(reply.message));
      else reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
    });
    worker.on("error", (err: Error & { code?: string }) => finish(() => {
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") {
        reject(new InputError(`${o.what} used more than its ${o.memoryMb} MB memory limit (--max-memory); stopped, nothing written (a strategy keeping data without bound?)`));
      } else reject(err);
    }));
    worker.on("exit", (code) => finish(() => reject(new InputError(`${o.what} ended before it finished: its code called process.exit(${code}); nothing written`))));
  });
}
