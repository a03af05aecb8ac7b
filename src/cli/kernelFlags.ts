import { setFlagsFromString } from "node:v8";
import { saveEveryCodeCache } from "../codecache/index.ts";
import { runningCompiled } from "../strategy/index.ts";
import { DEFAULT_V8_FLAGS, KERNEL_V8_FLAGS } from "./v8Flags.ts";

/** Set each of these V8 flags (process-wide). */
export function setV8Flags(flags: readonly string[]): void {
  for (const flag of flags) setFlagsFromString(flag);
}

/**
 * V8's tiering for a process that runs the stress kernel (v8Flags.ts says why). Process-wide, so the
 * pool's threads run under it too; set before they start. Only in the compiled CLI: under tsx (tests,
 * development) a command may run inside a test runner's process, whose other work keeps V8's defaults.
 */
export function tuneForKernelRuns(): void {
  if (runningCompiled) setV8Flags(KERNEL_V8_FLAGS);
}

/**
 * The compiled CLI's end (cli.ts): the code caches of the script bundles run without one (codecache/), those
 * loaded under the flags first, then, under V8's defaults again, the command's own, loaded before the flags
 * were set (a cache is V8's only under the flags it was made under).
 */
export function saveCodeCachesUnderTheirFlags(): void {
  saveEveryCodeCache();
  setV8Flags(DEFAULT_V8_FLAGS);
  saveEveryCodeCache();
}
