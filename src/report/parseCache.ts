import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as vega from "vega";
import { cacheDir } from "./compileCache.ts";

/**
 * Each chart's vega dataflow description parsed once per shape. `vega.parse` (a vega spec to the
 * description its View is built from: about a third of drawing a chart) reads the spec's marks, scales,
 * axes and signals, never the rows of inline datasets: it hands each one's rows, as they are, to a
 * `collect` operator (`$ingest`). So the shape — the spec with each of the chart's datasets holding one
 * marker row instead of its rows — is parsed, kept in memory and on disk as JSON (keyed by the shape and
 * vega's version), and the rows are put back where the markers are. Hit or miss, the description is
 * the JSON's, so a chart is drawn the same either way; test/report/parseCache.test.ts checks the drawn
 * SVG equals that of a direct parse. Disk: beside the compile cache (compileCache.ts); failing to read
 * or write it only costs time.
 */
const FORMAT = 1;
const MARKER = "$perpsimRows";
const memory = new Map<string, Promise<string>>();

async function cachedParse(shapeJson: string): Promise<string> {
  const dir = cacheDir();
  const key = createHash("sha256").update(`${FORMAT}\0${vega.version}\0${shapeJson}`).digest("hex").slice(0, 40);
  const file = dir && join(dir, `${key}.runtime.json`);
  if (file) {
    try {
      return await readFile(file, "utf8");
    } catch {
      // not cached yet
    }
  }
  const parsed = JSON.stringify(vega.parse(JSON.parse(shapeJson) as vega.Spec));
  if (dir && file) {
    try {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, parsed);
      await rename(tmp, file);
    } catch {
      // read-only or full disk: parsed again next time
    }
  }
  return parsed;
}

/** `vega.parse(spec)`, the rows of the inline datasets named in `datasets` taken from the spec and put back after. */
export async function parseVega(spec: vega.Spec, datasets: readonly string[]): Promise<vega.Runtime> {
  const ours = new Set(datasets);
  const rows = new Map<string, unknown[]>();
  const data = (spec.data ?? []).map((d) => {
    if (!ours.has(d.name) || !("values" in d) || !Array.isArray(d.values)) return d;
    rows.set(d.name, d.values);
    return { ...d, values: [{ [MARKER]: d.name }] };
  });
  const shapeJson = JSON.stringify({ ...spec, data });
  let parsed = memory.get(shapeJson);
  if (!parsed) {
    parsed = cachedParse(shapeJson);
    memory.set(shapeJson, parsed);
    parsed.catch(() => memory.delete(shapeJson));
  }
  return putRowsBack(JSON.parse(await parsed) as unknown, rows) as vega.Runtime;
}

/** Every marker row's array in the description replaced by its dataset's rows. */
function putRowsBack(node: unknown, rows: Map<string, unknown[]>): unknown {
  if (Array.isArray(node)) {
    const only = node.length === 1 ? (node[0] as Record<string, unknown> | null) : null;
    if (only !== null && typeof only === "object" && Object.hasOwn(only, MARKER)) {
      const values = rows.get(only[MARKER] as string);
      if (values) return values;
    }
    for (let i = 0; i < node.length; i++) node[i] = putRowsBack(node[i], rows);
    return node;
  }
  if (node !== null && typeof node === "object") {
    const o = node as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = putRowsBack(o[k], rows);
  }
  return node;
}
