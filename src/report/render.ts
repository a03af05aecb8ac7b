import * as vega from "vega";
import type { Chart } from "./charts/chart.ts";
import { compileVegaLite } from "./compileCache.ts";
import { parseVega } from "./parseCache.ts";

export interface RenderedChart extends Chart {
  /** static SVG drawn in node: the page reads without scripts */
  svg: string;
  /** the compiled vega spec with the datasets' values taken out (the page puts them back from `spec.datasets`) */
  vega: Record<string, unknown>;
}

/**
 * Rows per series drawn in the static SVG. The SVG is what the page shows until vega's runtime swaps in
 * the live view (which draws every row of the datasets) and what a reader without scripts sees; it is
 * drawn in node by vega's headless renderer, cold code whose cost grows with every datum, so the report
 * write stays cheap by drawing fewer rows there (thinSeries keeps each bucket's extremes).
 */
export const STATIC_ROWS_PER_SERIES = 240;

/** Compile a chart's vega-lite spec to vega and draw it to SVG with vega's headless renderer. */
export async function renderChart(chart: Chart): Promise<RenderedChart> {
  const compiled = (await compileVegaLite(chart.spec)) as unknown as vega.Spec; // compiled once per shape (compileCache.ts)
  const runtime = await parseVega(staticSpec(compiled, chart.spec.datasets), Object.keys(chart.spec.datasets)); // parsed once per shape (parseCache.ts)
  const view = new vega.View(runtime, { renderer: "none" });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  return { ...chart, svg: localIds(svg, chart.id), vega: withoutDatasetValues(compiled, Object.keys(chart.spec.datasets)) };
}

/** The compiled spec with every large dataset thinned for the static SVG (the compiled spec itself is left as it is). */
function staticSpec(compiled: vega.Spec, datasets: Chart["spec"]["datasets"]): vega.Spec {
  let changed = false;
  const data = (compiled.data ?? []).map((d) => {
    if (!Object.hasOwn(datasets, d.name) || !("values" in d) || !Array.isArray(d.values)) return d;
    const values = thinSeries(d.values as Record<string, unknown>[], STATIC_ROWS_PER_SERIES);
    if (values === d.values) return d;
    changed = true;
    return { ...d, values };
  });
  return changed ? { ...compiled, data } : compiled;
}

/**
 * At most about `perSeries` rows of each series, a series being the rows that share every non-numeric
 * field (mode, symbol, path…). A longer series is cut into buckets; each keeps its first and last row
 * and the rows holding the minimum and the maximum of every numeric field, so a wick, a drawdown or a
 * liquidation's drop is still drawn. Rows keep their order. Returns `rows` itself when nothing is cut.
 */
export function thinSeries(rows: Record<string, unknown>[], perSeries: number): Record<string, unknown>[] {
  if (rows.length <= perSeries) return rows;
  const series = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const key = seriesKey(rows[i]);
    let list = series.get(key);
    if (!list) series.set(key, (list = []));
    list.push(i);
  }
  const numeric = Object.keys(rows[0]).filter((k) => typeof rows[0][k] === "number");
  const perBucket = 2 + 2 * numeric.length;
  const keep = new Uint8Array(rows.length);
  let cut = false;
  for (const list of series.values()) {
    if (list.length <= perSeries) {
      for (const i of list) keep[i] = 1;
      continue;
    }
    cut = true;
    const size = Math.ceil(list.length / Math.max(1, Math.floor(perSeries / perBucket)));
    for (let start = 0; start < list.length; start += size) {
      const end = Math.min(list.length, start + size);
      keep[list[start]] = 1;
      keep[list[end - 1]] = 1;
      for (const k of numeric) {
        let lo = -1, hi = -1, vlo = Infinity, vhi = -Infinity;
        for (let j = start; j < end; j++) {
          const v = rows[list[j]][k];
          if (typeof v !== "number") continue;
          if (v < vlo) {
            vlo = v;
            lo = list[j];
          }
          if (v > vhi) {
            vhi = v;
            hi = list[j];
          }
        }
        if (lo >= 0) keep[lo] = 1;
        if (hi >= 0) keep[hi] = 1;
      }
    }
  }
  return cut ? rows.filter((_, i) => keep[i] === 1) : rows;
}

/** What tells a row's series: its non-numeric fields, names and values (as JSON: null and "null" differ). */
function seriesKey(row: Record<string, unknown>): string {
  let key = "";
  for (const k in row) {
    const v = row[k];
    if (typeof v !== "number") key += `${JSON.stringify(k)}:${JSON.stringify(v ?? null)},`;
  }
  return key;
}

function withoutDatasetValues(compiled: vega.Spec, names: string[]): Record<string, unknown> {
  const data = (compiled.data ?? []).map((d) => {
    if (!names.includes(d.name) || !("values" in d)) return d;
    const { values: _values, ...rest } = d as vega.ValuesData;
    return rest;
  });
  const { $schema: _schema, ...rest } = compiled;
  return { ...rest, data };
}

/**
 * vega numbers clip paths and gradients with process-wide counters, so the same chart would get other
 * ids in a second report (and two charts' gradients the same id on a page): renumber them per chart,
 * prefixed with the chart id (unique on the page).
 */
function localIds(svg: string, chartId: string): string {
  const ids = { clip: new Map<string, number>(), gradient_: new Map<string, number>() };
  return svg.replace(/\b(clip|gradient_)(\d+)\b/g, (_, kind: "clip" | "gradient_", n: string) => {
    const seen = ids[kind];
    if (!seen.has(n)) seen.set(n, seen.size + 1);
    return `${chartId}-${kind === "clip" ? "clip" : "gradient"}${seen.get(n)}`;
  });
}
