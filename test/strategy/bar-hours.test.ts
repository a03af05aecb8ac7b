import { describe, expect, it } from "vitest";
import { runBacktest, type BacktestEvent } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { createSimulator, PATH_FIELDS, prepareBook } from "../../src/stress/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { barsFor, loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { candles } from "../backtest/csv.ts";
import { seen } from "./fixtures/bar-hours-probe.ts";

const HOUR = 3_600_000;
const binance = getVenue("binance");
const kline1h = candles("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz");
const fills = (events: BacktestEvent[], detail: "open" | "close") => events.filter((e) => e.type === "fill" && e.detail === detail);
const iso = (t: number) => new Date(t).toISOString();

describe("barsFor: a duration in hours as whole bars (nearest, at least 1)", () => {
  it("gives the same time at every bar size", () => {
    expect([1, 4, 24, 0.25].map((h) => barsFor(24, h))).toEqual([24, 6, 1, 96]);
    expect([1, 4, 24, 0.25].map((h) => barsFor(96, h))).toEqual([96, 24, 4, 384]);
    expect([1, 4, 24].map((h) => barsFor(3, h))).toEqual([3, 1, 1]);
    expect(barsFor(6, 4)).toBe(2); // 1.5 bars rounds up
    expect(barsFor(5, 4)).toBe(1);
    expect(barsFor(0.5, 20 / 60)).toBe(2); // 1.5 bars of 20 minutes, which float division puts just under 1.5
  });
  it("refuses a non-positive duration or bar", () => {
    expect(() => barsFor(0, 1)).toThrow(/hours must be a positive number/);
    expect(() => barsFor(1, NaN)).toThrow(/barHours must be a positive number/);
  });
});

async function swingRun(interval: "1h" | "4h" | "1d") {
  const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2021-01-01", to: "2021-03-01", interval });
  const swing = await loadStrategy("swing");
  return runBacktest({ market, venue: binance, strategy: swing, balance: 10000, modes: ["cross"] }).runs[0].events;
}
/** swing's events at 1h, 4h and 1d bars, by bar hours */
const swingRuns = new Map<number, BacktestEvent[]>([[1, await swingRun("1h")], [4, await swingRun("4h")], [24, await swingRun("1d")]]);

describe("swing's windows are hours: 24 h / 96 h at 1h, 4h and 1d bars (BTCUSDT, Jan–Feb 2021, real data)", () => {
  const FROM = Date.UTC(2021, 0, 1);
  const TO = Date.UTC(2021, 2, 1);

  /**
   * The strategy's decisions recomputed from the 1h CSV: a k-hour bar's close is the close of its
   * last hour; at each close the mean of the last 24 / k closes against the last 96 / k.
   */
  function predict(k: number) {
    const fast = 24 / k;
    const slow = 96 / k;
    const closes: number[] = [];
    let side: string | null = null;
    let entry: { time: number; side: string } | null = null;
    for (let t = FROM; t < TO; t += k * HOUR) {
      closes.push(kline1h.get(t + (k - 1) * HOUR)!.close);
      if (closes.length < slow) continue;
      const mean = (n: number) => closes.slice(-n).reduce((a, b) => a + b, 0) / n;
      const want = mean(fast) > mean(slow) ? "long" : "short";
      if (side === null) entry = { time: t + k * HOUR, side: want };
      else if (want !== side) return { entry: entry!, flip: { time: t + k * HOUR, side: want } };
      side = want;
    }
    throw new Error("no crossover in the range");
  }

  for (const [interval, k] of [["1h", 1], ["4h", 4], ["1d", 24]] as const) {
    it(`${interval}: first entry once 96 hours of closes exist, and the first flip where the CSV's averages cross`, () => {
      const events = swingRuns.get(k)!;
      const p = predict(k);
      const [first, second] = fills(events, "open");
      // 96 hours in, whatever the bar size (counting bars, a 4h run would wait 384 hours)
      expect(iso(first.time)).toBe("2021-01-05T00:00:00.000Z");
      expect(first.time).toBe(FROM + 96 * HOUR);
      expect(first.side).toBe(p.entry.side);
      expect({ time: iso(second.time), side: second.side }).toEqual({ time: iso(p.flip.time), side: p.flip.side });
      expect(fills(events, "close")[0].time).toBe(p.flip.time);
    });
  }

  it("the 4h run's first flip is decided at the close of the 4h bar containing the 1h run's decision bar", () => {
    const flip1h = fills(swingRuns.get(1)!, "open")[1].time;
    const flip4h = fills(swingRuns.get(4)!, "open")[1].time;
    expect(iso(flip1h)).toBe("2021-01-05T07:00:00.000Z"); // decided at the close of the 06:00 hour
    const decided1h = flip1h - HOUR;
    const bar4h = decided1h - (decided1h % (4 * HOUR));
    expect(flip4h).toBe(bar4h + 4 * HOUR);
    expect(fills(swingRuns.get(1)!, "open")[1].side).toBe(fills(swingRuns.get(4)!, "open")[1].side);
  });
});

