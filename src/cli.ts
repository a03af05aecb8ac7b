#!/usr/bin/env -S npx tsx
import * as nodeModule from "node:module";
import { setFlagsFromString } from "node:v8";
import { COMMAND_V8_FLAGS, main } from "./cli/index.ts";

for (const flag of COMMAND_V8_FLAGS) setFlagsFromString(flag); // v8Flags.ts says why

// Node ≥ 22.1 keeps compiled bytecode of the modules a command loads (vega, vega-lite, our chunks)
// between runs; on Node 20 the function does not exist and nothing changes.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

process.exitCode = await main(process.argv.slice(2));
