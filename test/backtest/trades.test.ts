/**
 * trades.csv rows and the run statistics, against figures worked out by hand on small event streams
 * and equity curves, and against a real run's totals (every row sum must meet the summary's own figures).
 */
import { describe, expect, it } from "vitest";
import { analyseRuns, backtestStats, buildSummary, dailyReturns, deriveTrades, exposurePct, monthlyReturns, runBacktest, type BacktestEvent, type TradeRow } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";

const ev = (time: number, type: string, symbol: string, side: string, size: number, price: number, amount: number, detail: string): BacktestEvent =>
  ({ time, type, symbol, side, size, price, amount, walletBalance: 0, detail });

const stream: BacktestEvent[] = [
  ev(1, "fill", "BTC", "long", 2, 100, 0, "open"), ev(1, "fee", "BTC", "long", 2, 100, -0.1, "taker"),
  ev(2, "fill", "BTC", "long", 2, 110, 0, "open"), ev(2, "fee", "BTC", "long", 2, 110, -0.11, "taker"),
  ev(3, "funding", "BTC", "long", 4, 105, -0.4, "8h"),
  ev(4, "fill", "BTC", "long", 1, 120, 15, "reduce"), ev(4, "fee", "BTC", "long", 1, 120, -0.06, "taker"),
  ev(5, "stop", "BTC", "long", 0, 100, 0, "stop-loss"), ev(5, "fill", "BTC", "long", 3, 100, -15, "close"), ev(5, "fee", "BTC", "long", 3, 100, -0.15, "taker"),
  ev(6, "fill", "ETH", "short", 10, 50, 0, "open"), ev(6, "fee", "ETH", "short", 10, 50, -0.25, "taker"),
  ev(7, "liquidation", "ETH", "short", 10, 55, -50, "full"), ev(7, "fee", "ETH", "short", 10, 55, -0.275, "liquidation"),
  ev(7, "liquidation", "ETH", "short", 0, 0, -2, "forfeit"),
  ev(8, "fill", "SOL", "long", 1, 20, 0, "open"),
];

describe("deriveTrades (hand-worked event stream)", () => {
  const rows = deriveTrades(stream, new Map([["SOL", 25]]), 100);
  const by = (i: number) => rows[i];

  it("one row per close, partial close, liquidation and position still open, with its exit reason", () => {
    expect(rows.map((r) => [r.symbol, r.exitReason, r.size])).toEqual([["BTC", "signal", 1], ["BTC", "stop", 3], ["ETH", "liquidation", 10], ["SOL", "end", 1]]);
  });

  it("average entry over both opening fills: (2×100 + 2×110)/4 = 105", () => {
    expect(by(0).entryPrice).toBe(105);
    expect(by(1).entryPrice).toBe(105);
  });

  it("a partial close carries its own fee plus the closed share of the opening fees and of the funding", () => {
    // 0.06 + (0.10 + 0.11) × 1/4; funding 0.40 × 1/4
    expect(by(0).fees).toBeCloseTo(0.1125, 12);
    expect(by(0).funding).toBeCloseTo(0.1, 12);
    expect(by(1).fees).toBeCloseTo(0.15 + 0.1575, 12);
    expect(by(1).funding).toBeCloseTo(0.3, 12);
  });

  it("a liquidation row: realised loss less the forfeited margin; opening and liquidation fees", () => {
    expect(by(2).pnl).toBe(-52);
    expect(by(2).fees).toBeCloseTo(0.525, 12);
    expect(by(2).exitPrice).toBe(55);
  });

  it("an open position is valued at the last price, closing at the run's end", () => {
    expect(by(3)).toMatchObject({ pnl: 5, exitPrice: 25, closeTime: 100, openTime: 8 });
  });

  it("Σ(pnl − fees − funding) = the money the stream moved: −48.345", () => {
    const net = rows.reduce((s, r) => s + r.pnl - r.fees - r.funding, 0);
    expect(net).toBeCloseTo(15 - 0.1125 - 0.1 + (-15 - 0.3075 - 0.3) + (-52 - 0.525) + 5, 10);
    expect(net).toBeCloseTo(-48.345, 10);
  });

  it("a cross forfeit (no symbol) is shared over the positions liquidated with it, by notional", () => {
    const cross = deriveTrades([
      ev(1, "fill", "A", "long", 1, 100, 0, "open"), ev(1, "fill", "B", "long", 3, 100, 0, "open"),
      ev(9, "liquidation", "A", "long", 1, 100, -5, "full"), ev(9, "liquidation", "B", "long", 3, 100, -15, "full"),
      ev(9, "liquidation", "", "long", 0, 0, -10, "forfeit"),
    ], new Map(), 10);
    expect(cross.map((r) => r.pnl)).toEqual([-7.5, -22.5]);
  });

  it("a partial liquidation keeps the rest of the position open", () => {
    const p = deriveTrades([ev(1, "fill", "A", "long", 4, 100, 0, "open"), ev(2, "liquidation", "A", "long", 1, 90, -10, "partial")], new Map([["A", 95]]), 5);
    expect(p.map((r) => [r.exitReason, r.size])).toEqual([["partial-liquidation", 1], ["end", 3]]);
    expect(p[1].pnl).toBe(-15);
  });
});

const DAY = 86_400_000;

