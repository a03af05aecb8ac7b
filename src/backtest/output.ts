import { isoTime } from "../market/index.ts";
import { EQUITY_FIXED_COLUMNS, EQUITY_SYMBOL_FIELDS, EVENT_COLUMNS, type BacktestRun, type BacktestSummary } from "../results/index.ts";
import type { BacktestResult, ModeResult } from "./types.ts";

const r8 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e8) / 1e8 + 0 : 0);
const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 + 0 : 0);

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
    fundingPaid: r8(run.fundingPaid),
    feesPaid: r8(run.feesPaid),
    badDebt: r8(run.badDebt),
    fundingErosion: { paidPctOfMargin: r4(run.fundingErosion.paidPctOfMargin), maxLiqPriceDriftPct: r4(run.fundingErosion.maxLiqPriceDriftPct) },
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
}

export function buildSummary(h: SummaryHeader, result: BacktestResult): BacktestSummary {
  return {
    command: "backtest",
    venue: h.venue,
    strategy: h.strategy,
    params: result.params,
    symbols: h.symbols,
    from: isoTime(h.from),
    to: isoTime(h.to),
    initialBalance: h.initialBalance,
    settings: { ...result.settings, ...h.settings },
    runs: result.runs.map((r) => roundRun(r.run)),
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
