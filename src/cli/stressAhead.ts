import { availableParallelism } from "node:os";
import { defaultWorkers, discardStartedAhead, startAhead, WORKER_MEMORY_MB } from "../threads/index.ts";
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
 * `perpsim stress`'s pool threads, started before the command's bundle loads (compiled CLI only), so
 * that a thread's start (~100 ms) runs beside the command's load (~60 ms) and the config's checks
 * instead of after them. Only for a run that will start them anyway: a local run (not --queue, not
 * --help) on two threads or more. The command's pool takes them when its shape (threads, --max-memory)
 * is the same; flags this reading gets wrong only cost threads started for nothing. Returns what stops
 * threads nobody took, to call once the command is over.
 */
export function startStressThreadsAhead(argv: readonly string[]): () => Promise<void> {
  const done = () => discardStartedAhead();
  if (argv.some((a) => a === "--help" || a === "-h" || a === "--queue" || a.startsWith("--queue="))) return done;
  const workers = whole(flag(argv, "--workers"), defaultWorkers());
  const memoryMb = whole(flag(argv, "--max-memory"), WORKER_MEMORY_MB);
  if (!(workers >= 2 && workers <= availableParallelism() && memoryMb >= 64)) return done;
  tuneForKernelRuns(); // before the threads start: V8's flags are the process's
  startAhead({ workers, memoryMb });
  return done;
}
