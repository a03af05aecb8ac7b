import { isoTime } from "../market/index.ts";
import { CANDLE_FIELDS, EQUITY_FIXED_COLUMNS, EQUITY_SYMBOL_FIELDS, EVENT_COLUMNS, type BacktestRun, type BacktestStats, type BacktestSummary, type SymbolTotals } from "../results/index.ts";
import { analyseRun, type RunAnalysis } from "./analysis.ts";
import type { TriggerBars } from "./series.ts";
import type { BacktestResult, ModeResult } from "./types.ts";

const r8 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e8) / 1e8 + 0 : 0);
const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 + 0 : 0);

const rn = (x: number | null, f: (x: number) => number) => (x === null ? null : f(x));

function roundStats(s: BacktestStats): BacktestStats {
  return {
    cagrPct: rn(s.cagrPct, r4), sharpe: rn(s.sharpe, r4), sortino: rn(s.sortino, r4), calmar: rn(s.calmar, r4), volatilityPct: rn(s.volatilityPct, r4),
    winRatePct: rn(s.winRatePct, r4), profitFactor: rn(s.profitFactor, r4), exposurePct: r4(s.exposurePct), basis: s.basis,
  };
}

function roundTotals(t: Record<string, SymbolTotals>): Record<string, SymbolTotals> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { ...v, pnl: r8(v.pnl), fees: r8(v.fees), funding: rn(v.funding, r8) }]));
}

/** A run with money rounded to 8 places and percentages to 4 (stable bytes, no float noise). */
export function roundRun(run: BacktestRun): BacktestRun {
  return {
    ...run,
    finalEquity: r8(run.finalEquity),
    returnPct: r4(run.returnPct),
    maxDrawdownPct: r4(run.maxDrawdownPct),
    liquidations: run.liquidations.map((l) => ({ ...l, price: r8(l.price), size: r8(l.size), loss: r8(l.loss) })),
    realizedPnl: r8(run.realizedPnl),
    unrealizedPnl: r8(run.unrealizedPnl),
    liquidationLosses: r8(run.liquidationLosses),
    fundingPaid: rn(run.fundingPaid, r8),
    feesPaid: r8(run.feesPaid),
    badDebt: r8(run.badDebt),
    fundingErosion: { paidPctOfMargin: r4(run.fundingErosion.paidPctOfMargin), maxLiqPriceDriftPct: r4(run.fundingErosion.maxLiqPriceDriftPct) },
    ...(run.stats ? { stats: roundStats(run.stats) } : {}),
    ...(run.bySymbol ? { bySymbol: roundTotals(run.bySymbol) } : {}),
    ...(run.monthlyReturns ? { monthlyReturns: run.monthlyReturns.map((m) => ({ month: m.month, returnPct: r4(m.returnPct) })) } : {}),
  };
}

export interface SummaryHeader {
  venue: string;
  strategy: string;
  symbols: string[];
  from: number;
  to: number;
  initialBalance: number;
  settings?: Record<string, string | number | boolean>;
  /**
   * symbols whose funding source had no data for the run (no file, or no settlement in range): the
   * run's funding is then unknown and `fundingPaid` is null (default: none)
   */
  fundingUnknown?: readonly string[];
}

/** Trades, statistics, per-symbol totals and monthly returns of every run (see analysis.ts). */
export function analyseRuns(h: SummaryHeader, result: BacktestResult): RunAnalysis[] {
  const fundingKnown = (h.fundingUnknown ?? []).length === 0;
  return result.runs.map((r) => analyseRun({ symbols: h.symbols, from: h.from, to: h.to, initialBalance: h.initialBalance, fundingKnown }, r));
}

export function buildSummary(h: SummaryHeader, result: BacktestResult, analyses: RunAnalysis[] = analyseRuns(h, result)): BacktestSummary {
  const fundingKnown = (h.fundingUnknown ?? []).length === 0;
  const unknown: Record<string, string> = fundingKnown ? {} : { fundingUnknown: `no funding data for ${h.fundingUnknown!.join(", ")}: funding is unknown (settled as zero), fundingPaid is null` };
  return {
    command: "backtest",
    venue: h.venue,
    strategy: h.strategy,
    params: result.params,
    symbols: h.symbols,
    from: isoTime(h.from),
    to: isoTime(h.to),
    initialBalance: h.initialBalance,
    settings: { ...result.settings, ...h.settings, ...unknown },
    runs: result.runs.map((r, i) => roundRun({
      ...r.run,
      fundingPaid: fundingKnown ? r.run.fundingPaid : null,
      stats: analyses[i].stats,
      bySymbol: analyses[i].bySymbol,
      monthlyReturns: analyses[i].monthlyReturns,
    })),
  };
}

const num = (x: number, digits: number) => (Number.isFinite(x) ? String(Math.round(x * 10 ** digits) / 10 ** digits + 0) : "");
const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** equity.csv: `time,mode,equity,drawdownPct,fundingPaid,feesPaid,<SYM>:price,<SYM>:liqPrice,<SYM>:marginRatio,...` */
export function equityCsv(runs: ModeResult[], symbols: readonly string[]): string {
  const head = [...EQUITY_FIXED_COLUMNS, ...symbols.flatMap((s) => EQUITY_SYMBOL_FIELDS.map((f) => `${s}:${f}`))].map(csvCell).join(",");
  const lines = [head];
  for (const r of runs) {
    const e = r.equity;
    if (!e) continue;
    for (let row = 0; row < e.rows; row++) {
      const b = row * e.stride;
      const cells = [isoTime(e.data[b]), r.run.mode, num(e.data[b + 1], 8), num(e.data[b + 2], 4), num(e.data[b + 3], 8), num(e.data[b + 4], 8)];
      for (let s = 0; s < e.symbols.length; s++) {
        const c = b + 5 + 3 * s;
        cells.push(num(e.data[c], 8), num(e.data[c + 1], 8), num(e.data[c + 2], 6));
      }
      lines.push(cells.join(","));
    }
  }
  return lines.join("\n") + "\n";
}

/** events.csv: every engine event of every run, plus the replay's `stop` and `reject` rows. */
export function eventsCsv(runs: ModeResult[]): string {
  const lines = [EVENT_COLUMNS.join(",")];
  for (const r of runs) {
    for (const e of r.events) {
      lines.push([isoTime(e.time), r.run.mode, e.type, csvCell(e.symbol), e.side, num(e.size, 10), num(e.price, 8), num(e.amount, 8), num(e.walletBalance, 8), csvCell(e.detail)].join(","));
    }
  }
  return lines.join("\n") + "\n";
}

/** candles.csv: the trigger candles per bar, `time,<SYM>:open,<SYM>:high,<SYM>:low,<SYM>:close,...` (what the report draws wicks from). */
export function candlesCsv(time: Float64Array, symbols: readonly string[], trig: readonly TriggerBars[]): string {
  const head = ["time", ...symbols.flatMap((s) => CANDLE_FIELDS.map((f: string) => `${s}:${f}`))].map(csvCell).join(",");
  const lines = [head];
  for (let i = 0; i < time.length; i++) {
    const cells = [isoTime(time[i])];
    for (const t of trig) cells.push(num(t.open[i], 8), num(t.high[i], 8), num(t.low[i], 8), num(t.close[i], 8));
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}
