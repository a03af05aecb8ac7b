import { setFlagsFromString } from "node:v8";
import { runningCompiled } from "../strategy/index.ts";
import { KERNEL_V8_FLAGS } from "./v8Flags.ts";

/**
 * V8's tiering for a process that runs the stress kernel (v8Flags.ts says why). Process-wide, so the
 * pool's threads run under it too; set before they start. Only in the compiled CLI: under tsx (tests,
 * development) a command may run inside a test runner's process, whose other work keeps V8's defaults.
 */
export function tuneForKernelRuns(): void {
  if (runningCompiled) for (const flag of KERNEL_V8_FLAGS) setFlagsFromString(flag);
}
