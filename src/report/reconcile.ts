import type { BacktestRun, BacktestSummary } from "../results/index.ts";
import { money } from "./format.ts";

/** The ledger totals a backtest run may carry (newer summaries); older ones have neither. */
type LedgerRun = BacktestRun & { realizedPnl?: number; liquidationLosses?: number; unrealizedPnl?: number };

/** Half a cent: the ledger is exact to the cent, so anything beyond this is a real gap. */
const CENT = 0.005;

/**
 * One line per run that carries its ledger totals: initial + realised PnL − fees − funding −
 * liquidation losses + unrealised PnL (when the summary has it), and whether that is the final equity to
 * the cent. Terms are shown with the sign they enter with (funding received adds); unknown funding (null)
 * was settled as zero and says so. Empty when no run carries the totals.
 */
export function reconciliationLines(s: BacktestSummary): string[] {
  const lines: string[] = [];
  for (const r of s.runs as LedgerRun[]) {
    if (typeof r.realizedPnl !== "number" || typeof r.liquidationLosses !== "number") continue;
    // [label, amount, the sign it enters with]: a cost of zero still reads "− 0.00"
    const terms: [string, number, 1 | -1][] = [
      ["realised PnL", r.realizedPnl, 1],
      ["fees", r.feesPaid, -1],
      [r.fundingPaid === null ? "funding (unknown, settled as zero)" : "funding", r.fundingPaid ?? 0, -1],
      ["liquidation losses", r.liquidationLosses, -1],
    ];
    if (typeof r.unrealizedPnl === "number") terms.push(["unrealised PnL", r.unrealizedPnl, 1]);
    const sum = terms.reduce((a, [, v, sign]) => a + sign * v, s.initialBalance);
    const text = terms.map(([label, v, sign]) => {
      const minus = v === 0 ? sign < 0 : sign * v < 0;
      return ` ${minus ? "−" : "+"} ${money(Math.abs(v))} ${label}`;
    }).join("");
    const gap = r.finalEquity - sum;
    const end = Math.abs(gap) < CENT
      ? ` = ${money(r.finalEquity)} final equity ✓`
      : ` = ${money(sum)}; final equity ${money(r.finalEquity)} differs by ${money(gap)} (unrealised PnL of positions still open at the end, if any)`;
    lines.push(`${r.mode}: ${money(s.initialBalance)} initial${text}${end}`);
  }
  return lines;
}
