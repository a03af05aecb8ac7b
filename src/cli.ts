#!/usr/bin/env -S npx tsx
import * as nodeModule from "node:module";
import { COMMAND_V8_FLAGS, main, saveCodeCachesUnderTheirFlags, setV8Flags } from "./cli/index.ts";

// Node ≥ 22.1 keeps compiled bytecode of the modules a command loads (vega, vega-lite, our chunks)
// between runs; on Node 20 the function does not exist and nothing changes.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// V8's flags (v8Flags.ts says why), set once the command's module has loaded and the stress pool's threads
// started ahead have booted. Any flag changes the hash V8 checks code caches against, Node's own too: what
// loads before, under V8's defaults, loads Node's modules from their cache (threads/tuning.ts).
process.exitCode = await main(process.argv.slice(2), () => setV8Flags(COMMAND_V8_FLAGS));

saveCodeCachesUnderTheirFlags();

// The command is over and its files are written: leave now, not when a library's own timers run out (ioredis's
// reply parser keeps an interval shrinking its buffer pool for up to ~0.9 s after a queued run's binary replies:
// half of `stress --queue`'s runs ended that much after "wrote"). What was printed reaches its pipe first.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write("", () => resolve()))));
process.exit();
