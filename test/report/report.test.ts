import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InputError } from "../../src/market/errors.ts";
import { buildReportHtml, jsonForScript, readResultsFolder, renderReport, writeReport } from "../../src/report/index.ts";
import { extremaIndices } from "../../src/report/downsample.ts";
import { bestIndex, backtestComparison, stressComparison } from "../../src/report/table.ts";
import { readSweep } from "../../src/report/charts/sweep.ts";
import { modelLine } from "../../src/report/model.ts";
import { stressCharts } from "../../src/report/charts/stress.ts";
import type { BacktestSummary, StressSummary } from "../../src/results/types.ts";
import { backtestFolder, stressFolder, writeFolder } from "../fixtures/results/generate.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/results");
let work: string;
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), "perpsim-report-unit-")); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

/** The vega-lite specs a page carries, parsed back. */
function specsOf(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/json" class="vl-spec">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]));
}

describe("escaping", () => {
  it("JSON in a script tag cannot close the tag, and reads back the same", () => {
    const value = { strategy: "</script><script>alert(1)</script><!--", amp: "a & b" };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it("a strategy and a symbol made of markup appear only escaped in the page", async () => {
    const files = backtestFolder(120, "</script><script>alert(1)</script>");
    const evil = "<img src=x onerror=alert(2)>";
    for (const k of Object.keys(files)) files[k] = files[k].split("ETHUSDT").join(evil); // no comma or quote: valid in CSV and JSON as is
    const dir = join(work, "evil");
    await writeFolder(dir, files);
    const html = await renderReport(dir, { interactive: false });
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img");
    expect(html).toContain("&#60;/script&#62;&#60;script&#62;alert(1)&#60;/script&#62;");
    // the symbol survives intact inside the embedded spec JSON
    expect(JSON.stringify(specsOf(html))).toContain(evil);
  });
});

describe("downsampling", () => {
  it("keeps a one-bar wick, the forced indices and the ends, within the point budget", () => {
    const n = 60_000;
    const v = Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 500));
    v[31_337] = 40; // a wick
    const idx = extremaIndices(v, 900, [12_345]);
    expect(idx).toContain(31_337);
    expect(idx).toContain(12_345);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(n - 1);
    expect(idx.length).toBeLessThanOrEqual(902);
    expect(new Set(idx).size).toBe(idx.length);
  });

  it("keeps every point of a short series", () => {
    expect(extremaIndices([3, null, 1], 900)).toEqual([0, 1, 2]);
  });
});

describe("summary table", () => {
  it("marks the better figure of each backtest row from the fixture's figures", async () => {
    const s = JSON.parse(await readFile(join(FIXTURES, "backtest/summary.json"), "utf8")) as BacktestSummary;
    const rows = Object.fromEntries(backtestComparison(s).rows.map((r) => [r.label, r]));
    // cross survived the 2024-08-05-style crash, isolated lost its ETH leg (margin 1000 less its funding)
    expect(bestIndex(rows["Survived"])).toBe(0);
    expect(rows["Final equity"].cells).toEqual(["8,853.26", "8,742.84"]);
    expect(bestIndex(rows["Final equity"])).toBe(0);
    expect(bestIndex(rows["Max drawdown"])).toBe(1); // 20.21 % beats 26.62 %
    expect(bestIndex(rows["Fees"])).toBe(-1); // a tie: both 5.40
    expect(bestIndex(rows["Fills"])).toBe(-1); // not a contest
  });

  it("no ✓ where a backtest difference is below the material threshold (1 % of the balance, 1 point)", async () => {
    const s = JSON.parse(await readFile(join(FIXTURES, "backtest/summary.json"), "utf8")) as BacktestSummary;
    // 10,000 initial: 99.99 apart is under 1 %, 100.00 apart is not
    Object.assign(s.runs[0], { finalEquity: 9099.99, returnPct: -9.0001, maxDrawdownPct: 20.5 });
    Object.assign(s.runs[1], { finalEquity: 9000, returnPct: -10, maxDrawdownPct: 21.49 });
    let rows = Object.fromEntries(backtestComparison(s).rows.map((r) => [r.label, r]));
    expect(bestIndex(rows["Final equity"])).toBe(-1);
    expect(bestIndex(rows["Max drawdown"])).toBe(-1); // 0.99 points
    expect(bestIndex(rows["Return"])).toBe(-1); // 0.9999 points
    s.runs[0].finalEquity = 9100;
    rows = Object.fromEntries(backtestComparison(s).rows.map((r) => [r.label, r]));
    expect(bestIndex(rows["Final equity"])).toBe(0);
    expect(bestIndex(rows["Survived"])).toBe(0); // survival always counts
  });

  it("stress rows: 'never liquidated' beats any time; probabilities carry their interval", async () => {
    const s = JSON.parse(await readFile(join(FIXTURES, "stress/summary.json"), "utf8")) as StressSummary;
    s.runs[1].timeToLiquidationHours = { median: null, p10: null };
    const rows = Object.fromEntries(stressComparison(s).rows.map((r) => [r.label, r]));
    expect(bestIndex(rows["Time to liquidation, median"])).toBe(1);
    // 400 paths; cross is liquidated on the i with (37 i mod 100) < 6: 6 per hundred → 24 (Wilson 95 %: 4.06 %–8.77 %)
    expect(rows["Liquidation probability (95 % interval)"].cells[0]).toBe("6.0 % (4.1 % – 8.8 %)");
  });
});