describe("scalper's maxHours: a trade lasts the same hours at 1h and 4h bars (BTCUSDT, 1–15 Jan 2021, real data)", () => {
  /** [open fill, close fill] times of each completed trade */
  async function holds(interval: "1h" | "4h", params: Record<string, unknown>) {
    const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2021-01-01", to: "2021-01-15", interval });
    const scalper = await loadStrategy("scalper");
    const { events } = runBacktest({ market, venue: binance, strategy: scalper, params, balance: 10000, modes: ["isolated"] }).runs[0];
    // a stop, take-profit (both type "stop") or liquidation would end a trade early: these params keep every exit a time exit
    expect(events.filter((e) => e.type === "stop" || e.type === "liquidation")).toEqual([]);
    const opens = fills(events, "open");
    const closes = fills(events, "close");
    expect(closes.length).toBeGreaterThan(5);
    return closes.map((c, i) => (c.time - opens[i].time) / HOUR);
  }
  const wide = { leverage: 2, takeProfitPct: 50, stopLossPct: 30 }; // percents

  it("maxHours 8: every trade is held 8 hours at 1h (8 bars) and at 4h (2 bars)", async () => {
    for (const interval of ["1h", "4h"] as const) {
      const h = await holds(interval, { ...wide, maxHours: 8 });
      expect(new Set(h)).toEqual(new Set([8]));
    }
  });

  it("the default 3 hours: 3 bars at 1h; at 4h the nearest whole bar, one 4-hour bar", async () => {
    expect(new Set(await holds("1h", wide))).toEqual(new Set([3]));
    expect(new Set(await holds("4h", wide))).toEqual(new Set([4]));
  });

  it("names the bad key", async () => {
    const { resolveParams } = await import("../../src/strategy/index.ts");
    const scalper = await loadStrategy("scalper");
    expect(() => resolveParams(scalper, { maxHours: 0 })).toThrow(/'maxHours' must be positive/);
    expect(() => resolveParams(scalper, { maxBars: 3 })).toThrow(/unknown key 'maxBars'/);
    const swing = await loadStrategy("swing");
    expect(() => resolveParams(swing, { fastHours: 48, slowHours: 24 })).toThrow(/'slowHours' must be above 'fastHours'/);
    expect(() => resolveParams(swing, { fast: 24 })).toThrow(/unknown key 'fast'/);
  });
});

describe("swing refuses windows that round to the same bar count", () => {
  it("at 1d bars, 24 h and 30 h are both one bar: the run fails naming both keys", async () => {
    const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2021-01-01", to: "2021-02-01", interval: "1d" });
    const swing = await loadStrategy("swing");
    expect(() => runBacktest({ market, venue: binance, strategy: swing, params: { fastHours: 24, slowHours: 30 }, balance: 10000 }))
      .toThrow(/'fastHours' 24 and 'slowHours' 30 are both 1 bar\(s\) of 24 h: make 'slowHours' at least 48/);
  });
});

describe("barHours in stress is stepMinutes / 60", () => {
  for (const stepMinutes of [15, 60, 240]) {
    it(`stepMinutes ${stepMinutes}`, async () => {
      const { config } = parseStressConfig({
        venue: { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 },
        initialBalance: 10000,
        strategy: { file: "test/strategy/fixtures/bar-hours-probe.ts" },
        model: { type: "gbm", assets: { BTC: { price: 50000, vol: 0.5 } } },
        funding: { type: "none" },
        horizonHours: 8, stepMinutes, paths: 1, seed: 1, modes: ["cross"],
      }, "test");
      await prepareBook(config);
      seen.length = 0;
      createSimulator(config).run(0, new Float64Array(PATH_FIELDS), 0);
      expect(seen.length).toBe(1 + (8 * 60) / stepMinutes); // init + one call per step: the probe did run
      expect(new Set(seen.map((s) => s.barHours))).toEqual(new Set([stepMinutes / 60]));
      expect(seen[0].barsPerHour).toBe(Math.max(1, 60 / stepMinutes));
    });
  }
});
