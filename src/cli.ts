#!/usr/bin/env -S npx tsx
import * as nodeModule from "node:module";
import { main } from "./cli/index.ts";

// Node ≥ 22.1 keeps compiled bytecode of the modules a command loads (vega, vega-lite, our chunks)
// between runs; on Node 20 the function does not exist and nothing changes.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

process.exitCode = await main(process.argv.slice(2));
