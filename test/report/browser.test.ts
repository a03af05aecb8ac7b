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
import { crashMonth, EVIL_NAME, evilNamedRun, fullHistory, stressExample } from "./runs.ts";

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
const dirs = { crash: "", stress: "", evil: "", full: "" };

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

describe.runIf(haveBrowser)("reports of real runs in chromium", () => {
  it("backtest, 10x BTC hold through March 2020: every chart live with marks, isolated's liquidation marked", async () => {
    const v = await visit(dirs.crash, "backtest");
    expectCleanAndLive(v, BACKTEST_CHARTS);
    // equity: one line per mode + the single isolated liquidation marker (2020-03-09, mark low through 1000 of margin)
    expect(v.marks[0].marks).toBe(3);
    expect(v.text).toContain("Cross survived; isolated was liquidated 1 time.");
    // isolated lost its 1,000 margin and paid one 5.00 taker fee (0.05 % of the 10,000 notional): 8,995.00 left
    expect(v.text).toContain("8,995.00");
    expect(v.text).toContain("2020-03-01");
  });

  it("stress, the GBM example with 300 paths: every chart live with marks, paired table and model shown", async () => {
    const v = await visit(dirs.stress, "stress");
    expectCleanAndLive(v, ["chart-survival", "chart-terminal-equity", "chart-minimum-equity", "chart-time-to-liquidation", "chart-sample-paths"]);
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
