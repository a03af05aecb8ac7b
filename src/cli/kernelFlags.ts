import { setFlagsFromString } from "node:v8";
import { saveEveryCodeCache } from "../codecache/index.ts";
import { runningCompiled } from "../strategy/index.ts";
import { DEFAULT_V8_FLAGS, KERNEL_V8_FLAGS } from "./v8Flags.ts";

/**
 * V8's tiering for a process that runs the stress kernel (v8Flags.ts says why). Process-wide, so the
 * pool's threads run under it too; set before they start. Only in the compiled CLI: under tsx (tests,
 * development) a command may run inside a test runner's process, whose other work keeps V8's defaults.
 */
export function tuneForKernelRuns(): void {
  if (runningCompiled) for (const flag of KERNEL_V8_FLAGS) setFlagsFromString(flag);
}

/**
 * The compiled CLI's end (cli.ts): the code caches of the script bundles run without one (codecache/), those
 * loaded under the flags first, then, under V8's defaults again, the command's own, loaded before the flags
 * were set (a cache is V8's only under the flags it was made under).
 */
export function saveCodeCachesUnderTheirFlags(): void {
  saveEveryCodeCache();
  for (const flag of DEFAULT_V8_FLAGS) setFlagsFromString(flag);
  saveEveryCodeCache();
}
