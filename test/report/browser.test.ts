/**
 * The reports in a real browser (Debian's chromium, driven by playwright-core; never a downloaded one):
 * every chart draws SVG marks, the console stays clean, nothing is requested outside file://, and a
 * screenshot lands in test-output/ (git-ignored) for a human to look at.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/index.ts";
import { backtestFolder, stressFolder, writeFolder } from "../fixtures/results/generate.ts";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = resolve("test-output/report");

let context: BrowserContext;
let profile: string;
let work: string;

beforeAll(async () => {
  profile = await mkdtemp(join(tmpdir(), "perpsim-chromium-"));
  work = await mkdtemp(join(tmpdir(), "perpsim-report-"));
  await mkdir(SHOTS, { recursive: true });
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

async function visit(dir: string, shot: string): Promise<Visit> {
  const path = await writeReport(dir);
  const page = await context.newPage();
  const v: Visit = { errors: [], requests: [], dialogs: [], marks: [], text: "" };
  page.on("console", (m) => { if (m.type() === "error") v.errors.push(m.text()); });
  page.on("pageerror", (err) => v.errors.push(err.message));
  page.on("request", (r) => v.requests.push(r.url()));
  page.on("dialog", async (d) => { v.dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(pathToFileURL(path).href);
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

describe("report in chromium", () => {
  it("backtest report: every chart is live and drew marks, no errors, no network", async () => {
    const dir = join(work, "backtest");
    await writeFolder(dir, backtestFolder());
    const v = await visit(dir, "backtest");
    // equity, one price chart per symbol (2), funding, funding share, drawdown
    expect(v.marks.map((m) => m.id)).toEqual(["chart-equity", "chart-price-0", "chart-price-1", "chart-funding", "chart-funding-share", "chart-drawdown"]);
    for (const m of v.marks) {
      expect(m.live, m.id).toBe("1");
      expect(m.marks, m.id).toBeGreaterThan(0);
    }
    // the equity chart: one line per mode + the single isolated liquidation marker
    expect(v.marks[0].marks).toBe(3);
    expect(v.errors).toEqual([]);
    expect(v.requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
    expect(v.requests.filter((u) => u.startsWith("file://"))).toHaveLength(1);
    // the answer is on the page in words: isolated lost its ETH leg in the crash, cross rode it out
    expect(v.text).toContain("Cross survived; isolated was liquidated 1 time.");
  });

  it("stress report: every chart is live and drew marks, paired table shown, no errors, no network", async () => {
    const dir = join(work, "stress");
    await writeFolder(dir, stressFolder());
    const v = await visit(dir, "stress");
    expect(v.marks.map((m) => m.id)).toEqual(["chart-survival", "chart-terminal-equity", "chart-minimum-equity", "chart-time-to-liquidation", "chart-sample-paths", "chart-sweep"]);
    for (const m of v.marks) {
      expect(m.live, m.id).toBe("1");
      expect(m.marks, m.id).toBeGreaterThan(0);
    }
    // the sweep heat map: 5 correlations × 4 leverages = 20 cells, each a rect and a label
    expect(v.marks.find((m) => m.id === "chart-sweep")!.marks).toBe(40);
    expect(v.errors).toEqual([]);
    expect(v.requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
    // 400 paths: cross liquidates when (37 i mod 100) < 6 → 24 paths; isolated when (53 i mod 100) < 11 → 44
    expect(v.text).toContain("Fewer liquidations with cross: 6.0 % of paths vs 11.0 % with isolated");
  });

  it("a strategy named <script>alert(1)</script> shows as text and runs nothing", async () => {
    const dir = join(work, "xss");
    await writeFolder(dir, backtestFolder(200, "<script>alert(1)</script>"));
    const v = await visit(dir, "xss");
    expect(v.dialogs).toEqual([]);
    expect(v.errors).toEqual([]);
    expect(v.text).toContain("<script>alert(1)</script>");
    for (const m of v.marks) expect(m.live, m.id).toBe("1");
  });
});
