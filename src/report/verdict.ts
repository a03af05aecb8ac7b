import { grouped, type BacktestRun, type BacktestSummary, type StressSummary } from "../results/index.ts";
import { money, pct, points, pointsInterval, prob } from "./format.ts";
import { isClear, pairedDifference } from "./paired.ts";

/**
 * When a backtest difference between modes is material (worth a ✓ and a recommendation): a different
 * survival or liquidation count always is; money only when the gap is at least 1 % of the initial
 * balance, percentages only when they are at least 1 percentage point apart. Why 1 %: one extra taker
 * round trip (2 × 0.05 %) on a 10× book costs 1 % of its margin, so a smaller gap is within what a single
 * fill more or less, or a fee assumption, would change: one run on one history cannot tell it apart.
 */
export const MATERIAL_SHARE = 0.01;
export const MATERIAL_RULE =
  "✓ marks the better figure only where the difference is material: a different survival or liquidation count; " +
  "money at least 1 % of the initial balance apart; percentages at least 1 point apart (1 % is one extra taker round trip on a 10× book, " +
  "so a smaller gap is within what one fill or a fee assumption changes).";

export function materialMoney(s: BacktestSummary, a: number, b: number): boolean {
  return Math.abs(a - b) >= MATERIAL_SHARE * s.initialBalance;
}

export const materialPoints = (a: number, b: number) => Math.abs(a - b) >= 1;

const worstLoss = (r: BacktestRun) => r.liquidations.reduce((m, l) => Math.max(m, l.loss), 0);

/**
 * One sentence: which mode to use for this book and why (survival, loss when wrong, funding), or that
 * the run cannot tell them apart. Plain text.
 */
export function backtestVerdictSentence(s: BacktestSummary): string {
  const cross = s.runs.find((r) => r.mode === "cross"), iso = s.runs.find((r) => r.mode === "isolated");
  if (!cross || !iso) return `Only ${s.runs.map((r) => r.mode).join(" and ")} ran: no cross-or-isolated recommendation.`;
  const why: string[] = [];
  let pick: BacktestRun | null = null;
  if (cross.survived !== iso.survived) {
    pick = cross.survived ? cross : iso;
    const other = pick === cross ? iso : cross;
    why.push(`it survived where ${other.mode} was liquidated ${times(other.liquidations.length)}`);
  } else if (cross.liquidations.length !== iso.liquidations.length) {
    pick = cross.liquidations.length < iso.liquidations.length ? cross : iso;
    const other = pick === cross ? iso : cross;
    why.push(`${pick.liquidations.length} liquidation${pick.liquidations.length === 1 ? "" : "s"} against ${other.liquidations.length}`);
  }
  if (!pick && materialMoney(s, cross.finalEquity, iso.finalEquity)) pick = cross.finalEquity > iso.finalEquity ? cross : iso;
  if (!pick) {
    return `Either mode for this book: neither was liquidated more and the final equities differ by ${money(Math.abs(cross.finalEquity - iso.finalEquity))}, under the 1 % of the balance this report calls material` +
      (cross.liquidations.length > 0 ? "; isolated confines each liquidation to its own margin" : "") + ".";
  }
  const other = pick === cross ? iso : cross;
  let but = "";
  if (materialMoney(s, pick.finalEquity, other.finalEquity)) {
    const d = pick.finalEquity - other.finalEquity;
    if (d > 0) why.push(`it ended ${money(d)} higher (${pct(pick.returnPct)} against ${pct(other.returnPct)})`);
    else if (other.returnPct < 0) but = `; but ${other.mode} lost less when wrong (${pct(other.returnPct)} against ${pct(pick.returnPct)}), its liquidation capping the loss at the margin`;
    else but = `; but ${other.mode} ended ${money(-d)} higher despite its liquidation (${pct(other.returnPct)} against ${pct(pick.returnPct)}): the positions it kept earned more than the one it lost`;
  }
  const wp = worstLoss(pick), wo = worstLoss(other);
  if (wp > 0 && wo > 0 && materialMoney(s, wp, wo)) why.push(`its largest liquidation loss was ${money(wp)} against ${money(wo)}`);
  const fp = pick.fundingErosion.maxLiqPriceDriftPct, fo = other.fundingErosion.maxLiqPriceDriftPct;
  if (materialPoints(fp, fo)) why.push(`funding moved its liquidation price ${pct(fp)} against ${pct(fo)}`);
  const goal = but === "" ? "for this book" : "to keep this book open";
  return `Use ${pick.mode} margin ${goal}: ${why.join("; ")}${but}.`;
}

const times = (n: number) => (n === 1 ? "once" : `${n} times`);

/**
 * One sentence for a stress run: the mode with fewer liquidations when the paired interval excludes
 * zero (and the loss in the worst 2.5 % of paths, and funding), else that these paths cannot tell them apart.
 */
export function stressVerdictSentence(s: StressSummary): string {
  const cross = s.runs.find((r) => r.mode === "cross"), iso = s.runs.find((r) => r.mode === "isolated");
  const d = pairedDifference(s.paired);
  if (!cross || !iso || !d) return `Only ${s.runs.map((r) => r.mode).join(" and ")} ran: no cross-or-isolated recommendation.`;
  const interval = `paired difference cross − isolated ${points(d.estimate)}, 95 % interval ${pointsInterval(d.ci95)}`;
  if (!isClear(d)) {
    return `Either mode for this book as far as these ${grouped(s.paths)} paths can tell: liquidated in ${prob(cross.liquidationProbability)} (cross) and ${prob(iso.liquidationProbability)} (isolated) of paths, ${interval}, which includes zero.`;
  }
  const [pick, other] = d.estimate < 0 ? [cross, iso] : [iso, cross];
  const why = [`liquidated in ${prob(pick.liquidationProbability)} of paths against ${prob(other.liquidationProbability)} (${interval})`];
  const ep = pick.terminalEquity.es975, eo = other.terminalEquity.es975;
  if (ep > eo) why.push(`but its loss in the worst 2.5 % of paths is larger (ES 97.5 ${money(ep)} against ${money(eo)})`);
  else if (ep < eo) why.push(`and a smaller loss in the worst 2.5 % of paths (ES 97.5 ${money(ep)} against ${money(eo)})`);
  return `Use ${pick.mode} margin for this book: ${why.join(", ")}.`;
}
