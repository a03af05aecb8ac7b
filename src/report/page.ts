import { escapeHtml as e, jsonForScript } from "./escape.ts";
import type { RenderedChart } from "./render.ts";
import { points, pointsInterval } from "./format.ts";
import type { PairedDifference } from "./paired.ts";
import { bestIndex, type Comparison } from "./table.ts";
import { SORT_SCRIPT, type TableSection } from "./tables.ts";

export interface PageParts {
  title: string;
  /** header facts: label → plain text (escaped here) */
  facts: [string, string][];
  verdict: string[];
  comparison: Comparison;
  /** lines shown under the comparison table (a backtest's ledger reconciliation) */
  reconciliation?: string[];
  paired?: { both: number; onlyCross: number; onlyIsolated: number; neither: number; difference: PairedDifference | null };
  /** a long spec (the stress model) shown folded under the facts, as indented JSON */
  spec?: { summary: string; value: unknown };
  charts: RenderedChart[];
  /** table sections before the charts (per symbol, monthly returns, per leg) and after them (the trade list) */
  tables?: TableSection[];
  tablesAfter?: TableSection[];
  /** vega's browser build, inlined once; absent → static SVG only */
  vegaRuntime?: string;
}

const STYLE = `
:root { --ink:#1c2330; --muted:#5b6574; --line:#e3e7ec; --cross:#2166ac; --isolated:#d6604d; --good:#e7f5ea; --goodInk:#1b6b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
main { max-width: 900px; margin: 0 auto; padding: 20px 20px 40px; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 16px; margin: 0 0 6px; }
.sub { color: var(--muted); margin: 0 0 12px; }
.card { background: white; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 0 0 14px; }
.verdict { border-left: 5px solid var(--ink); }
.verdict p { margin: 2px 0; font-size: 16px; }
.verdict p:first-of-type { font-weight: 600; font-size: 17px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; font-size: 13px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: right; }
table.comparison td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; color: var(--muted); font-weight: normal; }
thead th { font-size: 14px; border-bottom: 2px solid var(--ink); }
thead th.mode-cross { color: var(--cross); } thead th.mode-isolated { color: var(--isolated); }
td.better { background: var(--good); color: var(--goodInk); font-weight: 600; }
td.better::after { content: " ✓"; }
.reconciliation { margin-top: 10px; font-size: 13px; font-variant-numeric: tabular-nums; }
.reconciliation h3 { font-size: 13px; font-weight: 600; margin: 0 0 2px; color: var(--muted); }
.reconciliation p { margin: 0; }
.legend-note { font-size: 12px; color: var(--muted); margin: 6px 0 0; }
figure { margin: 0; }
.chart-view { overflow-x: auto; }
.chart-view svg { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
figcaption b { color: var(--ink); }
footer { font-size: 12px; color: var(--muted); text-align: center; }
.paired td, .paired th { text-align: center; }
.paired tfoot th, .paired tfoot td { border-top: 2px solid var(--line); }
.scroll { overflow-x: auto; max-height: 640px; overflow-y: auto; }
table.trades, table.monthly, table.by-symbol, table.legs { font-size: 12px; }
table.trades td, table.monthly td { white-space: nowrap; }
table.sortable th { cursor: pointer; position: sticky; top: 0; background: white; }
table.sortable th[data-dir="asc"]::after { content: " ▲"; }
table.sortable th[data-dir="desc"]::after { content: " ▼"; }
td.up { background: #e7f5ea; } td.down { background: #fbe9e7; }
tr.exit-liquidation td, tr.exit-partial-liquidation td { color: #b2182b; }
details.spec { margin-top: 8px; font-size: 13px; }
details.spec summary { cursor: pointer; color: var(--muted); }
details.spec pre { margin: 6px 0 0; padding: 8px; background: #f6f7f9; border-radius: 4px; overflow-x: auto; font-size: 12px; }
`;

function factsHtml(facts: [string, string][]): string {
  return `<dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join("")}</dl>`;
}

function specHtml(spec: NonNullable<PageParts["spec"]>): string {
  return `<details class="spec"><summary>${e(spec.summary)}</summary><pre>${e(JSON.stringify(spec.value, null, 2) ?? "")}</pre></details>`;
}

function tableHtml(t: TableSection): string {
  return `<section class="card" id="${e(t.id)}"><h2>${e(t.title)}</h2>${t.html}</section>`;
}

function comparisonHtml(c: Comparison): string {
  const head = `<thead><tr><th></th>${c.modes.map((m) => `<th class="mode-${e(m)}">${e(m)}</th>`).join("")}</tr></thead>`;
  const body = c.rows.map((row) => {
    const best = bestIndex(row);
    return `<tr><th scope="row">${e(row.label)}</th>${row.cells.map((cell, i) => `<td${i === best ? ' class="better"' : ""}>${e(cell)}</td>`).join("")}</tr>`;
  }).join("");
  return `<table class="comparison">${head}<tbody>${body}</tbody></table><p class="legend-note">${e(c.rule ?? "✓ marks the better figure of each row (none on a tie).")}</p>`;
}

