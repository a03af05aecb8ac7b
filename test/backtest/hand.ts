/** Hand-made MarketData for the backtest tests: a few bars typed in, NaN where a bar is absent. */
import type { Bars, FundingSeries, MarketData, SymbolData } from "../../src/market/index.ts";

export type Candle = [open: number, high: number, low: number, close: number] | null;

export function bars(from: number, intervalMs: number, rows: Candle[]): Bars {
  const n = rows.length;
  const col = (k: number) => Float64Array.from(rows, (r) => (r ? r[k] : NaN));
  return {
    intervalMs, length: n, time: Float64Array.from({ length: n }, (_, i) => from + i * intervalMs),
    open: col(0), high: col(1), low: col(2), close: col(3), volume: Float64Array.from(rows, (r) => (r ? 1 : NaN)),
  };
}

export function fundingSeries(rows: [time: number, rate: number, intervalHours: number][]): FundingSeries {
  return {
    length: rows.length, time: Float64Array.from(rows, (r) => r[0]), rate: Float64Array.from(rows, (r) => r[1]),
    intervalHours: Float64Array.from(rows, (r) => r[2]),
  };
}

const noGaps = { missingBars: 0, holes: 0, first: [] };

export interface HandSymbol {
  symbol: string;
  rows: Candle[];
  funding?: [number, number, number][];
  /** finer candles from `from` on their own clock */
  detail?: { intervalMs: number; rows: Candle[] };
}

export function handMarket(from: number, intervalMs: number, symbols: HandSymbol[]): MarketData {
  const length = symbols[0].rows.length;
  const out: SymbolData[] = symbols.map((s) => {
    const sd: SymbolData = {
      symbol: s.symbol, bars: bars(from, intervalMs, s.rows),
      info: { bars: { file: `${s.symbol}.csv`, rows: length, first: from, last: from + (length - 1) * intervalMs, gaps: noGaps } },
    };
    if (s.funding) sd.funding = fundingSeries(s.funding);
    if (s.detail) sd.detail = bars(from, s.detail.intervalMs, s.detail.rows);
    return sd;
  });
  return {
    intervalMs, from, to: from + length * intervalMs, length,
    time: Float64Array.from({ length }, (_, i) => from + i * intervalMs), symbols: out, warnings: [],
  };
}
