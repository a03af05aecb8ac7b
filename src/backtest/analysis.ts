import { isoTime } from "../market/index.ts";
import { TRADE_COLUMNS, type BacktestStats, type MonthlyReturn, type SymbolTotals } from "../results/index.ts";
import { backtestStats, monthlyReturns, totalsBySymbol, type EquityPoints } from "./stats.ts";
import { deriveTrades, type TradeRow } from "./trades.ts";
import type { EquityTrace, ModeResult } from "./types.ts";

/** What the summary and trades.csv add to one mode's run: its trades and the figures made from them. */
export interface RunAnalysis {
  mode: string;
  trades: TradeRow[];
  stats: BacktestStats;
  bySymbol: Record<string, SymbolTotals>;
  monthlyReturns: MonthlyReturn[];
}

export interface AnalysisHeader {
  symbols: readonly string[];
  from: number;
  to: number;
  initialBalance: number;
  /** false when the funding source had no data for a symbol: funding figures are then null */
  fundingKnown: boolean;
}

/** The equity curve of a trace: the initial balance at `from`, then each bar's equity at its close. */
export function equityPoints(e: EquityTrace | null, from: number, to: number, initial: number, finalEquity: number): EquityPoints {
  const time = [from], equity = [initial];
  if (!e || e.rows === 0) return { time: [from, to], equity: [initial, finalEquity] };
  const iv = (to - from) / e.rows;
  for (let r = 0; r < e.rows; r++) {
    time.push(e.data[r * e.stride] + iv);
    equity.push(e.data[r * e.stride + 1]);
  }
  return { time, equity };
}

/** The trigger close of the last bar per symbol (what the run's unrealised PnL is valued at). */
function lastPrices(e: EquityTrace | null): Map<string, number> {
  const out = new Map<string, number>();
  if (!e || e.rows === 0) return out;
  const b = (e.rows - 1) * e.stride;
  e.symbols.forEach((s, k) => out.set(s, e.data[b + 5 + 3 * k]));
  return out;
}

export function analyseRun(h: AnalysisHeader, r: ModeResult): RunAnalysis {
  const trades = deriveTrades(r.events, lastPrices(r.equity), h.to);
  const points = equityPoints(r.equity, h.from, h.to, h.initialBalance, r.run.finalEquity);
  return {
    mode: r.run.mode,
    trades,
    stats: backtestStats({ points, from: h.from, to: h.to, initialBalance: h.initialBalance, finalEquity: r.run.finalEquity, maxDrawdownPct: r.run.maxDrawdownPct, trades }),
    bySymbol: totalsBySymbol(h.symbols, trades, r.run.liquidations.map((l) => l.symbol), h.fundingKnown),
    monthlyReturns: monthlyReturns(points, h.from, h.to),
  };
}

const num = (x: number, digits: number) => (Number.isFinite(x) ? String(Math.round(x * 10 ** digits) / 10 ** digits + 0) : "");

/** trades.csv: `mode,symbol,side,open_time,close_time,entry_price,exit_price,size,pnl,fees,funding,exit_reason` */
export function tradesCsv(analyses: readonly RunAnalysis[], fundingKnown: boolean): string {
  const lines: string[] = [TRADE_COLUMNS.join(",")];
  for (const a of analyses) {
    for (const t of a.trades) {
      lines.push([a.mode, t.symbol, t.side, isoTime(t.openTime), isoTime(t.closeTime), num(t.entryPrice, 8), num(t.exitPrice, 8), num(t.size, 10),
        num(t.pnl, 8), num(t.fees, 8), fundingKnown ? num(t.funding, 8) : "", t.exitReason].join(","));
    }
  }
  return lines.join("\n") + "\n";
}