function differenceHtml(p: NonNullable<PageParts["paired"]>, total: number, d: PairedDifference): string {
  return `<tfoot><tr><th scope="row">liquidation probability, cross − isolated</th><td colspan="2"><b>${e(points(d.estimate))}</b> (95 % interval ${e(pointsInterval(d.ci95))}) = (only cross − only isolated) / paths = (${p.onlyCross} − ${p.onlyIsolated}) / ${total}</td></tr></tfoot>`;
}

function reconciliationHtml(lines: string[]): string {
  return `<div class="reconciliation"><h3>Reconciliation: initial + realised PnL − fees − funding − liquidation losses + unrealised PnL = final equity</h3>${lines.map((l) => `<p>${e(l)}</p>`).join("")}</div>`;
}

function pairedHtml(p: NonNullable<PageParts["paired"]>): string {
  const total = p.both + p.onlyCross + p.onlyIsolated + p.neither;
  const share = (n: number) => (total > 0 ? ` (${((100 * n) / total).toFixed(1)} %)` : "");
  return `<section class="card"><h2>Paired outcomes: the same ${total} paths under both modes</h2>
<table class="paired"><thead><tr><th></th><th>isolated liquidated</th><th>isolated not liquidated</th></tr></thead><tbody>
<tr><th scope="row">cross liquidated</th><td>both: ${p.both}${share(p.both)}</td><td>only cross: ${p.onlyCross}${share(p.onlyCross)}</td></tr>
<tr><th scope="row">cross not liquidated</th><td>only isolated: ${p.onlyIsolated}${share(p.onlyIsolated)}</td><td>neither: ${p.neither}${share(p.neither)}</td></tr>
</tbody>${p.difference ? differenceHtml(p, total, p.difference) : ""}</table><p class="legend-note">Each path runs every mode on the same random shocks, so "only cross" and "only isolated" count the paths where the margin mode alone made the difference.</p></section>`;
}

function chartHtml(c: RenderedChart): string {
  return `<section class="card"><figure class="chart" id="chart-${e(c.id)}">
<h2>${e(c.title)}</h2>
<div class="chart-view"><div class="static">${c.svg}</div><div class="live"></div></div>
<figcaption><b>How to read this:</b> ${e(c.howToRead)}</figcaption>
<script type="application/json" class="vl-spec">${jsonForScript(c.spec)}</script>
<script type="application/json" class="vg-spec">${jsonForScript(c.vega)}</script>
</figure></section>`;
}

/**
 * Swap each static SVG for a live vega view (tooltips, zoom), putting the datasets back into the compiled
 * spec from the vega-lite spec kept beside it. A chart that fails stays static.
 */
const BOOT = `
for (const fig of document.querySelectorAll("figure.chart")) {
  const vl = JSON.parse(fig.querySelector("script.vl-spec").textContent);
  const vg = JSON.parse(fig.querySelector("script.vg-spec").textContent);
  for (const d of vg.data || []) if (vl.datasets && Object.prototype.hasOwnProperty.call(vl.datasets, d.name)) d.values = vl.datasets[d.name];
  const live = fig.querySelector(".live");
  const view = new vega.View(vega.parse(vg), { renderer: "svg", container: live, hover: true });
  view.runAsync().then(() => { fig.querySelector(".static").remove(); fig.dataset.live = "1"; },
    (err) => { live.remove(); fig.dataset.live = "0"; console.warn("chart stays static:", err && err.message); });
}`;

export function pageHtml(p: PageParts): string {
  const csp = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:";
  const runtime = p.vegaRuntime === undefined ? "" : `<script>${p.vegaRuntime}</script>\n<script>${BOOT}</script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(p.title)}</title>
<style>${STYLE}</style></head>
<body><main>
<header><h1>${e(p.title)}</h1><p class="sub">Cross margin beside isolated margin on the same decisions.</p></header>
<section class="card verdict" id="verdict"><h2>Cross or isolated?</h2>${p.verdict.map((l) => `<p>${e(l)}</p>`).join("")}</section>
<section class="card" id="summary">${comparisonHtml(p.comparison)}${p.reconciliation?.length ? reconciliationHtml(p.reconciliation) : ""}</section>
<section class="card" id="run">${factsHtml(p.facts)}${p.spec ? specHtml(p.spec) : ""}</section>
${p.paired ? pairedHtml(p.paired) : ""}
${(p.tables ?? []).map(tableHtml).join("\n")}
${p.charts.map(chartHtml).join("\n")}
${(p.tablesAfter ?? []).map(tableHtml).join("\n")}
<footer>Made by perpsim. Charts are vega-lite specs (each kept in this file in a &lt;script type="application/json" class="vl-spec"&gt;); full data is in the CSV files beside this report.</footer>
</main>
${runtime}
<script>${SORT_SCRIPT}</script>
</body></html>
`;
}
