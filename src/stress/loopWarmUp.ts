import type { CompiledPath } from "./compiledPath.ts";
import type { StressConfig } from "./config.ts";
import { FusedPathSimulator } from "./fusedKernel.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import type { PathRunner } from "./simulators.ts";
import { optimiseNow, uncounted } from "./tierUp.ts";
import { InputError } from "../errors/index.ts";
import { drawBothTails, RandomStream } from "../paths/index.ts";

/** The throwaway book's paths: every slot draws near its trigger within the first steps of each. */
const WARM_UP_PATHS = 2;

/** The legs' leverage in the throwaway book, tried in turn until the venue opens it. */
const NEAR_TRIGGER_LEVERAGE = [40, 25, 15];

/** The compiled loops warmed (or tried) in this thread (one per source, shared by every simulator of that shape). */
const warmed = new WeakSet<CompiledPath>();

/**
 * The compiled path loop's warm-up in a thread, before the run's first path: the near-trigger copy below,
 * then WARM_UP_PATHS short paths of the book itself (`warmUpSteps`), after which it asks V8 to optimise
 * the loop (tierUp.ts `optimiseNow`): V8 compiles it at the run's first path, which runs optimised from its
 * first step. Before, the loop was asked for after two of the run's own paths, each run in the baseline tiers
 * (~20 ms a path of the SSW, against ~0.5 ms optimised), ~100 M instructions a thread (callgrind, one
 * worker, 2,000 SSW paths: 8.89 → 8.80 G, the loop's steps as fast). Every site those paths reach has its
 * type feedback: their steps are the run's (same model, legs, funding, step), only fewer; the near-trigger
 * copy gives the bridge draws theirs, and a normal's tail (|z| > 3.44, one draw in ~1,700, which an
 * example book's short paths never met: its loop deoptimised at the run's first) is drawn once. A book
 * the short paths would not cover is warmed as before, on its own first paths (none run here): a
 * scenario's shocks come at its own hours.
 */
export function warmLoop(sim: PathRunner, config: StressConfig): void {
  const loop = sim instanceof FusedPathSimulator ? sim.loop : null;
  if (loop === null || warmed.has(loop) || config.book.kind !== "portfolio") return;
  warmLoopNearTriggers(sim, config);
  warmed.add(loop);
  drawBothTails(new RandomStream("warm-up")); // a normal's tail is too rare for the short paths to meet it surely
  const short = shortened(config, sim as FusedPathSimulator);
  if (short === config) return;
  try {
    const copy = new FusedPathSimulator(short);
    if (copy.loop !== loop) return;
    const out = new Float64Array(copy.modes * PATH_FIELDS);
    uncounted(() => {
      for (let p = 0; p < WARM_UP_PATHS; p++) copy.run(p, out, 0);
    });
  } catch {
    return; // the copy's trouble is not the run's: its own paths meet whatever is wrong with the book, and say so
  }
  optimiseNow(loop);
}

/** The short paths' minimum: ten days of hours. */
const MIN_WARM_UP_STEPS = 240;

/**
 * Steps of the warm-up's short paths: 240 at least, three funding settlements (a settlement's sites get their
 * feedback), and, when the step is a whole number of hours, past the step whose end first passes 2^31 ms:
 * the loop computes that time as `(s + 1) × hours × 3,600,000`, which V8 runs in 32-bit integers until it
 * overflows (step 596 of one-hour steps), and a loop compiled before that deoptimised there.
 */
export function warmUpSteps(sim: Pick<FusedPathSimulator, "steps" | "stepHours" | "settleEvery">): number {
  const settlements = Number.isFinite(sim.settleEvery) ? 3 * Math.ceil(sim.settleEvery / sim.stepHours) : 0;
  const pastInt32 = Number.isInteger(sim.stepHours) ? Math.floor(2 ** 31 / (sim.stepHours * 3_600_000)) + 2 : 0;
  return Math.min(sim.steps, Math.max(MIN_WARM_UP_STEPS, settlements, pastInt32));
}

/** The config over its first `warmUpSteps` steps; itself when that is all of them, or its scenario's shocks may come later. */
function shortened(config: StressConfig, sim: FusedPathSimulator): StressConfig {
  const steps = warmUpSteps(sim);
  return steps >= config.steps || config.scenario !== null ? config : { ...config, steps, horizonHours: (steps * config.stepMinutes) / 60 };
}

/**
 * Give the compiled path loop type feedback at every isolated slot's bridge draw before it is compiled. The
 * loop asks V8 to compile it after its first paths (tierUp.ts); a site those paths never ran has no
 * feedback, and the compiled loop deoptimises there the first time it runs (V8 then runs it in the baseline
 * tier and compiles it again: ~0.1 s). On the SSW that was one thread of two in every run: a thread whose
 * first paths were 625 and 626 deoptimised at path 628, at the BTC slot's first draw near its trigger.
 *
 * So a thread first runs two paths of a throwaway copy of the book at high leverage, where every isolated
 * position sits near its trigger from the first step and draws from its bridge, and drops what they
 * computed: the loop's source does not depend on the legs' leverage, so the copy runs the very same loop
 * (checked: else nothing is run). Those calls do not count towards the loop's warm-up (`uncounted`): the
 * copy's paths end within hours, and a loop compiled on them alone deoptimised on the run's long paths.
 * The run's own paths are untouched: they are simulated by their own simulator, its streams drawn from
 * (seed, path) alone; only how soon the loop is fast for good changes. SSW, 14 alternated pairs: no deopt
 * of the loop in any thread (one a run before), 3.05 → 3.02 s; the copy costs ~10–20 ms a thread.
 * The venue refuses a leverage when a path opens the book (not when the simulator is built), so each leverage
 * is tried by running it. Returns the leverage the copy ran at, or null when none ran.
 */
export function warmLoopNearTriggers(sim: PathRunner, config: StressConfig): number | null {
  const loop = sim instanceof FusedPathSimulator ? sim.loop : null;
  if (loop === null || warmed.has(loop) || config.book.kind !== "portfolio" || !config.modes.includes("isolated")) return null;
  warmed.add(loop); // tried once a loop, whatever comes of it: a venue that refuses every copy is not asked again for each config
  const legs = config.book.legs;
  for (const leverage of NEAR_TRIGGER_LEVERAGE) {
    if (legs.every((l) => l.leverage >= leverage)) return null; // the book is as close to its triggers already
    const copy = new FusedPathSimulator({ ...shortened(config, sim as FusedPathSimulator), book: { kind: "portfolio", legs: legs.map((l) => ({ ...l, leverage: Math.max(l.leverage, leverage) })) } });
    if (copy.loop !== loop) return null;
    const out = new Float64Array(copy.modes * PATH_FIELDS);
    try {
      uncounted(() => {
        for (let p = 0; p < WARM_UP_PATHS; p++) copy.run(p, out, 0);
      });
      return leverage;
    } catch (err) {
      // the venue refuses the book at this leverage when a path opens it: a lower one; any other trouble of the
      // copy's is not the run's (its own paths say what they say)
      if (!(err instanceof InputError)) return null;
    }
  }
  return null;
}
