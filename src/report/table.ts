import type { BacktestRun, BacktestSummary, StressSummary } from "../results/index.ts";
import { hours, money, pct, points, pointsInterval, prob } from "./format.ts";
import { isClear, pairedDifference, type PairedDifference } from "./paired.ts";
import { pairedMean, readPathPairs } from "./pairedPaths.ts";

/** a path is wiped out at or below this share of the initial balance (the runner's WIPEOUT_SHARE) */
const WIPEOUT = 0.1;
import { backtestVerdictSentence, MATERIAL_RULE, MATERIAL_SHARE, stressVerdictSentence } from "./verdict.ts";

/** Which way a row improves; "none" rows are facts, not contests. */
type Better = "higher" | "lower" | "none";

export interface ComparisonRow {
  label: string;
  cells: string[];
  /** the value each cell is compared on (null: not comparable) */
  values: (number | null)[];
  better: Better;
  /** false: the difference is not material (noise, or below the stated threshold), so no ✓ (default true) */
  material?: boolean;
}

export interface Comparison {
  modes: string[];
  rows: ComparisonRow[];
  /** the ✓ rule in words, shown under the table */
  rule?: string;
}

/** Index of the single best cell of a row, or -1 when the row has no contest or a tie. */
export function bestIndex(row: ComparisonRow): number {
  if (row.better === "none" || row.material === false) return -1;
  const sign = row.better === "higher" ? 1 : -1;
  let best = -1, bestValue = -Infinity, tie = false;
  row.values.forEach((v, i) => {
    if (v === null || Number.isNaN(v)) return; // Infinity is allowed: "never liquidated" beats any time
    const score = sign * v;
    if (best < 0 || score > bestValue + 1e-12) { best = i; bestValue = score; tie = false; }
    else if (score === bestValue || Math.abs(score - bestValue) <= 1e-12) tie = true;
  });
  return tie ? -1 : best;
}

function row<R>(runs: R[], label: string, better: Better, value: (r: R) => number | null, cell: (r: R) => string): ComparisonRow {
  return { label, better, values: runs.map(value), cells: runs.map(cell) };
}

/** The gap between the best and the runner-up of a row's values (0 with fewer than two values). */
function spread(values: (number | null)[]): number {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => b - a);
  return v.length < 2 ? 0 : v[0] - v[v.length - 1];
}

/** Mark a row material when its spread reaches `min` (see verdict.ts for the rule). */
function judged(r: ComparisonRow, min: number): ComparisonRow {
  return { ...r, material: spread(r.values) >= min };
}

const optional = (x: number | null | undefined, f: (x: number) => string) => (x === null || x === undefined ? "–" : f(x));
const ratio = (x: number) => `${x < 0 ? "−" : ""}${Math.abs(x).toFixed(2)}`;

export function backtestComparison(s: BacktestSummary): Comparison {
  const runs = s.runs;
  const worst = (r: BacktestRun) => r.liquidations.reduce((m, l) => Math.max(m, l.loss), 0);
  const cent = MATERIAL_SHARE * s.initialBalance;
  const stat = (label: string, f: (r: BacktestRun) => number | null | undefined, show: (x: number) => string) =>
    row(runs, label, "none", (r) => f(r) ?? null, (r) => optional(f(r), show));
  return {
    modes: runs.map((r) => r.mode),
    rule: MATERIAL_RULE + " Statistics below Fills are facts (no ✓): " + (runs.find((r) => r.stats)?.stats?.basis ?? "see summary.json") + ".",
    rows: [
      row(runs, "Survived", "higher", (r) => (r.survived ? 1 : 0), (r) => (r.survived ? "yes" : "no — liquidated")),
      row(runs, "Liquidations", "lower", (r) => r.liquidations.length, (r) => String(r.liquidations.length)),
      judged(row(runs, "Final equity", "higher", (r) => r.finalEquity, (r) => money(r.finalEquity)), cent),
      judged(row(runs, "Return", "higher", (r) => r.returnPct, (r) => pct(r.returnPct)), 1),
      judged(row(runs, "Max drawdown", "lower", (r) => Math.abs(r.maxDrawdownPct), (r) => pct(-Math.abs(r.maxDrawdownPct))), 1),
      judged(row(runs, "Largest liquidation loss (margin + fee)", "lower", worst, (r) => money(worst(r))), cent),
      judged(row(runs, "Funding paid", "lower", (r) => r.fundingPaid, (r) => (r.fundingPaid === null ? "unknown" : money(r.fundingPaid))), cent),
      judged(row(runs, "Funding, % of margin", "lower", (r) => (r.fundingPaid === null ? null : r.fundingErosion.paidPctOfMargin), (r) => (r.fundingPaid === null ? "unknown" : pct(r.fundingErosion.paidPctOfMargin))), 1),
      judged(row(runs, "Liq. price moved by funding", "lower", (r) => r.fundingErosion.maxLiqPriceDriftPct, (r) => pct(r.fundingErosion.maxLiqPriceDriftPct)), 1),
      judged(row(runs, "Fees", "lower", (r) => r.feesPaid, (r) => money(r.feesPaid)), cent),
      judged(row(runs, "Bad debt", "lower", (r) => r.badDebt, (r) => money(r.badDebt)), cent),
      row(runs, "Fills", "none", (r) => r.trades, (r) => String(r.trades)),
      stat("CAGR", (r) => r.stats?.cagrPct, (x) => pct(x)),
      stat("Sharpe (daily, ×√365, rf 0)", (r) => r.stats?.sharpe, ratio),
      stat("Sortino", (r) => r.stats?.sortino, ratio),
      stat("Calmar", (r) => r.stats?.calmar, ratio),
      stat("Volatility (annualised)", (r) => r.stats?.volatilityPct, (x) => pct(x)),
      stat("Win rate (trades, net)", (r) => r.stats?.winRatePct, (x) => pct(x, 1)),
      stat("Profit factor", (r) => r.stats?.profitFactor, ratio),
      stat("Exposure (time in a position)", (r) => r.stats?.exposurePct, (x) => pct(x, 1)),
    ],
  };
}

