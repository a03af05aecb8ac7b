import type { MarketData } from "../market/index.ts";

/** Joint hourly log returns: rows where every symbol has this bar and the previous one. */
export interface JointReturns {
  symbols: string[];
  /** returns[a][k]: asset a, row k */
  returns: Float64Array[];
  /** open time (ms) of each row's bar */
  time: Float64Array;
  hoursPerStep: number;
  /** last close of each symbol: "today's price" */
  lastPrice: number[];
}

export function jointReturns(market: MarketData): JointReturns {
  const n = market.symbols.length;
  const bars = market.symbols.map((s) => s.bars);
  const rows: number[] = [];
  for (let t = 1; t < market.length; t++) {
    let ok = true;
    for (const b of bars) if (!(b.close[t] > 0 && b.close[t - 1] > 0)) ok = false;
    if (ok) rows.push(t);
  }
  const returns = bars.map((b) => Float64Array.from(rows, (t) => Math.log(b.close[t] / b.close[t - 1])));
  const lastPrice = bars.map((b) => {
    for (let t = b.length - 1; t >= 0; t--) if (b.close[t] > 0) return b.close[t];
    return NaN;
  });
  return { symbols: market.symbols.map((s) => s.symbol), returns, time: Float64Array.from(rows, (t) => market.time[t]), hoursPerStep: market.intervalMs / 3_600_000, lastPrice: n ? lastPrice : [] };
}

export function mean(x: ArrayLike<number>, rows?: ArrayLike<number>): number {
  let s = 0;
  const n = rows ? rows.length : x.length;
  for (let i = 0; i < n; i++) s += x[rows ? rows[i] : i];
  return s / n;
}

export function variance(x: ArrayLike<number>, rows?: ArrayLike<number>): number {
  const m = mean(x, rows);
  let s = 0;
  const n = rows ? rows.length : x.length;
  for (let i = 0; i < n; i++) {
    const d = x[rows ? rows[i] : i] - m;
    s += d * d;
  }
  return s / n;
}

/** Pearson kurtosis (normal = 3). */
export function kurtosis(x: ArrayLike<number>): number {
  const m = mean(x);
  let s2 = 0, s4 = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] - m) ** 2;
    s2 += d;
    s4 += d * d;
  }
  const n = x.length;
  return (s4 / n) / (s2 / n) ** 2;
}

/** Correlation matrix of the assets over the given rows. */
export function correlationMatrix(returns: Float64Array[], rows: ArrayLike<number>): number[][] {
  const n = returns.length;
  const m = returns.map((r) => mean(r, rows));
  const c = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let k = 0; k < rows.length; k++) {
    const t = rows[k];
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) c[i][j] += (returns[i][t] - m[i]) * (returns[j][t] - m[j]);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c[i][j] = c[j][i] = c[i][j] / Math.sqrt(c[i][i] * c[j][j]);
  for (let i = 0; i < n; i++) c[i][i] = 1;
  return c;
}
