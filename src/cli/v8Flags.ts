/**
 * The V8 flags of the compiled CLI, in one place (cli.ts and kernelFlags.ts set them; the benches start
 * their measuring processes under them, so a measured kernel tiers up as a stress run's threads do).
 *
 * Every command: a command lives a second or two. V8's default tiering has TurboFan optimize (on background
 * threads) much code that then runs only a little longer — vega's renderer above all. A 4.5× larger interrupt
 * budget (the default is 67,584) keeps lukewarm code in the baseline tiers and still optimizes the hot
 * loops (the stress kernel on every worker thread, the replay) within milliseconds. Measured on 2 cores:
 * `perpsim report` of a 1,000-path stress run 1.1 → 0.75 CPU-s; `stress` of 1,000 paths with its report
 * 4.5 → 4.0 CPU-s.
 */
export const COMMAND_V8_FLAGS = ["--interrupt-budget=300000"] as const;

/**
 * A process that runs the stress kernel (`stress`, `worker`): no on-stack replacement. The kernel's path
 * loop is one large function per book shape (stress/compiledPath.ts) called once per path; when it turns
 * hot, V8 compiles it for the next call and, because the path in progress is still looping, a second time
 * to enter mid-loop (OSR) — the larger compile of the two (~130 ms against ~50), for one path's worth of
 * steps. Worse, once the ordinary code deoptimises, every later call enters the cached OSR code at its
 * loop, whose doubles are boxed: seen in 1 single-thread run of 6, 2.5× slower to the end of the run.
 * Every other hot loop of a stress run is in a function called per path, per step or per chunk, so it is
 * optimized by the ordinary route. Measured with callgrind (every thread's instructions, the same
 * outputs): a 1,000-path SSW run without its report 12.48 G → 11.05 G instructions.
 *
 * And natives syntax, for one intrinsic: the path loop asks V8 to optimise it after its second path
 * (stress/tierUp.ts: no slow path runs while V8 compiles it; without the flag V8 tiers it up by itself,
 * ~0.3 s later a thread). Valid JavaScript parses the same with it; code caches are kept per flag set
 * (codecache/store.ts), so the commands without it keep theirs.
 *
 * And half V8's cumulative inlining budget (920 bytecode bytes inlined into one optimised function). A
 * stress thread keeps compiling the margin engine's functions for its first thousand paths or more (each is
 * called on a handed-over step only, a few times a path, so it turns hot late): ~0.25 s of TurboFan a thread
 * on the SSW, each compile inlining the engine's call chains up to the budget. The path loop then inlines
 * one copy of the Ziggurat's slow path instead of four, and one of its three bridge draws (the other two, near
 * a trigger only, are calls): its compile ~65 → ~50 ms, its instructions a step the same. Measured with
 * callgrind on one thread of the SSW, paths 600–1,200: 1,509 → 1,462 instructions a path-step, all of it
 * TurboFan's own work (the loop's code 1,026 → 1,029). SSW CLI, 2 workers, alternated: CPU −2, −6 and −7 % in
 * three sets of 8–10 runs; 1,000 paths with the report CPU −2 % over 20 pairs. `bench queue`'s process: both
 * pools' threads 18–23 % less CPU; its queue/local ratio rose, ×1.03 → ×1.08 over 10 pairs, the queued run's
 * waiting between jobs now a larger share of a faster run.
 */
export const KERNEL_V8_FLAGS = ["--no-use-osr", "--allow-natives-syntax", "--max-inlined-bytecode-size-cumulative=460"] as const;

/**
 * V8's own values of every flag above (Node 20's V8): setting them undoes the flags, V8's tag
 * (`cachedDataVersionTag`) back to the one of a process that set none. The compiled CLI does so at its end
 * to write the code cache of its command's bundle, which it loads before it sets the flags (cli.ts).
 */
export const DEFAULT_V8_FLAGS = ["--interrupt-budget=67584", "--use-osr", "--no-allow-natives-syntax", "--max-inlined-bytecode-size-cumulative=920"] as const;
