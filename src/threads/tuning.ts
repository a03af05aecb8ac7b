import { workerData } from "node:worker_threads";

/**
 * The gate between a process's threads starting and its V8 flags being set (cli/v8Flags.ts).
 *
 * V8's flags are the process's, and any flag off its default changes the hash V8 checks every code
 * cache against (`v8.cachedDataVersionTag()`), Node's own included: a thread that starts while the
 * command's flags are set compiles every one of Node's modules it loads from source. Measured on 2
 * cores, a worker thread's first line: ~65 ms under V8's defaults, ~140 ms under any one of our flags.
 * So the compiled CLI starts the stress pool's threads first (`openGate`, its buffer given to each as
 * `workerData.tuning`); each boots under the defaults, arrives and waits (`passGate`) while the main
 * thread waits for all of them (`tuneWhenArrived`), sets the flags and lets them through. Each thread then
 * loads its bundle under the flags its code cache was made under (the cache is written after its first
 * task, flags set). A thread started after the gate opened (piscina replacing one that died) finds it open.
 */
const ARRIVED = 0;
const OPEN = 1;

/** How long either side waits for the other: past this, a thread that never came or a gate never opened is given up on (only costs the start-up above). */
const WAIT_MS = 2000;

/** A closed gate, to hand to the threads about to start. */
export function closedGate(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/**
 * The main thread: wait until `threads` threads have arrived at the gate (or WAIT_MS passed), then set the
 * flags (`tune`) and open it. Blocks this thread: the cores are busy with the threads' start-up meanwhile.
 */
export function tuneWhenArrived(gate: SharedArrayBuffer, threads: number, tune: () => void): void {
  const cells = new Int32Array(gate);
  const until = performance.now() + WAIT_MS;
  for (let arrived = Atomics.load(cells, ARRIVED); arrived < threads; arrived = Atomics.load(cells, ARRIVED)) {
    const left = until - performance.now();
    if (left <= 0) break;
    Atomics.wait(cells, ARRIVED, arrived, left);
  }
  try {
    tune();
  } finally {
    Atomics.store(cells, OPEN, 1);
    Atomics.notify(cells, OPEN);
  }
}

/**
 * A thread, once booted: arrive at the gate this thread was started with (`workerData.tuning`) and wait
 * until it opens. Returns at once for a thread started without one, or after the gate opened.
 */
export function passGate(gate: unknown = (workerData as { tuning?: unknown } | null)?.tuning): void {
  if (!(gate instanceof SharedArrayBuffer)) return;
  const cells = new Int32Array(gate);
  Atomics.add(cells, ARRIVED, 1);
  Atomics.notify(cells, ARRIVED);
  Atomics.wait(cells, OPEN, 0, WAIT_MS); // at once when it is open already
}
