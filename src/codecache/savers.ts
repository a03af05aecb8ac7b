/*
 * Every copy of codecache/script.ts in a thread (each script bundle's stub bundles its own) that has a cache
 * to write, so the entry point can have them all write (`saveEveryCodeCache`) under each set of V8 flags it
 * ran under. A module of its own, without imports: the entry point loads nothing else of the code cache.
 */
const SAVERS = Symbol.for("perpsim.codeCacheSavers");
const registry = globalThis as unknown as Record<symbol, Set<() => void> | undefined>;

/** Have `save` called by `saveEveryCodeCache` (once per function, however often it is added). */
export function addSaver(save: () => void): void {
  (registry[SAVERS] ??= new Set()).add(save);
}

/** Every saver added in this thread. */
export function saveEveryCodeCache(): void {
  for (const save of registry[SAVERS] ?? []) save();
}
