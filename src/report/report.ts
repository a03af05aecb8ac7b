import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { InputError } from "../errors/index.ts";
import type { BacktestSummary, StressSummary } from "../results/index.ts";
import { backtestCharts } from "./charts/backtest.ts";
import type { Chart } from "./charts/chart.ts";
import { stressCharts, stressSampleCharts } from "./charts/stress.ts";
import { sweepChart } from "./charts/sweep.ts";
import { money } from "./format.ts";
import { readResultsFolder, type ReportInput } from "./input.ts";
import { modelLine } from "./model.ts";
import { pageHtml, type PageParts } from "./page.ts";
import { pairedDifference } from "./paired.ts";
import { reconciliationLines } from "./reconcile.ts";
import { drawAhead, renderCharts, startRenderThread } from "./renderPool.ts";
import { backtestComparison, backtestVerdict, stressComparison, stressVerdict } from "./table.ts";
import { legsTable, monthlyGrid, symbolTable, tradeTable, type TableSection } from "./tables.ts";
import { writeOutputs } from "./write.ts";

export interface ReportOptions {
  /** inline vega's runtime for tooltips and zoom (default true); without it the page is static SVG only */
  interactive?: boolean;
  /**
   * draw on a second thread too when a core is free (default true; see renderPool.ts). A stress run says
   * false: its sample-path charts are drawn ahead on this thread, which leaves few charts for the page, and
   * drawn warm here they cost less than a second thread's start and cold code
   */
  secondThread?: boolean;
}

let vegaRuntime: Promise<string> | undefined;
function loadVegaRuntime(): Promise<string> {
  // vega's exports map hides build/vega.min.js; its schema file sits beside it and is exported
  const path = join(dirname(createRequire(import.meta.url).resolve("vega/vega-schema.json")), "vega.min.js");
  vegaRuntime ??= readFile(path, "utf8").then((js) => js.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--"));
  return vegaRuntime;
}

let renderer: Promise<typeof import("./render.ts")> | undefined;
/** vega and vega-lite load only when a page is drawn */
const loadRenderer = () => (renderer ??= import("./render.ts"));

/**
 * Start loading what drawing a report needs (the renderer with vega, the second renderer's thread, vega's runtime for the page) while
 * the caller waits on other work — a backtest's thread — so that the report write, later, finds them
 * loaded. A failure here surfaces there.
 */
export function preloadReportRenderer(options: Pick<ReportOptions, "secondThread"> = {}): void {
  if (options.secondThread !== false) startRenderThread();
  loadRenderer().catch(() => {});
  loadVegaRuntime().catch(() => {});
}

/**
 * Draw a stress run's sample-path charts now, from its samples.csv, while its paths are still simulated:
 * its report then takes them as drawn (the same charts: `modes` in the summary's order, its horizon).
 */
export function prerenderStressSamples(run: { modes: string[]; horizonHours: number }, samplesCsv: string): void {
  let charts: Chart[];
  try {
    charts = stressSampleCharts(run, samplesCsv);
  } catch {
    return; // the report names the bad file when it is built
  }
  drawAhead(charts, (c) => loadRenderer().then((r) => r.renderChart(c)));
}

type Settings = Record<string, string | number | boolean>;

function settingOf(settings: Settings | undefined, pattern: RegExp): string {
  if (!settings) return "not recorded";
  const key = Object.keys(settings).find((k) => pattern.test(k));
  return key === undefined ? "not recorded" : String(settings[key]);
}

const compact = (v: unknown) => (v === undefined ? "–" : typeof v === "string" ? v : JSON.stringify(v));

/** A settings key as words: "fundingRule" → "funding rule", "barsWhereX:cross" → "bars where x (cross)". */
function label(key: string): string {
  const [name, qualifier] = key.split(":", 2);
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return qualifier === undefined ? words : `${words} (${qualifier})`;
}

/** The facts needed to reproduce the run, in reading order; settings not named here follow as they are. */
function runFacts(command: string, main: [string, string][], settings: Settings | undefined, shown: RegExp = /$^/): [string, string][] {
  const named = /intrabar|trigger|version/i;
  const rest = Object.entries(settings ?? {}).filter(([k]) => !named.test(k) && !shown.test(k))
    .map(([k, v]) => [label(k), typeof v === "number" && /balance/i.test(k) ? money(v) : String(v)] as [string, string]);
  return [
    ["command", command],
    ...main,
    ["intrabar policy", settingOf(settings, /intrabar/i)],
    ["trigger price", settingOf(settings, /trigger/i)],
    ["version", settingOf(settings, /version/i)],
    ...rest,
  ];
}

/** "2020-03-01T00:00:00Z" → "2020-03-01 00:00 UTC" (anything else as it is). */
const when = (iso: string) => iso.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:00(\.000)?)?Z$/, "$1 $2 UTC");

