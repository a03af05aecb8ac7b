/**
 * The reports of real runs in a real browser (Debian's chromium, driven by playwright-core; never a
 * downloaded one): the CLI runs on the shipped data in the setup, then every chart must draw SVG marks,
 * the console must stay clean, nothing may be requested outside file://, and screenshots land in
 * test-output/ (git-ignored) for a human to look at.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crashMonth, EVIL_NAME, evilNamedRun, fullHistory, stopsMonth, stressExample, unknownFunding } from "./runs.ts";

const CHROMIUM = "/usr/bin/chromium";
/**
 * CI (CI=true, where .ci/run installs Debian's chromium) always runs these tests; elsewhere they are
 * skipped with a notice when the browser is not installed, so `npm test` on a fresh machine still
 * tells the truth about everything else.
 */
const haveBrowser = existsSync(CHROMIUM) || process.env.CI === "true";
if (!haveBrowser) console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
const SHOTS = resolve("test-output/report");

let context: BrowserContext;
let profile: string;
let work: string;
const dirs = { crash: "", stress: "", evil: "", full: "", stops: "", unknown: "" };

beforeAll(async () => {
  if (!haveBrowser) return;
  profile = await mkdtemp(join(tmpdir(), "perpsim-chromium-"));
  work = await mkdtemp(join(tmpdir(), "perpsim-report-"));
  await mkdir(SHOTS, { recursive: true });
  for (const k of Object.keys(dirs) as (keyof typeof dirs)[]) dirs[k] = join(work, k);
  await mkdir(join(work, "strategies"));
  // two CLI runs at a time: the machine has two cores
  await Promise.all([
    crashMonth(dirs.crash).then(() => evilNamedRun(join(work, "strategies"), dirs.evil)),
    stressExample(dirs.stress).then(() => fullHistory(dirs.full)),
  ]);
  await Promise.all([stopsMonth(dirs.stops), unknownFunding(dirs.unknown)]);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  await rm(profile, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

interface Visit { errors: string[]; requests: string[]; dialogs: string[]; marks: { id: string; live: string | undefined; marks: number }[]; text: string }

/** Open the report.html the CLI wrote in `dir`, wait for every live chart, collect what happened. */
async function visit(dir: string, shot: string): Promise<Visit> {
  const page = await context.newPage();
  const v: Visit = { errors: [], requests: [], dialogs: [], marks: [], text: "" };
  page.on("console", (m) => { if (m.type() === "error") v.errors.push(m.text()); });
  page.on("pageerror", (err) => v.errors.push(err.message));
  page.on("request", (r) => v.requests.push(r.url()));
  page.on("dialog", async (d) => { v.dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(pathToFileURL(join(dir, "report.html")).href);
  // the boot script sets data-live on each figure once its vega view has run (or failed)
  await page.waitForFunction('[...document.querySelectorAll("figure.chart")].every((f) => f.dataset.live !== undefined)', null, { timeout: 30_000 });
  v.marks = await page.$$eval("figure.chart", (figs) => figs.map((f) => ({
    id: f.id,
    live: (f as unknown as { dataset: Record<string, string | undefined> }).dataset.live,
    // data marks only: vega puts axes and legends in role-axis / role-legend groups
    marks: f.querySelectorAll(".live svg g.role-mark > path, .live svg g.role-mark > line, .live svg g.role-mark > rect, .live svg g.role-mark > text").length,
  })));
  v.text = await page.innerText("body");
  await page.screenshot({ path: join(SHOTS, `${shot}-first-screen.png`) });
  await page.screenshot({ path: join(SHOTS, `${shot}-full.png`), fullPage: true });
  await page.close();
  return v;
}

function expectCleanAndLive(v: Visit, ids: string[]): void {
  expect(v.marks.map((m) => m.id)).toEqual(ids);
  for (const m of v.marks) {
    expect(m.live, m.id).toBe("1");
    expect(m.marks, m.id).toBeGreaterThan(0);
  }
  expect(v.errors).toEqual([]);
  expect(v.dialogs).toEqual([]);
  expect(v.requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  expect(v.requests.filter((u) => u.startsWith("file://"))).toHaveLength(1); // the page itself, nothing else
}

const BACKTEST_CHARTS = ["chart-equity", "chart-price-0", "chart-funding", "chart-funding-share", "chart-drawdown"];

interface MarkerCheck { kind: string; y: number; price: number; wickLow: number; wickHigh: number; dx: number; top: number; bottom: number; cy: number }

/**
 * On a live price chart: each marker of the "markers" dataset, the wick drawn at its time (same t in
 * the "wicks" dataset), and in the SVG the marker's centre against the nearest wick line's extent.
 */
async function markersOnWicks(dir: string, chartId: string): Promise<MarkerCheck[]> {
  const page = await context.newPage();
  await page.goto(pathToFileURL(join(dir, "report.html")).href);
  await page.waitForFunction(`document.querySelector("#${chartId}")?.dataset.live === "1"`, null, { timeout: 30_000 });
  const out = await page.$eval(`#${chartId}`, (fig) => {
    const spec = JSON.parse(fig.querySelector("script.vl-spec")!.textContent!) as { datasets: Record<string, Record<string, number | string>[]> };
    const wicks = spec.datasets.wicks;
    const rect = (el: { getBoundingClientRect(): { left: number; top: number; width: number; height: number; bottom: number } }) => el.getBoundingClientRect();
    const lines = [...fig.querySelectorAll(".live svg g.mark-rule.role-mark line")].map(rect);
    const dots = [...fig.querySelectorAll(".live svg g.mark-symbol.role-mark path")].map(rect);
    return spec.datasets.markers.map((m, i) => {
      const w = wicks.find((x) => x.t === m.t)!;
      const d = dots[i];
      const cx = d.left + d.width / 2, cy = d.top + d.height / 2;
      const near = lines.reduce((best, l) => (Math.abs(l.left + l.width / 2 - cx) < Math.abs(best.left + best.width / 2 - cx) ? l : best));
      return { kind: String(m.kind), y: Number(m.y), price: Number(m.price), wickLow: Number(w.low), wickHigh: Number(w.high),
        dx: Math.abs(near.left + near.width / 2 - cx), top: near.top, bottom: near.bottom, cy };
    });
  });
  await page.close();
  return out;
}

describe.runIf(haveBrowser)("reports of real runs in chromium", () => {
  it("backtest, 10x BTC hold through March 2020: every chart live with marks, isolated's liquidation marked", async () => {
    const v = await visit(dirs.crash, "backtest");
    expectCleanAndLive(v, BACKTEST_CHARTS);
    // equity: one line per mode, the buy-and-hold line + the single isolated liquidation marker (2020-03-09, mark low through 1000 of margin)
    expect(v.marks[0].marks).toBe(4);
    expect(v.text).toContain("Use cross margin to keep this book open: it survived where isolated was liquidated once");
    // isolated lost its 1,000 margin and paid one 5.00 taker fee (0.05 % of the 10,000 notional): 8,995.00 left
    expect(v.text).toContain("8,995.00");
    expect(v.text).toContain("2020-03-01");
  });

  it("backtest: the trade table lists trades.csv and sorts by a column; the liquidation marker sits on its wick", async () => {
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(dirs.crash, "report.html")).href);
    const rows = () => page.$$eval("table.trades tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    const csv = (await readFile(join(dirs.crash, "trades.csv"), "utf8")).trimEnd().split("\n").slice(1);
    expect(await rows()).toHaveLength(csv.length);
    // cross held to the end (an "end" row), isolated was liquidated on 2020-03-09
    expect((await rows()).map((r) => [r[0], r[11]])).toEqual([["cross", "end"], ["isolated", "liquidation"]]);
    await page.click("table.trades th:nth-child(9)"); // pnl, ascending: cross's −2,486.79 open loss first
    expect((await rows())[0][0]).toBe("cross");
    await page.click("table.trades th:nth-child(9)"); // descending
    expect((await rows())[0][0]).toBe("isolated");
    await page.close();

    const marks = await markersOnWicks(dirs.crash, "chart-price-0");
    expect(marks.map((m) => m.kind)).toEqual(["liquidation"]);
    const [liq] = marks;
    // the data: the fill lies on the wick of its bar (no slippage), so the marker is drawn at the fill itself
    expect(liq.y).toBe(liq.price);
    expect(liq.wickLow).toBeLessThanOrEqual(liq.y);
    expect(liq.y).toBeLessThanOrEqual(liq.wickHigh);
    // the drawing: on the wick line at its x, between its ends
    expect(liq.dx).toBeLessThan(1);
    expect(liq.cy).toBeGreaterThanOrEqual(liq.top - 0.5);
    expect(liq.cy).toBeLessThanOrEqual(liq.bottom + 0.5);
  });

  it("backtest with stops: the stop and the take-profit markers sit on the wicks that hit them", async () => {
    const marks = await markersOnWicks(dirs.stops, "chart-price-0"); // BTCUSDT: the 5 % stop, in both modes
    expect(marks.map((m) => m.kind)).toEqual(["stop", "stop"]);
    const eth = await markersOnWicks(dirs.stops, "chart-price-1"); // ETHUSDT: isolated liquidated, cross's take-profit
    expect(eth.map((m) => m.kind).sort()).toEqual(["liquidation", "take-profit"]);
    for (const m of [...marks, ...eth]) {
      expect(m.wickLow).toBeLessThanOrEqual(m.y);
      expect(m.y).toBeLessThanOrEqual(m.wickHigh);
      expect(m.dx).toBeLessThan(1);
      expect(m.cy).toBeGreaterThanOrEqual(m.top - 0.5);
      expect(m.cy).toBeLessThanOrEqual(m.bottom + 0.5);
    }
    // 8,532.50 entry − 5 % = 8,105.875: the stop level is inside the wick of its bar
    expect(marks[0].price).toBe(8105.875);
  });

  it("unknown funding: null in summary.json, 'unknown' on the first screen and in the table", async () => {
    const summary = JSON.parse(await readFile(join(dirs.unknown, "summary.json"), "utf8")) as { runs: { fundingPaid: number | null }[] };
    expect(summary.runs.map((r) => r.fundingPaid)).toEqual([null, null]);
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(dirs.unknown, "report.html")).href);
    const verdict = await page.innerText("#verdict");
    expect(verdict).toMatch(/Funding: unknown/);
    // on the first screen: the verdict card is within the 900-pixel viewport
    const box = await page.$eval("#verdict", (el) => el.getBoundingClientRect().bottom);
    expect(box).toBeLessThan(900);
    const fundingRow = await page.$$eval("table.comparison tr", (trs) => trs.map((tr) => tr.textContent ?? "").find((t) => t.startsWith("Funding paid")));
    expect(fundingRow).toBe("Funding paidunknownunknown");
    await page.close();
  });

  it("stress, the GBM example with 300 paths: every chart live with marks, paired table and model shown", async () => {
    const v = await visit(dirs.stress, "stress");
    expectCleanAndLive(v, ["chart-survival", "chart-terminal-equity", "chart-minimum-equity", "chart-time-to-liquidation", "chart-sample-paths", "chart-sample-liquidation-0"]);
    expect(v.text).toContain("Paired outcomes: the same 300 paths under both modes");
    // the model line reads the config back: GBM, BTC from 60,000 at 60 % annual volatility
    expect(v.text).toMatch(/gbm · BTC 60,000 at 60 % vol/);
  });

  it("a strategy named <script>alert(1)</script> shows as text and runs nothing", async () => {
    const v = await visit(dirs.evil, "xss");
    expectCleanAndLive(v, BACKTEST_CHARTS);
    expect(v.text).toContain(`perpsim backtest — ${EVIL_NAME} on`);
    const summary = JSON.parse(await readFile(join(dirs.evil, "summary.json"), "utf8")) as { strategy: string };
    expect(summary.strategy).toBe(EVIL_NAME);
  });

  it("a full-history backtest (58,623 hourly bars × 2 modes) gives a report under 3 MB that still draws", async () => {
    const csvRows = (await readFile(join(dirs.full, "equity.csv"), "utf8")).trimEnd().split("\n").length - 1;
    expect(csvRows).toBe(2 * 58_623); // the CSV keeps every bar of both modes (data/README.md: 58,623 rows)
    const size = (await stat(join(dirs.full, "report.html"))).size;
    expect(size).toBeLessThan(3 * 1024 * 1024);
    console.log(`full-history report: ${(size / 1e6).toFixed(2)} MB for ${csvRows} equity rows`);
    const v = await visit(dirs.full, "full-history");
    expectCleanAndLive(v, BACKTEST_CHARTS);
  });
});
