import { availableParallelism } from "node:os";
import { InputError } from "../../errors/index.ts";
import { parseRedisUrl, QUEUE_SCHEMA, startWorker } from "../../queue/index.ts";
import { numberFlag, parseFlags, requireFlag } from "../args.ts";
import { packageVersion } from "./stress.ts";
import { tuneForKernelRuns } from "../kernelFlags.ts";

export const usage = `usage: perpsim worker --queue redis://[user:pass@]host:port[/db] [--workers N] [--concurrency K] [--stall-seconds S]

Joins the queue of perpsim stress --queue runs on that Redis (rediss:// for TLS) and simulates chunks
of paths on a pool of N threads (default: this machine's cores), taking K chunks at a time (default 2,
so the next chunk is fetched while one runs). Runs only jobs of its own perpsim version and queue
schema and refuses others with a message; strategy files are refused (they never travel over the queue).
SIGTERM or Ctrl-C: stops taking chunks, finishes the ones in hand, exits 0; a second signal drops them
and they go back to the queue. A worker that vanishes (kill -9, machine lost) loses only its chunks in
hand: after about 2 × S seconds (default 30) another worker runs them again.`;

const OPTIONS = {
  queue: { type: "string" }, workers: { type: "string" }, concurrency: { type: "string" }, "stall-seconds": { type: "string" }, help: { type: "boolean", short: "h" },
} as const;

function whole(name: string, value: string | undefined, min: number, fallback: number): number {
  const n = numberFlag(name, value) ?? fallback;
  if (!(Number.isSafeInteger(n) && n >= min)) throw new InputError(`--${name}: must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, OPTIONS);
  if (v.help) {
    console.log(usage);
    return 0;
  }
  const target = parseRedisUrl(requireFlag("queue", v.queue));
  const threads = whole("workers", v.workers, 1, Math.max(1, availableParallelism()));
  const concurrency = whole("concurrency", v.concurrency, 1, 2);
  const stallSeconds = numberFlag("stall-seconds", v["stall-seconds"]) ?? 30;
  if (!(stallSeconds >= 0.5)) throw new InputError(`--stall-seconds: must be at least 0.5, got '${v["stall-seconds"]}'`);
  const version = await packageVersion();
  const log = (line: string) => console.error(`perpsim worker: ${line}`);
  tuneForKernelRuns();
  const worker = await startWorker({ target, version, threads, concurrency, stallMs: Math.round(stallSeconds * 1000), log });
  console.log(`perpsim worker ${worker.id}: joined ${target.display} (perpsim ${version}, queue schema ${QUEUE_SCHEMA}); ${threads} thread${threads > 1 ? "s" : ""}, ${concurrency} chunk${concurrency > 1 ? "s" : ""} at a time`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log(`${signal} again: dropping the chunks in hand (they go back to the queue)`);
        void worker.close(true);
        return;
      }
      stopping = true;
      log(`${signal}: finishing the chunks in hand, then stopping`);
      void worker.close().then(() => {
        process.off("SIGTERM", onTerm);
        process.off("SIGINT", onInt);
        console.log(`perpsim worker ${worker.id}: stopped after ${worker.done} chunk${worker.done === 1 ? "" : "s"}`);
        resolve(0);
        // with Redis gone, BullMQ's closing worker keeps retry timers: the process ends here anyway
        setTimeout(() => process.exit(0), 1000).unref();
      });
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
}
