import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cachedDataVersionTag } from "node:v8";
import vm from "node:vm";
import { addSaver } from "./savers.ts";
import { cacheFile, readCache, writeCache } from "./store.ts";

/**
 * Run a script bundle (scripts/build.mjs builds the compiled CLI's largest bundles this way: the stress
 * pool's thread, vega's renderer) with the bytecode V8 kept of it on an earlier run. Node 20 keeps no
 * compiled code of ES modules between runs (module.enableCompileCache is Node ≥ 22.1), and compiling a
 * bundle is most of loading it: vega's 1 MB on every report, the pool's 0.5 MB on every thread. A
 * vm.Script takes V8's code cache: compiled once, the bundle then loads from its bytecode, the functions
 * a run called included (the cache is made after they ran, see `saveCodeCaches`).
 *
 * The bundle is CommonJS as esbuild writes it, wrapped in a function of `exports, require, module,
 * __filename, __dirname`, `__importMetaUrl` (the build defines `import.meta.url` as that) and
 * `__perpsimImport`, which its dynamic `import()`s (a user's strategy, tsx, vega-lite) were renamed to by
 * the build: on Node 20 a script made from a code cache loses its dynamic-import callback ("A dynamic
 * import callback was not specified"), so this module, an ES module next to the bundle, imports for it.
 * `hash` is the bundle's content hash (the build's): a cache is used only for those very bytes, with this
 * node and V8 (V8 refuses a cache of other flags or versions itself).
 */
export function runScript(url: URL, hash: string): Record<string, unknown> {
  const file = fileURLToPath(url);
  const wrapped = `(function (exports, require, module, __filename, __dirname, __importMetaUrl, __perpsimImport) {${readFileSync(file, "utf8")}\n})`;
  const cache = cacheFile(file, hash);
  const cachedData = cache === null ? undefined : readCache(cache);
  const tag = cachedDataVersionTag(); // V8's flags it is compiled under
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href, dynamicImport);
  if (cache !== null && (cachedData === undefined || script.cachedDataRejected === true)) {
    if (unsaved.length === 0) process.once("exit", saveCodeCaches);
    addSaver(saveCodeCaches);
    unsaved.push({ script, cache, file, tag });
  }
  return module.exports;
}

/** Scripts run without a usable cache, with V8's tag when they were compiled: their caches are written once they have run a while. */
const unsaved: { script: vm.Script; cache: string; file: string; tag: number }[] = [];

/**
 * Write the code cache of every script run without one, with the functions it has compiled so far: at
 * the thread's exit, or earlier by the caller (a pool thread, stopped without an exit, after its first
 * task). Only those compiled under the V8 flags set now: V8 stamps a cache with the flags it is made
 * under and refuses it under others, so a script compiled before the process set its flags (the compiled
 * CLI's command bundle, loaded under V8's defaults: cli.ts) waits for a call under those again. Failing
 * to write only costs the next run its compile.
 */
export function saveCodeCaches(): void {
  const tag = cachedDataVersionTag();
  const now = unsaved.filter((u) => u.tag === tag);
  const later = unsaved.filter((u) => u.tag !== tag);
  unsaved.length = 0;
  unsaved.push(...later);
  if (unsaved.length === 0) process.off("exit", saveCodeCaches); // asked before the exit: the next unsaved script adds it again
  for (const { script, cache, file } of now) writeCache(cache, file, () => script.createCachedData());
}

/** The bundle's `import()`: from this module, which the build puts in the stub beside the bundle (same folder, so relative specifiers mean the same). */
const dynamicImport = (specifier: string): Promise<unknown> => import(specifier);
