/**
 * Registers tsx's ESM hooks in this thread, once, so a dynamic `import()` of a user's `.ts` strategy
 * file works. Needed where nothing compiles TypeScript already: the compiled CLI (dist/cli.js) and
 * its worker threads, and a pool thread under tsx (which loads worker.ts through tsx's CommonJS hook
 * only). tsx is a runtime dependency; it is loaded only when a .ts strategy file is.
 */
let hooks: Promise<unknown> | null = null;

export function registerTypeScript(): Promise<unknown> {
  return (hooks ??= import("tsx/esm/api").then(
    (m) => m.register(),
    (err: unknown) => {
      hooks = null; // a later call tries again
      throw err;
    },
  ));
}

declare const __PERPSIM_BUNDLE__: true | undefined;

/** True when running the esbuild bundle (scripts/build.mjs defines the constant), false under tsx and vitest. */
export const runningCompiled: boolean = typeof __PERPSIM_BUNDLE__ !== "undefined";