const withInterval = (label: string, has: boolean) => (has ? `${label} (95 % interval)` : label);

/** "6.0 % (4.1 % – 8.8 %)", or the bare figure when the summary has no interval (older runs). */
function probCell(p: number, ci95: [number, number] | undefined): string {
  return ci95 ? `${prob(p)} (${prob(ci95[0])} – ${prob(ci95[1])})` : prob(p);
}

/** A ✓ only where the paired interval (cross − isolated on the same paths) excludes zero; none without one. */
const clear = (d: PairedDifference | null | undefined) => d !== null && d !== undefined && isClear(d);

export const STRESS_RULE =
  "✓ marks the better figure only where the modes differ beyond sampling noise: the paired 95 % interval of cross − isolated on the same paths " +
  "(from the discordant paths for liquidation, from paths.csv for wipeout, bad debt, mean terminal equity and mean funding) excludes zero. " +
  "Times to liquidation follow the liquidation row's judgement (the same events); tail quantiles (5th percentile, VaR, ES) carry no paired interval here and get no ✓.";

export function stressComparison(s: StressSummary, pathsCsv?: string): Comparison {
  const runs = s.runs;
  const pairs = pathsCsv === undefined ? null : readPathPairs(pathsCsv);
  const paired = (f: Parameters<typeof pairedMean>[1]) => (pairs ? pairedMean(pairs, f) : null);
  const liq = clear(pairedDifference(s.paired));
  const wipe = clear(paired((r) => (r.terminalEquity <= WIPEOUT * (typeof s.settings?.initialBalance === "number" ? s.settings.initialBalance : NaN) ? 1 : 0)));
  const bad = clear(paired((r) => (r.badDebt > 0 ? 1 : 0)));
  const meanEq = clear(paired((r) => r.terminalEquity));
  const meanFunding = clear(paired((r) => r.fundingPaid));
  const judge = (r: ComparisonRow, material: boolean): ComparisonRow => ({ ...r, material });
  const never = (h: number | null) => (h === null ? Infinity : h);
  // a null quantile means too few paths were liquidated within the horizon to reach it
  const time = (h: number | null) => (h === null ? `beyond ${hours(s.horizonHours)}` : hours(h));
  const start = s.settings?.initialBalance;
  const from = typeof start === "number" ? ` from ${money(start)}` : "";
  return {
    modes: runs.map((r) => r.mode),
    rule: STRESS_RULE,
    rows: [
      judge(row(runs, "Survived (no liquidation)", "higher", (r) => 1 - r.liquidationProbability, (r) => prob(1 - r.liquidationProbability)), liq),
      judge(row(runs, "Liquidation probability (95 % interval)", "lower", (r) => r.liquidationProbability,
        (r) => probCell(r.liquidationProbability, r.ci95)), liq),
      judge(row(runs, withInterval("Account wiped out", runs.some((r) => r.wipeoutCi95)), "lower", (r) => r.wipeoutProbability, (r) => probCell(r.wipeoutProbability, r.wipeoutCi95)), wipe),
      judge(row(runs, withInterval("Bad debt probability", runs.some((r) => r.badDebtCi95)), "lower", (r) => r.badDebtProbability, (r) => probCell(r.badDebtProbability, r.badDebtCi95)), bad),
      judge(row(runs, "Time to liquidation, median", "higher", (r) => never(r.timeToLiquidationHours.median), (r) => time(r.timeToLiquidationHours.median)), liq),
      judge(row(runs, "Time to liquidation, 10th pct", "higher", (r) => never(r.timeToLiquidationHours.p10), (r) => time(r.timeToLiquidationHours.p10)), liq),
      judge(row(runs, "Terminal equity, mean", "higher", (r) => r.terminalEquity.mean, (r) => money(r.terminalEquity.mean)), meanEq),
      judge(row(runs, "Terminal equity, 5th pct", "higher", (r) => r.terminalEquity.p5, (r) => money(r.terminalEquity.p5)), false),
      judge(row(runs, `VaR 95 (loss${from})`, "lower", (r) => r.terminalEquity.var95, (r) => money(r.terminalEquity.var95)), false),
      judge(row(runs, "ES 97.5 (mean loss, worst 2.5 %)", "lower", (r) => r.terminalEquity.es975, (r) => money(r.terminalEquity.es975)), false),
      judge(row(runs, "Minimum equity, 5th pct", "higher", (r) => r.minEquity.p5, (r) => money(r.minEquity.p5)), false),
      judge(row(runs, "Funding paid, mean", "lower", (r) => r.fundingPaid.mean, (r) => money(r.fundingPaid.mean)), meanFunding),
    ],
  };
}

