import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { VegaLiteSpec } from "./charts/chart.ts";

/**
 * Each vega-lite spec compiled once. vega-lite's compiler reads a spec's shape (marks, encodings,
 * scales, the names of its datasets), never the rows of inline datasets: it copies them into the
 * compiled data entries. So the shape — the spec with every dataset emptied — is compiled, kept in
 * memory and on disk (keyed by the shape and vega-lite's version), and the rows are put back. A report
 * whose charts have been drawn before loads neither vega-lite nor its compiler (~0.3 CPU-s of a
 * short command). test/report/compileCache.test.ts checks the result equals a direct compile.
 *
 * Disk: $PERPSIM_CACHE_DIR/vega, else node_modules/.cache/perpsim/vega in the project;
 * PERPSIM_CACHE_DIR=off keeps it in memory only. Failing to read or write it only costs time.
 */
const FORMAT = 1;
const memory = new Map<string, Promise<string>>();

/** The folder of the report's caches on disk (this one's, and parseCache.ts's), or null when PERPSIM_CACHE_DIR=off. */
export function cacheDir(): string | null {
  const env = process.env.PERPSIM_CACHE_DIR;
  if (env === "off") return null;
  return join(env ? resolve(env) : resolve(dirname(fileURLToPath(import.meta.url)), "../../node_modules/.cache/perpsim"), "vega");
}

let vegaLiteVersion: string | undefined;
function compilerVersion(): string {
  if (vegaLiteVersion === undefined) {
    const entry = createRequire(import.meta.url).resolve("vega-lite"); // …/vega-lite/build/index.js
    vegaLiteVersion = (JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string }).version;
  }
  return vegaLiteVersion;
}

async function compileShape(shapeJson: string): Promise<string> {
  const vegaLite = await import("vega-lite"); // only on a miss
  // vega-lite's TopLevelSpec type is too deep to check against; the compiler validates the spec itself
  return JSON.stringify(vegaLite.compile(JSON.parse(shapeJson) as unknown as import("vega-lite").TopLevelSpec).spec);
}

async function cachedShape(shapeJson: string): Promise<string> {
  const dir = cacheDir();
  const key = createHash("sha256").update(`${FORMAT}\0${compilerVersion()}\0${shapeJson}`).digest("hex").slice(0, 40);
  const file = dir && join(dir, `${key}.json`);
  if (file) {
    try {
      return await readFile(file, "utf8");
    } catch {
      // not cached yet
    }
  }
  const compiled = await compileShape(shapeJson);
  if (dir && file) {
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, compiled);
      await rename(tmp, file);
    } catch {
      // read-only or full disk: compiled again next time
    }
  }
  return compiled;
}

/** The vega spec of a vega-lite spec whose data is in top-level `datasets`, as `vegaLite.compile(spec).spec` gives it. */
export async function compileVegaLite(spec: VegaLiteSpec): Promise<Record<string, unknown> & { data?: Record<string, unknown>[] }> {
  const empty = Object.fromEntries(Object.keys(spec.datasets).map((name) => [name, []]));
  const shapeJson = JSON.stringify({ ...spec, datasets: empty });
  let compiled = memory.get(shapeJson);
  if (!compiled) {
    compiled = cachedShape(shapeJson);
    memory.set(shapeJson, compiled);
    compiled.catch(() => memory.delete(shapeJson));
  }
  const vg = JSON.parse(await compiled) as Record<string, unknown> & { data?: Record<string, unknown>[] };
  for (const d of vg.data ?? []) {
    const name = d.name as string;
    if ("values" in d && Object.hasOwn(spec.datasets, name)) d.values = spec.datasets[name];
  }
  return vg;
}
