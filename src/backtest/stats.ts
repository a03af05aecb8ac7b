import type { BacktestStats, MonthlyReturn, SymbolTotals } from "../results/index.ts";
import type { TradeRow } from "./trades.ts";

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365;

export const STATS_BASIS =
  "daily returns of the equity at each UTC midnight (and the run's first and last instant); annualised with 365 days " +
  "(√365 for volatility, Sharpe, Sortino); risk-free rate 0; Sortino's target 0; win rate and profit factor on trades.csv rows net of fees and funding";

/** The equity curve as (time, equity) points: the initial balance at `from`, then each bar's equity at its close. */
export interface EquityPoints {
  time: number[];
  equity: number[];
}

/** Equity at each of `at` (ascending): the latest point at or before it (the first point before the first). */
function sampleAt(p: EquityPoints, at: number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (const t of at) {
    while (j + 1 < p.time.length && p.time[j + 1] <= t) j++;
    out.push(p.equity[j]);
  }
  return out;
}

const ret = (a: number, b: number) => (a > 0 ? b / a - 1 : 0);

/** Boundaries from..to cut at each UTC midnight. */
export function dayBoundaries(from: number, to: number): number[] {
  const out = [from];
  for (let t = Math.floor(from / DAY_MS) * DAY_MS + DAY_MS; t < to; t += DAY_MS) out.push(t);
  out.push(to);
  return out;
}

/** Daily returns (fractions) of the curve over [from, to]. */
export function dailyReturns(p: EquityPoints, from: number, to: number): number[] {
  const v = sampleAt(p, dayBoundaries(from, to));
  const r: number[] = [];
  for (let i = 1; i < v.length; i++) r.push(ret(v[i - 1], v[i]));
  return r;
}

/** One return per UTC calendar month the run touches, in %. */
export function monthlyReturns(p: EquityPoints, from: number, to: number): MonthlyReturn[] {
  const at = [from];
  const d = new Date(from);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  while (t < to) {
    at.push(t);
    const m = new Date(t);
    t = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1);
  }
  at.push(to);
  const v = sampleAt(p, at);
  const out: MonthlyReturn[] = [];
  for (let i = 1; i < v.length; i++) out.push({ month: new Date(at[i - 1]).toISOString().slice(0, 7), returnPct: ret(v[i - 1], v[i]) * 100 });
  return out;
}

/** Share of [from, to] covered by the union of the rows' open intervals, in %. */
export function exposurePct(rows: readonly TradeRow[], from: number, to: number): number {
  const iv = rows.map((r) => [Math.max(from, r.openTime), Math.min(to, r.closeTime)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let start = -Infinity, end = -Infinity;
  for (const [a, b] of iv) {
    if (a > end) { covered += end - start > 0 ? end - start : 0; start = a; end = b; }
    else if (b > end) end = b;
  }
  covered += end - start > 0 ? end - start : 0;
  return to > from ? (covered / (to - from)) * 100 : 0;
}

const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;

export interface StatsInput {
  points: EquityPoints;
  from: number;
  to: number;
  initialBalance: number;
  finalEquity: number;
  maxDrawdownPct: number;
  trades: readonly TradeRow[];
}

export function backtestStats(o: StatsInput): BacktestStats {
  const r = dailyReturns(o.points, o.from, o.to);
  let sd: number | null = null, downside: number | null = null, m: number | null = null;
  if (r.length >= 2) {
    m = mean(r);
    sd = Math.sqrt(r.reduce((s, v) => s + (v - m!) ** 2, 0) / (r.length - 1));
    downside = Math.sqrt(r.reduce((s, v) => s + Math.min(v, 0) ** 2, 0) / r.length);
  }
  const years = (o.to - o.from) / (YEAR_DAYS * DAY_MS);
  const cagrPct = !(years > 0) ? null : o.finalEquity <= 0 ? -100 : (Math.pow(o.finalEquity / o.initialBalance, 1 / years) - 1) * 100;
  const nets = o.trades.map((t) => t.pnl - t.fees - t.funding);
  const won = nets.filter((x) => x > 0).reduce((s, x) => s + x, 0);
  const lost = -nets.filter((x) => x < 0).reduce((s, x) => s + x, 0);
  const annual = Math.sqrt(YEAR_DAYS);
  return {
    cagrPct,
    sharpe: sd !== null && sd > 0 ? (m! / sd) * annual : null,
    sortino: downside !== null && downside > 0 ? (m! / downside) * annual : null,
    calmar: cagrPct !== null && o.maxDrawdownPct > 0 ? cagrPct / o.maxDrawdownPct : null,
    volatilityPct: sd === null ? null : sd * annual * 100,
    winRatePct: nets.length === 0 ? null : (nets.filter((x) => x > 0).length / nets.length) * 100,
    profitFactor: lost > 0 ? won / lost : null,
    exposurePct: exposurePct(o.trades, o.from, o.to),
    basis: STATS_BASIS,
  };
}

/** Totals per symbol from the trade rows; `liquidations` counts the run's liquidation events per symbol. */
export function totalsBySymbol(symbols: readonly string[], rows: readonly TradeRow[], liquidationSymbols: readonly string[], fundingKnown: boolean): Record<string, SymbolTotals> {
  const out: Record<string, SymbolTotals> = {};
  for (const s of symbols) {
    const mine = rows.filter((r) => r.symbol === s);
    out[s] = {
      pnl: mine.reduce((a, r) => a + r.pnl, 0),
      fees: mine.reduce((a, r) => a + r.fees, 0),
      funding: fundingKnown ? mine.reduce((a, r) => a + r.funding, 0) : null,
      liquidations: liquidationSymbols.filter((x) => x === s).length,
      trades: mine.length,
    };
  }
  return out;
}
