import { availableParallelism } from "node:os";
import { discardStartedAhead, startAhead, WORKER_MEMORY_MB, type ThreadShape } from "../threads/index.ts";
import { tuneForKernelRuns } from "./kernelFlags.ts";

/** `--name value` or `--name=value` (the last one given), or undefined. */
function flag(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) value = argv[i + 1];
    else if (argv[i].startsWith(`${name}=`)) value = argv[i].slice(name.length + 1);
  }
  return value;
}

const whole = (text: string | undefined, fallback: number) => (text === undefined ? fallback : /^\d+$/.test(text.trim()) ? Number(text) : NaN);

/**
 * The pool's shape a `perpsim stress` command line will ask for, when it will start threads at all: a local
 * run (not --queue, not --help) on two threads or more (--workers, default every core; at most `cores`,
 * beyond which the command refuses without --force), each with --max-memory's heap (default WORKER_MEMORY_MB).
 * Null when the threads would not start, or the flags do not read as whole numbers (the command says why).
 */
export function stressThreadShape(argv: readonly string[], cores = availableParallelism()): ThreadShape | null {
  if (argv.some((a) => a === "--help" || a === "-h" || a === "--queue" || a.startsWith("--queue="))) return null;
  const workers = whole(flag(argv, "--workers"), Math.max(1, cores));
  const memoryMb = whole(flag(argv, "--max-memory"), WORKER_MEMORY_MB);
  return workers >= 2 && workers <= cores && memoryMb >= 64 ? { workers, memoryMb } : null;
}

/**
 * `perpsim stress`'s pool threads, started before the command's bundle loads (compiled CLI only), so
 * that a thread's start (~100 ms) runs beside the command's load (~60 ms) and the config's checks
 * instead of after them (`stressThreadShape`). The command's pool takes them when its shape is the same;
 * flags this reading gets wrong only cost threads started for nothing. Returns what stops threads nobody
 * took, to call once the command is over.
 */
export function startStressThreadsAhead(argv: readonly string[]): () => Promise<void> {
  const shape = stressThreadShape(argv);
  if (shape) {
    tuneForKernelRuns(); // before the threads start: V8's flags are the process's
    startAhead(shape);
  }
  return () => discardStartedAhead();
}