function backtestParts(s: BacktestSummary, input: ReportInput): Omit<PageParts, "charts" | "vegaRuntime"> & { charts: Chart[] } {
  return {
    title: `perpsim backtest — ${s.strategy} on ${s.venue}`,
    facts: runFacts("backtest", [
      ["venue", s.venue],
      ["strategy", s.strategy],
      ["params", compact(s.params)],
      ["symbols", s.symbols.join(", ")],
      ["data span", `${when(s.from)} → ${when(s.to)}`],
      ["initial balance", money(s.initialBalance)],
    ], s.settings),
    verdict: backtestVerdict(s),
    comparison: backtestComparison(s),
    reconciliation: reconciliationLines(s),
    tables: [symbolTable(s), monthlyGrid(s)].filter((t): t is TableSection => t !== null),
    charts: backtestCharts(s, input.files["equity.csv"], { trades: input.files["trades.csv"], candles: input.files["candles.csv"] }),
    tablesAfter: input.files["trades.csv"] !== undefined ? [tradeTable(input.files["trades.csv"])] : [],
  };
}

function stressParts(s: StressSummary, input: ReportInput): Omit<PageParts, "charts" | "vegaRuntime"> & { charts: Chart[] } {
  // the runner records venue, portfolio or strategy in settings; older summaries had them at the top level
  const extra = s as StressSummary & { venue?: string; strategy?: string; portfolio?: string; symbols?: string[]; settings?: Settings };
  const fact = (k: "venue" | "strategy" | "portfolio"): string | undefined => {
    const v = extra[k] ?? extra.settings?.[k];
    return v === undefined ? undefined : String(v);
  };
  const what: [string, string][] = [];
  for (const k of ["venue", "strategy", "portfolio"] as const) {
    const v = fact(k);
    if (v !== undefined) what.push([k, v]);
  }
  if (Array.isArray(extra.symbols)) what.push(["symbols", extra.symbols.join(", ")]);
  const charts = stressCharts(s, { paths: input.files["paths.csv"], samples: input.files["samples.csv"] });
  // a sweep.csv the summary does not name is another run's
  const sweep = s.sweep ? input.files[s.sweep.file] : undefined;
  if (sweep !== undefined) charts.unshift(sweepChart(sweep)); // a sweep's heat map is its answer: first
  return {
    title: `perpsim stress — ${fact("strategy") ?? fact("portfolio") ?? "Monte Carlo"}, ${s.paths} paths`,
    facts: runFacts("stress", [
      ...what,
      ["model", modelLine(s.model)],
      ["paths", String(s.paths)],
      ["seed", String(s.seed)],
      ["horizon", `${s.horizonHours} h in ${s.stepMinutes}-minute steps`],
    ], extra.settings, /^(venue|strategy|portfolio)$/),
    spec: { summary: "full model spec (summary.json → model)", value: s.model },
    verdict: stressVerdict(s),
    comparison: stressComparison(s, input.files["paths.csv"]),
    paired: { ...s.paired, difference: pairedDifference(s.paired) },
    tables: [legsTable(s)].filter((t): t is TableSection => t !== null),
    charts,
  };
}

/** The report page of a run, as one self-contained HTML string. */
export async function buildReportHtml(input: ReportInput, options: ReportOptions = {}): Promise<string> {
  const parts = input.summary.command === "backtest" ? backtestParts(input.summary, input) : stressParts(input.summary, input);
  const { renderChart } = await loadRenderer();
  const charts = await renderCharts(parts.charts, renderChart, options.secondThread !== false);
  const vegaRuntime = options.interactive === false ? undefined : await loadVegaRuntime();
  return pageHtml({ ...parts, charts, vegaRuntime });
}

/** Read a results folder and return its report page. */
export async function renderReport(dir: string, options: ReportOptions = {}): Promise<string> {
  const input = await readResultsFolder(dir);
  try {
    return await buildReportHtml(input, options);
  } catch (err) {
    // the CSV readers name the file ("paths.csv line 7: …"); the user needs to know which folder's
    if (err instanceof InputError && /^[\w.-]+\.csv line \d+/.test(err.message)) throw new InputError(`${join(dir, err.message)}`);
    throw err;
  }
}

/** (Re)write `report.html` in a results folder, atomically; returns its path. What the runners call last. */
export async function writeReport(dir: string, options: ReportOptions = {}): Promise<string> {
  const html = await renderReport(dir, options);
  const [path] = await writeOutputs(dir, { "report.html": html });
  return path;
}
