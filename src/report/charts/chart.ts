/** One figure of the report: a vega-lite spec plus the words around it. */
export interface Chart {
  /** stable DOM id, derived from the chart's role (never from user text) */
  id: string;
  title: string;
  /** the "how to read this" line under the chart */
  howToRead: string;
  /** a vega-lite spec with its data in top-level `datasets` (so the page can keep one copy of it) */
  spec: VegaLiteSpec;
}

// vega-lite's own TopLevelSpec type is a deep union that slows tsc to a crawl; specs are plain JSON here
// and vega-lite's compiler validates them when the report is built.
export type VegaLiteSpec = Record<string, unknown> & { datasets: Record<string, Record<string, unknown>[]> };

export const CHART_WIDTH = 820;

const BASE_CONFIG = {
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", gridColor: "#eceff3", domainColor: "#9aa3ad", tickColor: "#9aa3ad" },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: "top" },
  title: { fontSize: 13, anchor: "start" },
};

/** Wrap a chart body in the top-level keys every spec shares. */
export function topLevel(body: Record<string, unknown>, datasets: VegaLiteSpec["datasets"]): VegaLiteSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    padding: 8,
    config: BASE_CONFIG,
    datasets,
    ...body,
  };
}

/** A horizontal zoom/pan on the time axis (drag to pan, wheel to zoom, double-click to reset). */
export const TIME_ZOOM = { name: "zoom", select: { type: "interval", encodings: ["x"] }, bind: "scales" };

const MODE_COLOR: Record<string, string> = { cross: "#2166ac", isolated: "#d6604d", hybrid: "#7b3294" };

/** Colour by margin mode, the same colour for a mode on every chart; the legend lists only the modes run. */
export function modeColor(modes: string[], title: string | null = "mode") {
  return { field: "mode", type: "nominal", title, scale: { domain: modes, range: modes.map((m) => MODE_COLOR[m] ?? "#555") } };
}
