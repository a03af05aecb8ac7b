import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import type { Bars, MarketData } from "../../src/market/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";

const binance = getVenue("binance");
const pair = await loadMarket({ symbols: ["BTCUSDT", "ETHUSDT"], from: "2020-02-01", to: "2020-05-01" });

/** a copy of the market whose bars after step k are permuted (same permutation for every series) */
function shuffledAfter(m: MarketData, k: number, seed: number): MarketData {
  const n = m.length;
  const perm = Array.from({ length: n }, (_, i) => i);
  let x = seed;
  for (let i = n - 1; i > k + 1; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = k + 1 + (x % (i - k));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const shuffle = (b: Bars): Bars => {
    const f = (a: Float64Array) => Float64Array.from(perm, (p) => a[p]);
    return { ...b, open: f(b.open), high: f(b.high), low: f(b.low), close: f(b.close), volume: f(b.volume) };
  };
  return { ...m, symbols: m.symbols.map((s) => ({ ...s, bars: shuffle(s.bars), mark: s.mark && shuffle(s.mark) })) };
}

describe("replay properties", () => {
  it("never looks ahead: shuffling the bars after step k leaves every event up to k unchanged", async () => {
    const swing = await loadStrategy("swing");
    const params = { symbol: "ETHUSDT", fastHours: 4, slowHours: 12, stopLossPct: 3 };
    const k = 1200;
    const cut = pair.time[k + 1];
    const base = runBacktest({ market: pair, venue: binance, strategy: swing, params, balance: 10000, modes: ["cross"], ledger: "fast" });
    const before = base.runs[0].events.filter((e) => e.time < cut);
    expect(before.filter((e) => e.type === "fill").length).toBeGreaterThan(20); // the strategy did trade before k
    for (const seed of [1, 2, 3]) {
      const other = runBacktest({ market: shuffledAfter(pair, k, seed), venue: binance, strategy: swing, params, balance: 10000, modes: ["cross"], ledger: "fast" });
      expect(other.runs[0].events.filter((e) => e.time < cut)).toEqual(before);
      const rowsBefore = (r: typeof base) => Array.from(r.runs[0].equity!.data.subarray(0, (k + 1) * r.runs[0].equity!.stride));
      expect(rowsBefore(other)).toEqual(rowsBefore(base));
      // and the future did change
      expect(other.runs[0].run.finalEquity).not.toBe(base.runs[0].run.finalEquity);
    }
  });

  it("with zero fees and funding, cross and isolated with all margin in one position have identical equity curves", async () => {
    const venue = getVenue({ name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 });
    const noFunding: MarketData = { ...pair, symbols: pair.symbols.map((s) => ({ ...s, funding: undefined })) };
    const hold = await loadStrategy("hold");
    for (const leverage of [1.5, 8]) {
      const r = runBacktest({
        market: noFunding, venue, strategy: hold, balance: 10000, params: { legs: [{ symbol: "BTCUSDT", side: "long", leverage, weight: 1 }] },
      });
      const [c, i] = r.runs;
      expect(c.equity!.data.length).toBe(i.equity!.data.length);
      for (let row = 0; row < c.equity!.rows; row++) {
        const at = row * c.equity!.stride + 1;
        expect(Math.abs(c.equity!.data[at] - i.equity!.data[at])).toBeLessThan(1e-6);
      }
      expect(c.firstLiquidation).toBe(i.firstLiquidation);
      // 8x through March 2020 is liquidated, 1.5x is not: the property is checked on both outcomes
      expect(c.run.survived).toBe(leverage === 1.5);
    }
  });

  it("`worst` never liquidates later than `path`", async () => {
    const hold = await loadStrategy("hold");
    const hedger = await loadStrategy("hedger");
    const cases = [
      { strategy: hold, params: { legs: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.5 }, { symbol: "ETHUSDT", side: "short", leverage: 10, weight: 0.5 }] } },
      { strategy: hold, params: { legs: [{ symbol: "BTCUSDT", side: "short", leverage: 20, weight: 0.4 }, { symbol: "ETHUSDT", side: "long", leverage: 20, weight: 0.4 }] } },
      { strategy: hedger, params: { leverage: 10, weight: 0.45 } },
      { strategy: hold, params: { legs: [{ symbol: "BTCUSDT", side: "long", leverage: 6, weight: 0.4 }, { symbol: "ETHUSDT", side: "long", leverage: 6, weight: 0.4 }] } },
    ];
    let liquidated = 0;
    for (const c of cases) {
      const run = (intrabar: "path" | "worst") => runBacktest({ market: pair, venue: binance, ...c, balance: 10000, intrabar, ledger: "fast", recordEquity: false });
      const path = run("path");
      const worst = run("worst");
      for (let m = 0; m < path.runs.length; m++) {
        const p = path.runs[m].firstLiquidation ?? Infinity;
        const w = worst.runs[m].firstLiquidation ?? Infinity;
        expect(w).toBeLessThanOrEqual(p);
        if (w < Infinity) liquidated++;
      }
    }
    expect(liquidated).toBeGreaterThan(2);
  });

  it("same inputs give the same output", async () => {
    const hedger = await loadStrategy("hedger");
    const a = runBacktest({ market: pair, venue: binance, strategy: hedger, balance: 10000 });
    const b = runBacktest({ market: pair, venue: binance, strategy: hedger, balance: 10000 });
    expect(JSON.stringify(a.runs.map((r) => r.run))).toBe(JSON.stringify(b.runs.map((r) => r.run)));
  });
});
