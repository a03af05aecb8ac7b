import { setFlagsFromString } from "node:v8";
import { runningCompiled } from "../strategy/index.ts";

/**
 * V8's tiering for a process that runs the stress kernel (`stress`, `worker`): no on-stack replacement.
 * The kernel's path loop is one large function per book shape (stress/compiledPath.ts) called once per
 * path; when it turns hot, V8 compiles it for the next call and, because the path in progress is still
 * looping, a second time to enter mid-loop (OSR) — the larger compile of the two, for one path's worth of
 * steps. Every other hot loop of a stress run is in a function called per path, per step or per chunk, so
 * it is optimized by the ordinary route. Measured with callgrind (every thread's instructions, the same
 * outputs): a 1,000-path SSW run without its report 12.48 G → 11.05 G instructions. Process-wide, so the
 * pool's threads run under it too; set before they start. Only in the compiled CLI: under tsx (tests,
 * development) a command may run inside a test runner's process, whose other work keeps V8's defaults.
 */
export function tuneForKernelRuns(): void {
  if (runningCompiled) setFlagsFromString("--no-use-osr");
}