describe("statistics (hand-worked curves)", () => {
  // +10 %, −10 %, +10 % on three UTC days
  const points = { time: [0, DAY, 2 * DAY, 3 * DAY], equity: [100, 110, 99, 108.9] };
  const rows: TradeRow[] = [];

  it("daily returns at each UTC midnight", () => {
    const r = dailyReturns(points, 0, 3 * DAY);
    expect(r.map((x) => Number(x.toFixed(12)))).toEqual([0.1, -0.1, 0.1]);
  });

  it("Sharpe = mean / sample sd × √365; Sortino on the downside deviation; volatility sd × √365", () => {
    const s = backtestStats({ points, from: 0, to: 3 * DAY, initialBalance: 100, finalEquity: 108.9, maxDrawdownPct: 10, trades: rows });
    // deviations 1/15, −2/15, 1/15 → variance (6/225)/2 = 1/75
    expect(s.sharpe!).toBeCloseTo((1 / 30) * Math.sqrt(75) * Math.sqrt(365), 9);
    // downside: √(0.01/3)
    expect(s.sortino!).toBeCloseTo((1 / 30) / Math.sqrt(0.01 / 3) * Math.sqrt(365), 9);
    expect(s.volatilityPct!).toBeCloseTo((100 / Math.sqrt(75)) * Math.sqrt(365), 9);
    // 3 days: 1.089^(365/3) − 1
    expect(s.cagrPct!).toBeCloseTo((Math.pow(1.089, 365 / 3) - 1) * 100, 6);
    expect(s.calmar!).toBeCloseTo(s.cagrPct! / 10, 9);
    expect(s.winRatePct).toBeNull();
    expect(s.profitFactor).toBeNull();
  });

  it("win rate and profit factor on net rows: nets +4, −2, +1 → 66.67 %, 5/2", () => {
    const mk = (pnl: number, fees: number, funding: number): TradeRow => ({ symbol: "A", side: "long", openTime: 0, closeTime: 1, entryPrice: 1, exitPrice: 1, size: 1, pnl, fees, funding, exitReason: "signal" });
    const s = backtestStats({ points, from: 0, to: 3 * DAY, initialBalance: 100, finalEquity: 108.9, maxDrawdownPct: 10, trades: [mk(5, 0.5, 0.5), mk(-1, 0.5, 0.5), mk(1.5, 0.5, 0)] });
    expect(s.winRatePct!).toBeCloseTo(200 / 3, 9);
    expect(s.profitFactor!).toBeCloseTo(2.5, 12);
  });

  it("exposure: the union of open intervals [0,10] ∪ [5,15] ∪ [20,30] over [0,40] = 62.5 %", () => {
    const r = (a: number, b: number) => ({ openTime: a, closeTime: b }) as TradeRow;
    expect(exposurePct([r(0, 10), r(5, 15), r(20, 30)], 0, 40)).toBe(62.5);
  });

  it("monthly returns: partial first and last month, by UTC calendar month", () => {
    const from = Date.UTC(2024, 0, 15), feb = Date.UTC(2024, 1, 1), mar = Date.UTC(2024, 2, 1), to = Date.UTC(2024, 2, 10);
    const m = monthlyReturns({ time: [from, feb, mar, to], equity: [100, 120, 90, 99] }, from, to);
    expect(m.map((x) => x.month)).toEqual(["2024-01", "2024-02", "2024-03"]);
    expect(m.map((x) => Number(x.returnPct.toFixed(9)))).toEqual([20, -25, 10]);
  });
});

describe("trades.csv reconciles with a real run's totals (hold 10x BTC, 2020-03)", async () => {
  const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2020-03-01", to: "2020-04-01" });
  const result = runBacktest({ market, venue: getVenue("binance"), strategy: await loadStrategy("hold"), balance: 10000 });
  const header = { venue: "binance", strategy: "hold", symbols: ["BTCUSDT"], from: market.from, to: market.to, initialBalance: 10000 };
  const analyses = analyseRuns(header, result);
  const summary = buildSummary(header, result, analyses);

  for (const [i, a] of analyses.entries()) {
    const run = result.runs[i].run;
    it(`${a.mode}: Σ rows = the run's realised + unrealised PnL, fees, funding, liquidation losses`, () => {
      const sum = (f: (r: TradeRow) => number) => a.trades.reduce((s, r) => s + f(r), 0);
      const liqFees = result.runs[i].events.filter((e) => e.type === "fee" && e.detail === "liquidation").reduce((s, e) => s - e.amount, 0);
      expect(sum((r) => r.funding)).toBeCloseTo(run.fundingPaid, 8);
      expect(sum((r) => r.fees)).toBeCloseTo(run.feesPaid + liqFees, 8);
      expect(sum((r) => r.pnl - r.fees - r.funding)).toBeCloseTo(run.finalEquity - 10000, 6);
      expect(sum((r) => r.pnl)).toBeCloseTo(run.realizedPnl + run.unrealizedPnl - (run.liquidationLosses - liqFees), 6);
      expect(a.trades.filter((r) => r.exitReason === "liquidation").length).toBe(run.liquidations.length);
    });
  }

  it("isolated is liquidated once (one liquidation row); cross holds to the end (one end row)", () => {
    expect(analyses.find((a) => a.mode === "isolated")!.trades.map((r) => r.exitReason)).toEqual(["liquidation"]);
    expect(analyses.find((a) => a.mode === "cross")!.trades.map((r) => r.exitReason)).toEqual(["end"]);
  });

  it("monthly return of March 2020 = the run's return; per-symbol totals in the summary", () => {
    for (const r of summary.runs) {
      expect(r.monthlyReturns).toHaveLength(1);
      expect(r.monthlyReturns![0].returnPct).toBeCloseTo(r.returnPct, 3);
      expect(r.bySymbol!.BTCUSDT.trades).toBe(1);
      expect(r.stats!.exposurePct).toBeGreaterThan(0);
    }
    // held all month in cross: the open row covers the whole run
    expect(summary.runs.find((r) => r.mode === "cross")!.stats!.exposurePct).toBeCloseTo(100 * (market.to - (market.from + 0)) / (market.to - market.from), 6);
  });
});
