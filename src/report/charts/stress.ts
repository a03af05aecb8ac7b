import { type Quantiles, type StressSummary, PATH_COLUMNS, SAMPLE_FIXED_COLUMNS } from "../../results/index.ts";
import { CsvTable } from "../csv.ts";
import { extremaIndices } from "../downsample.ts";
import { money, round } from "../format.ts";
import { CHART_WIDTH, modeColor, topLevel, type Chart } from "./chart.ts";
import { sampleLiquidationCharts } from "./sampleLiq.ts";

const HISTOGRAM_BINS = 40;
const MAX_SAMPLE_PATHS = 6;
const MAX_POINTS_PER_SAMPLE = 400;

export interface PathOutcome {
  mode: string;
  liquidationHour: number | null;
  terminalEquity: number;
  minEquity: number;
}

export function readPaths(text: string): PathOutcome[] {
  const t = new CsvTable("paths.csv", text, PATH_COLUMNS);
  const [cMode, cHour, cTerm, cMin] = ["mode", "liquidationHour", "terminalEquity", "minEquity"].map((c) => t.column(c));
  return t.rows.map((_, r) => ({ mode: t.text(r, cMode), liquidationHour: t.num(r, cHour, true), terminalEquity: t.num(r, cTerm), minEquity: t.num(r, cMin) }));
}

/**
 * The range the bins cover: from the smallest to the largest value, unless a few outliers stretch it
 * (the range of all values more than 3× that of the middle 99 %): then the 0.5th to 99.5th percentile,
 * the outer bins holding the paths beyond (clipped: counted, not dropped).
 */
export function binRange(values: number[]): { lo: number; hi: number; clipped: boolean } {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.round(q * (v.length - 1))))];
  const lo = v[0], hi = v[v.length - 1];
  const qlo = at(0.005), qhi = at(0.995);
  if (qhi > qlo && hi - lo > 3 * (qhi - qlo)) return { lo: qlo, hi: qhi, clipped: true };
  return { lo, hi, clipped: false };
}

