import * as vegaLite from "vega-lite";
import * as vega from "vega";
import type { Chart } from "./charts/chart.ts";

export interface RenderedChart extends Chart {
  /** static SVG drawn in node: the page reads without scripts */
  svg: string;
  /** the compiled vega spec with the datasets' values taken out (the page puts them back from `spec.datasets`) */
  vega: Record<string, unknown>;
}

/** Compile a chart's vega-lite spec to vega and draw it to SVG with vega's headless renderer. */
export async function renderChart(chart: Chart): Promise<RenderedChart> {
  // vega-lite's TopLevelSpec type is too deep to check against; the compiler validates the spec itself
  const compiled = vegaLite.compile(chart.spec as unknown as vegaLite.TopLevelSpec).spec as unknown as vega.Spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  return { ...chart, svg: localClipIds(svg, chart.id), vega: withoutDatasetValues(compiled, Object.keys(chart.spec.datasets)) };
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
 * vega numbers clip paths with a process-wide counter, so the same chart would get other ids in a
 * second report: renumber them per chart (prefixed with the chart id, unique on the page).
 */
function localClipIds(svg: string, chartId: string): string {
  const ids = new Map<string, number>();
  return svg.replace(/\bclip(\d+)\b/g, (_, n: string) => {
    if (!ids.has(n)) ids.set(n, ids.size + 1);
    return `${chartId}-clip${ids.get(n)}`;
  });
}
