#!/usr/bin/env -S npx tsx
import * as nodeModule from "node:module";
import { setFlagsFromString } from "node:v8";
import { main } from "./cli/index.ts";

// A command lives a second or two. V8's default tiering has TurboFan optimize (on background threads)
// much code that then runs only a little longer — vega's renderer above all. A 4.5× larger interrupt
// budget (the default is 67,584) keeps lukewarm code in the baseline tiers and still optimizes the hot
// loops (the stress kernel on every worker thread, the replay) within milliseconds. Measured on 2 cores:
// `perpsim report` of a 1,000-path stress run 1.1 → 0.75 CPU-s; `stress` of 1,000 paths with its report
// 4.5 → 4.0 CPU-s. The flag is process-wide: worker threads started later run under it too.
setFlagsFromString("--interrupt-budget=300000");

// Node ≥ 22.1 keeps compiled bytecode of the modules a command loads (vega, vega-lite, our chunks)
// between runs; on Node 20 the function does not exist and nothing changes.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

process.exitCode = await main(process.argv.slice(2));
