/**
 * The backtest's one-sentence verdict: the mode that survived is recommended, and the "but" names what the
 * other mode did better in words that are true of the figures (a gain is not called a smaller loss).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backtestVerdictSentence } from "../../src/report/index.ts";
import type { BacktestSummary } from "../../src/results/index.ts";

const fixture = async () => JSON.parse(await readFile(join(import.meta.dirname, "../fixtures/results/backtest/summary.json"), "utf8")) as BacktestSummary;

describe("backtest verdict", () => {
  it("isolated liquidated but ending higher with a gain: 'ended … higher despite its liquidation', never 'lost less'", async () => {
    const s = await fixture();
    const [cross, iso] = s.runs;
    // npm start's figures: cross +33.22 % survives, isolated +35.85 % after losing its BTC leg
    Object.assign(cross, { finalEquity: 13322, returnPct: 33.22 });
    Object.assign(iso, { finalEquity: 13585, returnPct: 35.85 });
    const v = backtestVerdictSentence(s);
    expect(v).toMatch(/^Use cross margin to keep this book open: it survived where isolated was liquidated once/);
    expect(v).toContain("but isolated ended 263.00 higher despite its liquidation (35.85 % against 33.22 %)");
    expect(v).not.toContain("lost less");
  });

  it("isolated liquidated and losing less: 'lost less when wrong'", async () => {
    const s = await fixture();
    const [cross, iso] = s.runs;
    Object.assign(cross, { finalEquity: 7520, returnPct: -24.8 });
    Object.assign(iso, { finalEquity: 8995, returnPct: -10.05 });
    expect(backtestVerdictSentence(s)).toContain("but isolated lost less when wrong (−10.05 % against −24.80 %), its liquidation capping the loss at the margin");
  });
});
