/** The backtest's ledger reconciliation under the summary table: initial + realised − fees − funding − liquidation losses = final. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReportHtml } from "../../src/report/index.ts";
import { reconciliationLines } from "../../src/report/reconcile.ts";
import type { BacktestSummary } from "../../src/results/types.ts";

const FIXTURE = join(import.meta.dirname, "../fixtures/results/backtest/summary.json");
const fixture = async () => JSON.parse(await readFile(FIXTURE, "utf8")) as BacktestSummary;

/** Ledger figures set by hand on the fixture's two runs (initial balance 10,000). */
async function withLedger(): Promise<BacktestSummary> {
  const s = await fixture();
  expect(s.initialBalance).toBe(10000);
  // cross: 10,000 + 250.50 − 5.40 − 41.34 − 0 = 10,203.76, the final equity to the cent
  Object.assign(s.runs[0], { realizedPnl: 250.5, feesPaid: 5.4, fundingPaid: 41.34, liquidationLosses: 0, finalEquity: 10203.76 });
  // isolated: funding received (−3.20) adds: 10,000 − 1,000.00 − 5.40 + 3.20 − 12.45 = 8,985.35; final says 9,085.35
  Object.assign(s.runs[1], { realizedPnl: -1000, feesPaid: 5.4, fundingPaid: -3.2, liquidationLosses: 12.45, finalEquity: 9085.35 });
  return s;
}

describe("reconciliation line", () => {
  it("shows each run's equation, ticks one that closes to the cent and states the gap of one that does not", async () => {
    expect(reconciliationLines(await withLedger())).toEqual([
      "cross: 10,000.00 initial + 250.50 realised PnL − 5.40 fees − 41.34 funding − 0.00 liquidation losses = 10,203.76 final equity ✓",
      "isolated: 10,000.00 initial − 1,000.00 realised PnL − 5.40 fees + 3.20 funding − 12.45 liquidation losses = 8,985.35; " +
        "final equity 9,085.35 differs by 100.00 (unrealised PnL of positions still open at the end, if any)",
    ]);
  });

  it("appears under the summary table only when the summary carries the ledger totals", async () => {
    const plain = await buildReportHtml({ summary: await fixture(), files: {} }, { interactive: false });
    expect(plain).not.toContain('class="reconciliation"');
    const html = await buildReportHtml({ summary: await withLedger(), files: {} }, { interactive: false });
    const card = html.match(/<section class="card" id="summary">([\s\S]*?)<\/section>/)![1];
    expect(card).toMatch(/<\/table>.*<div class="reconciliation">/s);
    expect(card).toContain("<p>cross: 10,000.00 initial + 250.50 realised PnL − 5.40 fees − 41.34 funding − 0.00 liquidation losses = 10,203.76 final equity ✓</p>");
  });
});
