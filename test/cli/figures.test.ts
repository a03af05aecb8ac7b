import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { money, points, pointsInterval, signed } from "../../src/results/index.ts";
import { money as reportMoney, pct as reportPct } from "../../src/report/format.ts";
import type { BacktestSummary } from "../../src/results/index.ts";
import { cliLines } from "./inProcess.ts";

describe("signed: the one rule for printed figures", () => {
  it("exact decimals, a minus only on a figure that is not zero, half away from zero on the shortest decimal", () => {
    expect(money(13321.7534)).toBe("13,321.75");
    expect(money(-350.0384)).toBe("−350.04");
    expect(money(-0.004)).toBe("0.00"); // not "−0.00"
    expect(money(-0.005)).toBe("−0.01");
    expect(money(1.005)).toBe("1.01"); // 1.005 is 1.00499999999999989…, toFixed gives "1.00"
    expect(money(20000)).toBe("20,000.00");
    expect(signed(33.2183, 3)).toBe("33.218");
    expect(signed(75, 1)).toBe("75.0");
    expect(signed(-0.04, 1)).toBe("0.0");
    expect(signed(Infinity, 3)).toBe("∞");
    expect(signed(-Infinity, 2)).toBe("−∞");
    expect(signed(NaN, 2)).toBe("–");
    // the report's formats are the same figures
    expect(reportMoney(1.005)).toBe("1.01");
    expect(reportMoney(-0.001)).toBe("0.00");
    expect(reportPct(-0.004)).toBe("0.00 %");
    expect(reportPct(1234.5)).toBe("1,234.50 %");
    expect(reportMoney(NaN)).toBe("–");
    // a difference of probabilities, in the verdict's words
    expect(points(-0.05)).toBe("−5.0 points");
    expect(points(0.003)).toBe("+0.3 points");
    expect(points(-0.0004)).toBe("0.0 points"); // not "−0.0"
    expect(points(0.0004)).toBe("0.0 points"); // nor "+0.0"
    expect(points(0.00125, 1)).toBe("+0.1 points");
    expect(points(-0.86005, 2)).toBe("−86.01 points"); // 86.005 as the shortest decimal rounds up; toFixed gave 86.00
    expect(pointsInterval([-0.087, -0.015])).toBe("−8.7 to −1.5 points");
  });
});

describe("the terminal's figures are the report's", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("liq prints the maintenance margin to the cent", async () => {
    // Binance BTCUSDT 0.1234 at 67,123.7: notional 8,283.07, first bracket 0.4 % → 33.132…
    const r = await cliLines(["liq", "--venue", "binance", "--side", "long", "--entry", "67123.7", "--size", "0.1234", "--leverage", "20", "--balance", "1000"]);
    expect(r.code).toBe(0);
    const rows = r.out.join("\n").split("\n").filter((l) => l.startsWith("BTCUSDT  long"));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/ 33\.13 +\d/);
  });

  it("a backtest's table shows money and percentages at their stated decimals, the same cents as summary.json through the report's money", async () => {
    const out = await mkdtemp(join(tmpdir(), "perpsim-figures-"));
    dirs.push(out);
    const r = await cliLines([
      "backtest", "--strategy", "hold", "--params", '{"legs":[{"symbol":"BTCUSDT","side":"long","leverage":10,"weight":0.1}]}',
      "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-15", "--modes", "cross,isolated", "--out", out,
    ]);
    expect(r.code, r.err.join("\n")).toBe(0);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as BacktestSummary;
    const lines = r.out.join("\n").split("\n");
    const row = (name: string) => lines.find((l) => l.trimStart().startsWith(name))!.trim().slice(name.length).trim().split(/ {2,}/);
    expect(row("final equity")).toEqual(summary.runs.map((run) => reportMoney(run.finalEquity)));
    expect(row("funding paid")).toEqual(summary.runs.map((run) => reportMoney(run.fundingPaid ?? NaN)));
    for (const cell of [...row("final equity"), ...row("funding paid"), ...row("fees paid")]) expect(cell).toMatch(/^−?\d{1,3}(,\d{3})*\.\d{2}$/);
    for (const cell of [...row("return"), ...row("max drawdown")]) expect(cell).toMatch(/^−?\d{1,3}(,\d{3})*\.\d{2} %$/);
  }, 120_000);

  it("stress prints the paired difference in the verdict's words, the same figure to two decimals", async () => {
    const out = await mkdtemp(join(tmpdir(), "perpsim-figures-"));
    dirs.push(out);
    const r = await cliLines(["stress", "--config", "bench/ssw.json", "--paths", "200", "--workers", "1", "--no-report", "--out", out]);
    expect(r.code, r.err.join("\n")).toBe(0);
    const text = r.out.join("\n");
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8")) as { paired: { difference: { estimate: number; ci95: [number, number] } } };
    const d = summary.paired.difference;
    const paired = text.split("\n").find((l) => l.startsWith("paired: "))!;
    expect(paired).toContain(`; cross − isolated ${points(d.estimate, 2)}, 95 % interval ${pointsInterval(d.ci95, 2)}`);
    expect(paired).toMatch(/cross − isolated [−+]\d+\.\d{2} points, 95 % interval [−+]\d+\.\d{2} to [−+]\d+\.\d{2} points$/);
    expect(text).toContain(`cross − isolated ${points(d.estimate)}, 95 % interval ${pointsInterval(d.ci95)}`); // the verdict's line
  }, 120_000);
});