describe("stress charts", () => {
  it("places VaR 95 at the 5th-percentile equity (start − VaR95 = p5)", async () => {
    const dir = join(FIXTURES, "stress");
    const input = await readResultsFolder(dir);
    const s = input.summary as StressSummary;
    const chart = stressCharts(s, { paths: input.files["paths.csv"], samples: input.files["samples.csv"] }).find((c) => c.id === "terminal-equity")!;
    const tail = chart.spec.datasets.tail as { mode: string; label: string; value: number }[];
    for (const run of s.runs) expect(tail.find((t) => t.mode === run.mode && t.label === "VaR 95")!.value).toBeCloseTo(run.terminalEquity.p5, 6);
    // bins: each mode's shares sum to 1
    const bins = chart.spec.datasets.bins as { mode: string; count: number }[];
    expect(bins.filter((b) => b.mode === "cross").reduce((a, b) => a + b.count, 0)).toBe(400);
  });

  it("sweep: the difference is P(liq cross) − P(liq iso), the paired difference's sign", () => {
    const text = "param:correlation,param:leverage,mode,liquidationProbability\n0.95,10,cross,0.5\n0.95,10,isolated,0.238\n0,2,cross,0.0024\n0,2,isolated,0.04\n";
    const { params, cells } = readSweep(text);
    expect(params).toEqual(["correlation", "leverage"]);
    expect(cells.find((c) => c.x === 0.95)!.difference).toBeCloseTo(26.2, 9);
    expect(cells.find((c) => c.x === 0)!.difference).toBeCloseTo(-3.76, 9);
  });
});

