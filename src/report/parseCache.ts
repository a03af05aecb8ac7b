import * as vega from "vega";
import { TextCache } from "./textCache.ts";

/**
 * Each chart's vega dataflow description parsed once per shape. `vega.parse` (a vega spec to the
 * description its View is built from: about a third of drawing a chart) reads the spec's marks, scales,
 * axes and signals, never the rows of inline datasets: it hands each one's rows, as they are, to a
 * `collect` operator (`$ingest`). So the shape — the spec with each of the chart's datasets holding one
 * marker row instead of its rows — is parsed, kept in memory and on disk as JSON (keyed by the shape and
 * vega's version; textCache.ts), and the rows are put back where the markers are. Hit or miss, the description is
 * the JSON's, so a chart is drawn the same either way; test/report/parseCache.test.ts checks the drawn
 * SVG equals that of a direct parse.
 */
const MARKER = "$perpsimRows";
const parsedShapes = new TextCache(1, ".runtime.json", () => vega.version, (shapeJson) => JSON.stringify(vega.parse(JSON.parse(shapeJson) as vega.Spec)));

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
  return putRowsBack(JSON.parse(await parsedShapes.get(shapeJson)) as unknown, rows) as vega.Runtime;
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
