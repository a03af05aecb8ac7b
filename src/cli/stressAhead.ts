import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { closedGate, discardStartedAhead, startAhead, tuneWhenArrived, WORKER_MEMORY_MB, type ThreadShape } from "../threads/index.ts";
import { tuneForKernelRuns } from "./kernelFlags.ts";
import { STRESS_OPTIONS } from "./commands/stressOptions.ts";

const whole = (text: string | undefined, fallback: number) => (text === undefined ? fallback : /^\d+$/.test(text.trim()) ? Number(text) : NaN);

/**
 * The pool's shape a `perpsim stress` command line will ask for, when it will start threads at all: a local
 * run (not --queue, not --help) on two threads or more (--workers, default every core; at most `cores`,
 * beyond which the command refuses without --force), each with --max-memory's heap (default WORKER_MEMORY_MB).
 * Null when the threads would not start, or the flags do not read as whole numbers (the command says why).
 */
export function stressThreadShape(argv: readonly string[], cores = availableParallelism()): ThreadShape | null {
  // the command's own table, not strict: a command line it refuses only costs threads started for nothing
  const { values: v } = parseArgs({ args: [...argv], options: STRESS_OPTIONS, strict: false, allowPositionals: true });
  if (v.help || v.queue !== undefined) return null;
  const text = (value: string | boolean | undefined) => (typeof value === "string" ? value : value === undefined ? undefined : "");
  const workers = whole(text(v.workers), Math.max(1, cores));
  const memoryMb = whole(text(v["max-memory"]), WORKER_MEMORY_MB);
  return workers >= 2 && workers <= cores && memoryMb >= 64 ? { workers, memoryMb } : null;
}

/** Threads started ahead: `tune` sets the process's V8 flags once they have booted, `stop` ends those nobody took. */
export interface ThreadsAhead {
  tune(flags: () => void): void;
  stop(): Promise<void>;
}

/**
 * `perpsim stress`'s pool threads, started before the command's bundle loads (compiled CLI only), so
 * that a thread's start-up runs beside the command's load and the config's checks instead of after
 * them (`stressThreadShape`). The command's pool takes them when its shape is the same; flags this
 * reading gets wrong only cost threads started for nothing. The threads boot under V8's default flags;
 * `tune` sets the command's flags (`flags`) and the kernel's once they have (threads/tuning.ts) — at once
 * when none started here — before they load their bundle, whose code cache was made under them. `stop`,
 * once the command is over, ends the threads nobody took.
 */
export function startStressThreadsAhead(argv: readonly string[]): ThreadsAhead {
  const shape = stressThreadShape(argv);
  const gate = closedGate();
  const started = shape !== null && startAhead(shape, gate);
  return {
    tune(flags) {
      const all = () => {
        flags();
        tuneForKernelRuns();
      };
      if (started) tuneWhenArrived(gate, shape.workers, all);
      else all();
    },
    stop: () => discardStartedAhead(),
  };
}