describe("stress header: the model in one line", () => {
  it("reads type, assets, correlation range, ν and the features that are on", () => {
    const model = {
      type: "t-garch-jump",
      assets: [{ symbol: "BTC", price: 95000, vol: 0.6, drift: 0 }, { symbol: "ETH", price: 3300, vol: 0.75, drift: 0 }, { symbol: "SOL", price: 180, vol: 1, drift: 0 }],
      correlation: [[1, 0.8, 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]],
      nu: 4, garch: { alpha: 0.12, beta: 0.85, hours: 24 }, regimes: { stayCalmPerDay: 0.99 }, jumps: { market: { ratePerYear: 20 } },
    };
    // off-diagonal correlations 0.8, 0.7, 0.75: range 0.7–0.8, mean 0.75
    expect(modelLine(model)).toBe("t-garch-jump · BTC 95,000 at 60 % vol, ETH 3,300 at 75 % vol, SOL 180 at 100 % vol · correlation 0.7–0.8 (mean 0.75) · ν = 4 · with GARCH, regimes, jumps");
    expect(modelLine({ type: "gbm", assets: [{ symbol: "BTC", price: 60000, vol: 0.6, drift: 0 }], correlation: [[1]] })).toBe("gbm · BTC 60,000 at 60 % vol · no GARCH, regimes or jumps");
    // the total beside the diffusive part when jumps and regimes add to it
    expect(modelLine({ type: "t-garch-jump", assets: [{ symbol: "BTC", price: 60000, vol: 0.6, totalVol: 0.8123, drift: 0 }] })).toBe("t-garch-jump · BTC 60,000 at 81.23 % vol (diffusion 60 %) · no GARCH, regimes or jumps");
    // a config-file shape (assets keyed by symbol) and a switched-off block
    expect(modelLine({ type: "t-garch-jump", assets: { SOL: { price: 0.5 } }, jumps: { enabled: false }, garch: {} })).toBe("t-garch-jump · SOL 0.5 · with GARCH");
  });

  it("the page shows the line and keeps the full spec folded in a <details>", async () => {
    const html = await renderReport(join(FIXTURES, "stress"), { interactive: false });
    const s = JSON.parse(await readFile(join(FIXTURES, "stress/summary.json"), "utf8")) as StressSummary;
    expect(html).toContain(`<dt>model</dt><dd>${modelLine(s.model).replace(/&/g, "&#38;")}</dd>`);
    const folded = html.match(/<details class="spec"><summary>[^<]*<\/summary><pre>([^<]*)<\/pre><\/details>/);
    expect(folded).not.toBeNull();
    expect(JSON.parse(folded![1].replace(/&#34;/g, '"').replace(/&#38;/g, "&"))).toEqual(s.model);
  });
});

describe("pages and folders", () => {
  it("a backtest page has one SVG-drawn, spec-carrying figure per chart, and the same bytes twice", async () => {
    const input = await readResultsFolder(join(FIXTURES, "backtest"));
    const html = await buildReportHtml(input, { interactive: false });
    const specs = specsOf(html);
    expect(specs).toHaveLength(6); // equity, 2 price charts, funding, funding share, drawdown
    expect(html.match(/<figure class="chart"/g)).toHaveLength(6);
    expect(html.match(/<div class="static"><svg /g)).toHaveLength(6);
    expect(html).not.toMatch(/\bsrc=|https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)/);
    expect(await buildReportHtml(input, { interactive: false })).toBe(html);
  });

  it("bad input: a one-line InputError naming file, line and field, and no report written", async () => {
    const dir = join(work, "bad");
    const files = backtestFolder(50);
    const lines = files["equity.csv"].split("\n");
    lines[7] = lines[7].replace(/^([^,]*,[^,]*,)[^,]*/, "$1oops");
    files["equity.csv"] = lines.join("\n");
    await writeFolder(dir, files);
    await expect(writeReport(dir)).rejects.toThrow(new InputError(`${join(dir, "equity.csv")} line 8: field 'equity' is 'oops', not a number`));
    expect((await readdir(dir)).sort()).toEqual(["equity.csv", "events.csv", "summary.json"]);

    await writeFile(join(dir, "summary.json"), JSON.stringify({ command: "merge", runs: [] }));
    await expect(readResultsFolder(dir)).rejects.toThrow(/summary\.json: field 'command' is "merge"/);
    await expect(readResultsFolder(join(work, "nowhere"))).rejects.toThrow(InputError);
  });

  it("`perpsim report DIR --open` rewrites report.html and prints its file:// URL", async () => {
    const dir = join(work, "cli");
    await writeFolder(dir, stressFolder(100));
    const { run } = await import("../../src/cli/commands/report.ts");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      expect(await run([dir, "--open"])).toBe(0);
      expect(log).toHaveBeenCalledWith(`file://${join(dir, "report.html")}`);
    } finally {
      log.mockRestore();
    }
    const html = await readFile(join(dir, "report.html"), "utf8");
    expect(html).toContain("only isolated:");
    await expect(run([])).rejects.toThrow(InputError);
  });
});
