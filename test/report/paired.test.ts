/**
 * The stress verdict judges cross against isolated by the paired difference (common random numbers),
 * not by whether the two marginal Wilson intervals overlap. Figures worked out by hand from the counts.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { scoreStatistic } from "../stats/pairedReference.ts";
import { describe, expect, it } from "vitest";
import { buildReportHtml } from "../../src/report/index.ts";
import { pairedDifference } from "../../src/report/paired.ts";
import { stressComparison, stressVerdict } from "../../src/report/table.ts";
import type { StressSummary } from "../../src/results/types.ts";

const FIXTURE = join(import.meta.dirname, "../fixtures/results/stress/summary.json");
const fixture = async () => JSON.parse(await readFile(FIXTURE, "utf8")) as StressSummary;

describe("paired difference of liquidation probability", () => {
  it("fixture, 400 paths: only cross 16, only isolated 36 → d = −0.05, Tango's interval −8.69 to −1.52 points", async () => {
    const s = await fixture();
    expect(s.paired).toMatchObject({ both: 8, onlyCross: 16, onlyIsolated: 36, neither: 340 });
    // d = (16 − 36)/400 = −0.05; the bounds solve the score equation T(Δ) = ±1.959964 (reference solver)
    const d = pairedDifference(s.paired)!;
    expect(d.estimate).toBeCloseTo(-0.05, 12);
    expect(scoreStatistic(16, 36, 400, d.ci95[0])).toBeCloseTo(1.959964, 5);
    expect(scoreStatistic(16, 36, 400, d.ci95[1])).toBeCloseTo(-1.959964, 5);
    expect(d.ci95[0]).toBeCloseTo(-0.086889, 5);
    expect(d.ci95[1]).toBeCloseTo(-0.015200, 5);
  });

  it("the verdict calls a clear difference clear even where the marginal intervals overlap", async () => {
    const s = await fixture();
    const [cross, iso] = s.runs;
    // the marginal Wilson intervals overlap (8.3 % – 8.8 %): the old verdict called this a draw
    expect(cross.ci95[1]).toBeGreaterThan(iso.ci95[0]);
    expect(stressVerdict(s)[0]).toMatch(/^Use cross margin for this book: liquidated in 6\.0 % of paths against 11\.0 % \(paired difference cross − isolated −5\.0 points, 95 % interval −8\.7 to −1\.5 points\)/);
    const headline = stressVerdict(s)[1];
    expect(headline).toBe("Fewer liquidations with cross: 6.0 % of paths vs 11.0 % with isolated " +
      "(paired difference cross − isolated −5.0 points, 95 % interval −8.7 to −1.5 points): a real difference, not sampling noise.");
  });

  it("an interval across zero is reported as undecided: only cross 10, only isolated 6 of 400 → +1.0 points, −1.0 to +3.0", async () => {
    const s = await fixture();
    s.paired = { both: 8, onlyCross: 10, onlyIsolated: 6, neither: 376 };
    s.runs[0].liquidationProbability = 18 / 400;
    s.runs[1].liquidationProbability = 14 / 400;
    // d = 4/400 = 0.01; the score interval's bounds solve T(Δ) = ±z
    const d = pairedDifference(s.paired)!;
    expect(scoreStatistic(10, 6, 400, d.ci95[0])).toBeCloseTo(1.959964, 5);
    expect(scoreStatistic(10, 6, 400, d.ci95[1])).toBeCloseTo(-1.959964, 5);
    expect(d.ci95[0]).toBeLessThan(0);
    expect(stressVerdict(s)[0]).toMatch(/^Either mode for this book as far as these 400 paths can tell: .* which includes zero\.$/);
    expect(stressVerdict(s)[1]).toBe("Fewer liquidations with isolated: 3.5 % of paths vs 4.5 % with cross " +
      "(paired difference cross − isolated +1.0 points, 95 % interval −1.1 to +3.2 points); the paired interval includes zero, so these paths cannot tell the modes apart.");
  });

  it("uses the runner's own difference when summary.json carries one", async () => {
    const s = await fixture();
    s.paired = { ...s.paired, difference: { estimate: -0.05, ci95: [-0.07, -0.03] } };
    expect(pairedDifference(s.paired)).toEqual({ estimate: -0.05, ci95: [-0.07, -0.03] });
    expect(stressVerdict(s)[1]).toContain("95 % interval −7.0 to −3.0 points): a real difference");
    s.paired = { ...s.paired, difference: null }; // one mode only: no paired figure
    expect(pairedDifference(s.paired)).toBeNull();
  });

  it("the paired outcome table shows the difference and where it comes from", async () => {
    const s = await fixture();
    const html = await buildReportHtml({ summary: s, files: {} }, { interactive: false });
    const foot = html.match(/<table class="paired">[\s\S]*?<tfoot>([\s\S]*?)<\/tfoot><\/table>/);
    expect(foot).not.toBeNull();
    expect(foot![1]).toContain("<b>−5.0 points</b> (95 % interval −8.7 to −1.5 points) = (only cross − only isolated) / paths = (16 − 36) / 400");
    expect(html).not.toContain("intervals overlap");
  });
});

describe("wipeout and bad-debt intervals", () => {
  it("shown beside the figure when the summary has them, and the row says so", async () => {
    const s = await fixture();
    // cross: 24 of 400 wiped out → Wilson 4.06 %–8.77 %; 0 of 400 → 0 – z²/(n + z²) = 0.95 %
    s.runs[0].wipeoutCi95 = [0.040648, 0.087723];
    s.runs[1].wipeoutCi95 = [0, 0.009512];
    s.runs[0].badDebtCi95 = [0, 0.009512];
    s.runs[1].badDebtCi95 = [0, 0.009512];
    const rows = Object.fromEntries(stressComparison(s).rows.map((r) => [r.label, r.cells]));
    expect(rows["Account wiped out (95 % interval)"]).toEqual(["6.0 % (4.1 % – 8.8 %)", "0.0 % (0.0 % – 1.0 %)"]);
    expect(rows["Bad debt probability (95 % interval)"]).toEqual(["0.0 % (0.0 % – 1.0 %)", "0.0 % (0.0 % – 1.0 %)"]);
  });

  it("older summaries without them keep the bare figure", async () => {
    const rows = Object.fromEntries(stressComparison(await fixture()).rows.map((r) => [r.label, r.cells]));
    expect(rows["Account wiped out"]).toEqual(["6.0 %", "0.0 %"]);
  });
});