/** Equal-width bins shared by every mode (so the modes' bars line up), as rows {mode, lo, hi, count, share}. */
export function histogram(values: { mode: string; v: number }[], modes: string[], bins = HISTOGRAM_BINS) {
  if (values.length === 0) return [];
  let { lo, hi } = binRange(values.map((x) => x.v));
  if (hi === lo) hi = lo + 1;
  const width = (hi - lo) / bins;
  const counts = new Map(modes.map((m) => [m, new Array<number>(bins).fill(0)]));
  const totals = new Map(modes.map((m) => [m, 0]));
  for (const { mode, v } of values) {
    const c = counts.get(mode);
    if (!c) continue;
    c[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
    totals.set(mode, totals.get(mode)! + 1);
  }
  return modes.flatMap((mode) => counts.get(mode)!.map((count, b) => ({
    mode, lo: round(lo + b * width), hi: round(lo + (b + 1) * width), count, share: round(count / Math.max(1, totals.get(mode)!), 5),
  })));
}

/**
 * The starting equity a stress run's VaR/ES losses are measured from: `settings.initialBalance` when the
 * summary records it, else the equity at hour 0 of the sample paths. Null when neither is known.
 */
export function initialEquity(summary: StressSummary, samplesCsv: string | undefined): number | null {
  const settings = (summary as { settings?: Record<string, unknown> }).settings;
  if (settings && typeof settings.initialBalance === "number") return settings.initialBalance;
  if (samplesCsv === undefined) return null;
  const t = new CsvTable("samples.csv", samplesCsv, SAMPLE_FIXED_COLUMNS);
  const [cHour, cEq] = [t.column("hour"), t.column("equity")];
  for (let r = 0; r < t.rows.length; r++) if (t.num(r, cHour) === 0) return t.num(r, cEq);
  return null;
}

/** VaR/ES (losses from the starting equity) as equity levels to draw; the 5th percentile when no start is known. */
function tailMarkers(mode: string, q: Quantiles, start: number | null) {
  if (start === null) return [{ mode, label: "5th pct", value: round(q.p5) }];
  return [
    { mode, label: "VaR 95", value: round(start - q.var95) },
    { mode, label: "VaR 99", value: round(start - q.var99) },
    { mode, label: "ES 97.5", value: round(start - q.es975) },
  ];
}

export function stressCharts(summary: StressSummary, files: { paths?: string; samples?: string }): Chart[] {
  const modes = summary.runs.map((r) => r.mode);
  const color = (title: string | null = "mode") => modeColor(modes, title);
  const charts: Chart[] = [];

  const km = summary.runs.flatMap((r) => {
    const curve = r.survivalCurve.length > 0 && r.survivalCurve[0][0] > 0 ? [[0, 1] as [number, number], ...r.survivalCurve] : r.survivalCurve;
    return curve.map(([h, s]) => ({ mode: r.mode, hour: round(h), survival: round(s * 100, 5) }));
  });
  charts.push({
    id: "survival",
    title: "Survival: share of paths not yet liquidated (Kaplan–Meier)",
    howToRead: `Start at 100 %: each step down is liquidations at that hour, under one mode, over ${summary.paths} paths of ${summary.horizonHours} h. The higher the curve at the right edge, the more paths that mode carried through the whole horizon without a liquidation.`,
    spec: topLevel({
      width: CHART_WIDTH, height: 240, data: { name: "survival" },
      params: [{ name: "zoom", select: { type: "interval", encodings: ["x"] }, bind: "scales" }],
      mark: { type: "line", interpolate: "step-after", strokeWidth: 2, tooltip: true },
      encoding: { x: { field: "hour", type: "quantitative", title: "hours", scale: { domain: [0, summary.horizonHours] } }, y: { field: "survival", type: "quantitative", title: "paths not liquidated, %", scale: { zero: false } }, color: color() },
    }, { survival: km }),
  });

  const outcomes = files.paths === undefined ? [] : readPaths(files.paths);
  const start = initialEquity(summary, files.samples);
  for (const [field, id, title] of [["terminalEquity", "terminal", "Terminal equity"], ["minEquity", "minimum", "Minimum equity along the path"]] as const) {
    if (outcomes.length === 0) break;
    const bins = histogram(outcomes.map((o) => ({ mode: o.mode, v: o[field] })), modes);
    const range = binRange(outcomes.map((o) => o[field]));
    const clippedNote = range.clipped ? ` The axis covers the middle 99 % of paths (${money(range.lo)} to ${money(range.hi)}); the few beyond are counted in the first and last bars.` : "";
    const marks = summary.runs.flatMap((r) => tailMarkers(r.mode, field === "terminalEquity" ? r.terminalEquity : r.minEquity, start));
    charts.push({
      id: `${id}-equity`,
      title: `${title}: distribution per mode`,
      howToRead: start === null
        ? "Bars: share of paths ending in each equity band, per mode. The vertical line marks each mode's 5th percentile (the run did not record its starting equity, so VaR/ES cannot be placed)."
        : `Bars: share of paths in each equity band, per mode. Vertical lines mark the equity left after a loss equal to VaR 95 (solid), VaR 99 (dashed) and ES 97.5 (dotted), measured from the starting equity ${money(start)}. Lines further left mean a worse tail.` + clippedNote,
      spec: topLevel({
        width: CHART_WIDTH, height: 200,
        layer: [
          { data: { name: "bins" }, mark: { type: "rect", opacity: 0.55, tooltip: true },
            encoding: { x: { field: "lo", type: "quantitative", title: "equity", scale: { zero: false } }, x2: { field: "hi" }, y: { field: "share", type: "quantitative", title: "share of paths", axis: { format: ".0%" } }, y2: { datum: 0 }, color: color() } },
          { data: { name: "tail" }, mark: { type: "rule", strokeWidth: 2, tooltip: true },
            encoding: { x: { field: "value", type: "quantitative" }, color: color(), strokeDash: { field: "label", type: "nominal", title: "tail measure", scale: { domain: start === null ? ["5th pct"] : ["VaR 95", "VaR 99", "ES 97.5"], range: [[1, 0], [6, 3], [2, 2]] } } } },
        ],
      }, { bins, tail: marks }),
    });
  }

  const liqHours = outcomes.filter((o) => o.liquidationHour !== null).map((o) => ({ mode: o.mode, v: o.liquidationHour! }));
  if (liqHours.length > 0) {
    const bins = histogram(liqHours, modes, 30).map((b) => ({ ...b, share: undefined }));
    charts.push({
      id: "time-to-liquidation",
      title: "When liquidations happen: time to first liquidation",
      howToRead: "Number of paths whose first liquidation fell in each time band, per mode; paths never liquidated are not counted. Mass on the left means liquidations come early, before there is time to react.",
      spec: topLevel({
        width: CHART_WIDTH, height: 180, data: { name: "liqHours" },
        mark: { type: "rect", opacity: 0.6, tooltip: true },
        encoding: { x: { field: "lo", type: "quantitative", title: "hours to first liquidation", scale: { domain: [0, summary.horizonHours] } }, x2: { field: "hi" }, y: { field: "count", type: "quantitative", title: "paths" }, y2: { datum: 0 }, color: color() },
      }, { liqHours: bins }),
    });
  }

  if (files.samples !== undefined) charts.push(...stressSampleCharts({ modes, horizonHours: summary.horizonHours }, files.samples));
  return charts;
}

/**
 * The charts of samples.csv alone (the sample paths' equity, the liquidation price over time): the last
 * charts of `stressCharts`, the same given the run's modes (in the summary's order) and horizon. A run
 * draws them while its paths are still simulated (report.ts `prerenderStressSamples`).
 */
export function stressSampleCharts(run: { modes: string[]; horizonHours: number }, samples: string): Chart[] {
  const modes = JSON.stringify(run.modes);
  // the same Chart objects again for the same file, so the page finds those drawn ahead (renderPool.ts)
  if (last && last.modes === modes && last.horizonHours === run.horizonHours && last.samples === samples) return [...last.charts];
  const color = (title: string | null = "mode") => modeColor(run.modes, title);
  const charts = [samplePathsChart(samples, color, run.horizonHours), ...sampleLiquidationCharts(samples, run.horizonHours, color)];
  last = { modes, horizonHours: run.horizonHours, samples, charts };
  return [...charts];
}
let last: { modes: string; horizonHours: number; samples: string; charts: Chart[] } | null = null;

function samplePathsChart(text: string, color: (title?: string | null) => unknown, horizon: number): Chart {
  const t = new CsvTable("samples.csv", text, SAMPLE_FIXED_COLUMNS);
  const [cPath, cMode, cHour, cEq] = SAMPLE_FIXED_COLUMNS.map((c) => t.column(c));
  const cLiq = t.has("liquidated") ? t.column("liquidated") : -1;
  const series = new Map<string, { path: string; mode: string; hour: number[]; equity: number[]; liq: number[] }>();
  const paths: string[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const path = t.text(r, cPath), mode = t.text(r, cMode);
    if (!paths.includes(path)) {
      if (paths.length >= MAX_SAMPLE_PATHS) continue;
      paths.push(path);
    }
    const key = `${path}\u0000${mode}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { path, mode, hour: [], equity: [], liq: [] }));
    s.hour.push(t.num(r, cHour));
    s.equity.push(t.num(r, cEq));
    if (cLiq >= 0 && (t.text(r, cLiq) === "1" || t.text(r, cLiq) === "true")) s.liq.push(s.hour.length - 1);
  }
  const rows: Record<string, unknown>[] = [];
  const liqRows: Record<string, unknown>[] = [];
  for (const s of series.values()) {
    // a path with nothing left open stops being traced; its equity stays where it was until the horizon
    if (s.hour.length > 0 && s.hour[s.hour.length - 1] < horizon) { s.hour.push(horizon); s.equity.push(s.equity[s.equity.length - 1]); }
    for (const i of extremaIndices(s.equity, MAX_POINTS_PER_SAMPLE, s.liq)) rows.push({ path: `path ${s.path}`, mode: s.mode, hour: round(s.hour[i]), equity: round(s.equity[i]) });
    for (const i of s.liq) liqRows.push({ path: `path ${s.path}`, mode: s.mode, hour: round(s.hour[i]), equity: round(s.equity[i]) });
  }
  return {
    id: "sample-paths",
    title: `Sample paths (${paths.length}): equity under each mode on the same shocks`,
    howToRead: "Each pair of lines is one simulated market run under both modes (common random numbers), so the two colours differ only by the margin mode, from hour 0 to the horizon (after a liquidation that leaves nothing open the line stays flat). ✕ marks a liquidation. Hover a line for its path number.",
    spec: topLevel({
      width: CHART_WIDTH, height: 240,
      layer: [
        { data: { name: "samples" }, params: [{ name: "zoom", select: { type: "interval", encodings: ["x"] }, bind: "scales" }],
          mark: { type: "line", strokeWidth: 1.2, opacity: 0.85, tooltip: true },
          encoding: { x: { field: "hour", type: "quantitative", title: "hours", scale: { domain: [0, horizon], nice: false } }, y: { field: "equity", type: "quantitative", title: "equity", scale: { zero: false } }, color: color(), detail: { field: "path" } } },
        { data: { name: "sampleLiquidations" }, mark: { type: "point", shape: "cross", size: 120, filled: true, stroke: "#111", strokeWidth: 1 },
          encoding: { x: { field: "hour", type: "quantitative" }, y: { field: "equity", type: "quantitative" }, color: color(), tooltip: [{ field: "path" }, { field: "mode" }, { field: "hour", type: "quantitative" }, { field: "equity", type: "quantitative", format: ",.2f" }] } },
      ],
    }, { samples: rows, sampleLiquidations: liqRows }),
  };
}
