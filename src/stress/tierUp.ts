/**
 * The compiled path loop asks V8 to optimise it as soon as its type feedback is complete, instead of
 * waiting for V8's own tiering. That tiering counts the loop's bytecode run against its size (the SSW's
 * loop is ~10 KB of bytecode: 68 budget ticks, restarted each time a site sees its first type), marks the
 * loop after ~5 paths, then compiles it on a background thread for 100–200 ms on a machine whose cores the
 * other pool threads and the main thread hold; the thread meanwhile runs paths in the baseline tiers at
 * 15–30 ms each against ~0.5 ms optimised: ~0.3 s a thread before its first fast path. Asked after its
 * second path, V8 compiles the loop at once on the thread itself (~100–150 ms), and no slow path runs
 * meanwhile (measured on the SSW, 1,000 paths, 2 workers: wall −12 %, CPU −13 %).
 *
 * Not after the first path: V8 gives a function its feedback vector only once it has run a while, so the
 * first call's opening sites have no type feedback, and the loop optimised then deoptimised at once
 * (measured). Nor before a few thousand steps: the rarer sites (the bridge near a trigger, a funding
 * settlement) need their feedback too; a site still without any deoptimises the loop the first time it
 * runs, and the loop asks again a warm-up later. A pool thread's warm-up (loopWarmUp.ts) runs every site of
 * the run's paths on two short paths of the book itself and then asks at once (`optimiseNow`), so the loop is
 * compiled at the run's first path.
 *
 * The request is V8's `%OptimizeFunctionOnNextCall` (`%GetOptimizationStatus` tells whether one is
 * needed), intrinsics that only parse under `--allow-natives-syntax`: the compiled CLI sets it for the
 * processes that run the kernel (cli/v8Flags.ts). Elsewhere (tsx, the tests) there is no request and V8
 * decides alone. Optimising changes how fast the loop runs, never what it computes.
 */
type Intrinsic = (f: (...args: never[]) => unknown) => number | undefined;

interface V8Tiering {
  /** mark the function to be optimised, on this thread, at its next call (V8 ignores it when optimised code is there) */
  optimizeOnNextCall: Intrinsic;
  /** whether the function holds optimised code now */
  optimised(f: (...args: never[]) => unknown): boolean;
}

/** V8's OptimizationStatus bit for "has optimised code" (src/runtime/runtime.h, kOptimized: TurboFan's or Maglev's). */
const OPTIMIZED = 1 << 4;

let tiering: V8Tiering | null | undefined;

/** The intrinsics as functions, or null where natives syntax does not parse (decided at the first use: the flag is set before). */
function v8Tiering(): V8Tiering | null {
  if (tiering === undefined) {
    try {
      const optimizeOnNextCall = new Function("f", "%OptimizeFunctionOnNextCall(f);") as Intrinsic;
      const status = new Function("f", "return %GetOptimizationStatus(f);") as Intrinsic;
      tiering = { optimizeOnNextCall, optimised: (f) => ((status(f) ?? 0) & OPTIMIZED) !== 0 };
    } catch {
      tiering = null;
    }
  }
  return tiering;
}

/** The calls a loop runs before it asks: two at least (the first one's opening sites have no feedback), and this many steps. */
const WARM_CALLS = 2;
const WARM_STEPS = 4000;

/** The calls after which a loop of `stepsPerCall` steps asks to be optimised. */
export function warmCalls(stepsPerCall: number): number {
  return Math.max(WARM_CALLS, Math.ceil(WARM_STEPS / Math.max(1, stepsPerCall)));
}

/**
 * Requests a loop makes in a thread at most: one after its warm-up, and one after each deoptimisation (a
 * rare site run for the first time: the SSW's 10,000 paths meet one in about one thread of two), a warm-up
 * later, instead of V8's ~0.3 s. The cap bounds the compiles of a loop that would keep deoptimising; V8's
 * own tiering takes over after it.
 */
export const MAX_REQUESTS = 4;

/**
 * `loop` as it is where the request cannot be made; else `loop` behind a counter that, every
 * `warmCalls(stepsOf(arg))` calls (the steps of the call in hand: one loop serves books of any horizon),
 * looks whether V8 holds optimised code for it and, when not, asks V8 to optimise it, MAX_REQUESTS times
 * at most (in this thread: every caller shares the counter). `optimiseNow` asks at once. Only every
 * warm-up: the look is a runtime call (~2 µs), and a traced sample path calls the loop once per kept step
 * (3,600 calls for the SSW's five, ~8 ms a trace when it looked at every call).
 */
export function optimisedAfterWarmUp<A>(loop: (arg: A) => void, stepsOf: (arg: A) => number): (arg: A) => void {
  const v8 = v8Tiering();
  if (v8 === null) return loop;
  let sinceAsked = 0, asked = 0;
  const ask = () => {
    // the count restarts whatever the answer: a loop found optimised is looked at again a warm-up later, not at every call
    sinceAsked = 0;
    if (asked >= MAX_REQUESTS || v8.optimised(loop)) return;
    v8.optimizeOnNextCall(loop);
    asked++;
  };
  const counted = (arg: A) => {
    loop(arg);
    if (counting && ++sinceAsked >= warmCalls(stepsOf(arg))) ask();
  };
  askNow.set(counted, ask);
  return counted;
}

const askNow = new WeakMap<(arg: never) => void, () => void>();

/**
 * Ask V8 now to optimise the loop behind `counted` (one of `optimisedAfterWarmUp`'s, else nothing): for a
 * warm-up that has run every site of the loop already on paths of its own (loopWarmUp.ts), fewer steps
 * than the counter waits for. It counts as one of the MAX_REQUESTS.
 */
export function optimiseNow(counted: (arg: never) => void): void {
  askNow.get(counted)?.();
}

let counting = true;

/**
 * Run `f`, its calls of any loop not counted towards a warm-up: a throwaway book's paths that only give the
 * loop type feedback (loopWarmUp.ts) are cut short by liquidations, so a loop compiled on them alone would
 * take their short paths' integer-range feedback and deoptimise on the run's long ones (measured: "overflow").
 */
export function uncounted(f: () => void): void {
  const was = counting;
  counting = false;
  try {
    f();
  } finally {
    counting = was;
  }
}
