/** V8's code cache for the compiled CLI's script bundles (scripts/build.mjs): loaded from bytecode kept on disk. */
export { runScript, saveCodeCaches } from "./script.ts";
export { saveEveryCodeCache } from "./savers.ts";
export { codeCacheDir } from "./store.ts";
