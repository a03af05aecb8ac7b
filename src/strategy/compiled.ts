import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runningCompiled } from "./typescript.ts";

/** dist/strategies.json (scripts/build.mjs): per shipped strategy, its bundle and the hash of each file under strategies/ it was built from. */
type Manifest = Record<string, { file: string; inputs: Record<string, string> }>;

let manifest: Manifest | null | undefined;
const fresh = new Map<string, string | null>();

/**
 * In the compiled CLI: the URL of the bundle dist/strategy-NAME.js of the strategy strategies/NAME.ts,
 * if every file it was built from is unchanged since the build (same content); otherwise, and under
 * tsx, null (the .ts file is then loaded through tsx, as a user's own file is). A shipped strategy
 * thus runs without tsx, and an edited one still runs as edited.
 */
export function compiledStrategy(name: string, strategiesDir: URL): string | null {
  if (!runningCompiled) return null;
  if (fresh.has(name)) return fresh.get(name)!;
  manifest ??= readManifest();
  const entry = manifest && Object.hasOwn(manifest, name) ? manifest[name] : undefined;
  const url = entry && Object.entries(entry.inputs).every(([rel, hash]) => sameContent(new URL(rel, strategiesDir), hash))
    ? pathToFileURL(join(import.meta.dirname, entry.file)).href
    : null;
  fresh.set(name, url);
  return url;
}

function readManifest(): Manifest | null {
  try {
    return JSON.parse(readFileSync(join(import.meta.dirname, "strategies.json"), "utf8")) as Manifest;
  } catch {
    return null; // a build without it: every strategy through tsx
  }
}

function sameContent(file: URL, sha256: string): boolean {
  try {
    return createHash("sha256").update(readFileSync(file)).digest("hex") === sha256;
  } catch {
    return false;
  }
}
