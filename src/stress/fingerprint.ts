import { createHash } from "node:crypto";
import type { StressConfig } from "./config.ts";

/** JSON with every object's keys sorted, so the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  const plain: unknown = JSON.parse(JSON.stringify(value) ?? "null"); // applies toJSON (a bootstrap history's summary)
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sorted(o[k])]));
    }
    return v;
  };
  return JSON.stringify(sorted(plain));
}

/** Reads a strategy file's bytes for the fingerprint (null when unreadable); given by the caller that owns file access (the CLI). */
export type StrategySourceReader = (file: string) => Promise<Uint8Array | null>;

/**
 * What makes two runs the same run: a SHA-256 of the canonical resolved config (seed, paths, model,
 * scenario, book, modes…) and perpsim's version, plus what the config only points at — a bootstrap
 * model's sampled history (its numbers, not just its dates) and a strategy file's source, read by
 * `readStrategy` (null = unreadable; a file the loader could not read failed prepareBook already).
 * Shards with equal fingerprints produce slices of one whole run; the merge refuses any others.
 */
export async function configFingerprint(config: StressConfig, version: string, readStrategy?: StrategySourceReader): Promise<string> {
  const hash = createHash("sha256");
  hash.update(canonicalJson({ version, config }));
  if (config.model.type === "bootstrap") {
    const h = config.model.history;
    for (const a of [...h.returns, ...h.fundingPer8h]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  if (config.book.kind === "strategy" && config.book.file !== null) {
    // without the file's source two different strategies would share a fingerprint
    if (!readStrategy) throw new Error(`configFingerprint: the book names a strategy file (${config.book.file}): pass readStrategy`);
    const source = await readStrategy(config.book.file);
    hash.update(source ?? "(unreadable strategy file)");
  }
  return hash.digest("hex");
}
