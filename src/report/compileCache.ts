import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { TextCache } from "./textCache.ts";
import type { VegaLiteSpec } from "./charts/chart.ts";

/**
 * Each vega-lite spec compiled once. vega-lite's compiler reads a spec's shape (marks, encodings,
 * scales, the names of its datasets), never the rows of inline datasets: it copies them into the
 * compiled data entries. So the shape — the spec with every dataset emptied — is compiled, kept in
 * memory and on disk (keyed by the shape and vega-lite's version), and the rows are put back. A report
 * whose charts have been drawn before loads neither vega-lite nor its compiler (~0.3 CPU-s of a
 * short command). test/report/compileCache.test.ts checks the result equals a direct compile.
 *
 * Memory and disk as textCache.ts keeps them.
 */
let vegaLiteVersion: string | undefined;
function compilerVersion(): string {
  if (vegaLiteVersion === undefined) {
    const entry = createRequire(import.meta.url).resolve("vega-lite"); // …/vega-lite/build/index.js
    vegaLiteVersion = (JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string }).version;
  }
  return vegaLiteVersion;
}

const compiledShapes = new TextCache(1, ".json", compilerVersion, async (shapeJson) => {
  const vegaLite = await import("vega-lite"); // only on a miss
  // vega-lite's TopLevelSpec type is too deep to check against; the compiler validates the spec itself
  return JSON.stringify(vegaLite.compile(JSON.parse(shapeJson) as unknown as import("vega-lite").TopLevelSpec).spec);
});

/** The vega spec of a vega-lite spec whose data is in top-level `datasets`, as `vegaLite.compile(spec).spec` gives it. */
export async function compileVegaLite(spec: VegaLiteSpec): Promise<Record<string, unknown> & { data?: Record<string, unknown>[] }> {
  const empty = Object.fromEntries(Object.keys(spec.datasets).map((name) => [name, []]));
  const shapeJson = JSON.stringify({ ...spec, datasets: empty });
  const vg = JSON.parse(await compiledShapes.get(shapeJson)) as Record<string, unknown> & { data?: Record<string, unknown>[] };
  for (const d of vg.data ?? []) {
    const name = d.name as string;
    if ("values" in d && Object.hasOwn(spec.datasets, name)) d.values = spec.datasets[name];
  }
  return vg;
}