const cap = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);

/** The answer, in a sentence or two, for the top of the page. Plain text (the page escapes it). */
export function backtestVerdict(s: BacktestSummary): string[] {
  const cross = s.runs.find((r) => r.mode === "cross"), iso = s.runs.find((r) => r.mode === "isolated");
  if (!cross || !iso) return [`${s.runs.map((r) => `${cap(r.mode)}: ${r.survived ? "survived" : "liquidated"}, final equity ${money(r.finalEquity)}`).join("; ")}.`];
  const lines: string[] = [backtestVerdictSentence(s)];
  if (s.runs.some((r) => r.fundingPaid === null)) lines.push(`Funding: unknown — ${s.settings?.fundingUnknown ?? "the funding source has no data for this run"}. Equity figures settle it as zero.`);
  if (cross.survived !== iso.survived) {
    const [ok, bad] = cross.survived ? [cross, iso] : [iso, cross];
    lines.push(`${cap(ok.mode)} survived; ${bad.mode} was liquidated ${bad.liquidations.length} time${bad.liquidations.length === 1 ? "" : "s"}.`);
  } else if (!cross.survived) {
    lines.push(`Both modes were liquidated (cross ${cross.liquidations.length}×, isolated ${iso.liquidations.length}×).`);
  } else {
    lines.push("Both modes survived without a liquidation.");
  }
  const diff = cross.finalEquity - iso.finalEquity;
  if (Math.abs(diff) < 0.005) lines.push(`Both ended with ${money(cross.finalEquity)}.`);
  else {
    const [hi, lo] = diff > 0 ? [cross, iso] : [iso, cross];
    lines.push(`${cap(hi.mode)} ended with ${money(Math.abs(diff))} more (${money(hi.finalEquity)} vs ${money(lo.finalEquity)}; return ${pct(hi.returnPct)} vs ${pct(lo.returnPct)}).`);
  }
  return lines;
}

export function stressVerdict(s: StressSummary): string[] {
  const cross = s.runs.find((r) => r.mode === "cross"), iso = s.runs.find((r) => r.mode === "isolated");
  if (!cross || !iso) return s.runs.map((r) => `${cap(r.mode)}: liquidation probability ${prob(r.liquidationProbability)}.`);
  const lines: string[] = [stressVerdictSentence(s)];
  const pc = cross.liquidationProbability, pi = iso.liquidationProbability;
  // the modes ran on the same shocks: judge them by the paired difference, not by the two marginal intervals
  const d = pairedDifference(s.paired);
  const paired = d === null ? "" : ` (paired difference cross − isolated ${points(d.estimate)}, 95 % interval ${pointsInterval(d.ci95)})`;
  if (pc === pi) lines.push(`Same chance of a liquidation in both modes: ${prob(pc)}${paired}.`);
  else {
    const [lo, hi] = pc < pi ? [cross, iso] : [iso, cross];
    const judged = d === null ? "" : isClear(d) ? ": a real difference, not sampling noise" : "; the paired interval includes zero, so these paths cannot tell the modes apart";
    lines.push(`Fewer liquidations with ${lo.mode}: ${prob(lo.liquidationProbability)} of paths vs ${prob(hi.liquidationProbability)} with ${hi.mode}${paired}${judged}.`);
  }
  const ec = cross.terminalEquity.es975, ei = iso.terminalEquity.es975;
  if (ec !== ei) {
    const [lo, hi] = ec < ei ? [cross, iso] : [iso, cross];
    lines.push(`Smaller loss in the worst 2.5 % of paths with ${lo.mode} (ES 97.5 ${money(lo.terminalEquity.es975)} vs ${money(hi.terminalEquity.es975)}).`);
  }
  const p = s.paired;
  lines.push(`Same shocks, path by path: only cross liquidated in ${p.onlyCross}, only isolated in ${p.onlyIsolated}, both in ${p.both}, neither in ${p.neither} of ${p.both + p.onlyCross + p.onlyIsolated + p.neither} paths.`);
  return lines;
}
