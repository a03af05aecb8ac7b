import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { settlementsBetween } from "../../src/paths/index.ts";
import { CorrelationSpikeModel } from "../../src/scenarios/spike.ts";
import { CrashReplayModel } from "../../src/scenarios/replay.ts";
import { CRASHES } from "../../src/scenarios/crashes.ts";
import { evaluateGrid, parseScenario } from "../../src/scenarios/index.ts";
import { scheduledFunding, squeezeErosion, squeezeRate, type FundingSqueezeSpec } from "../../src/scenarios/squeeze.ts";
import { correlation, createModel, DT_HOUR, gbmSpec, median, simulate, stdev } from "./helpers.ts";

describe("correlation spike", () => {
  const calm = [[1, 0.5, 0.4], [0.5, 1, 0.45], [0.4, 0.45, 1]];
  const spec = gbmSpec([["BTC", 100_000, 0.6], ["ETH", 3000, 0.8], ["SOL", 150, 1.0]], calm);
  const spike = parseScenario({ type: "correlation-spike", target: 0.95, start: { hour: 10 }, durationHours: 48, volMultiplier: 2, relaxHours: 12 });
  if (spike.type !== "correlation-spike") throw new Error("parse");
  const model = new CorrelationSpikeModel(createModel(spec), calm, spike);
  const paths = simulate(model, 200, 80);
  const window = (from: number, to: number, a: number) => paths.flatMap((p) => p.slice(from, to).map((r) => r[a]));

  it("reaches the target correlation of every pair inside the window (4 standard errors)", () => {
    const btc = window(10, 58, 0), eth = window(10, 58, 1), sol = window(10, 58, 2);
    const se = (1 - 0.95 ** 2) / Math.sqrt(btc.length);
    expect(Math.abs(correlation(btc, eth) - 0.95)).toBeLessThan(4 * se);
    expect(Math.abs(correlation(btc, sol) - 0.95)).toBeLessThan(4 * se);
    expect(Math.abs(correlation(eth, sol) - 0.95)).toBeLessThan(4 * se);
  });

  it("keeps the calm correlation before the window and multiplies volatility by k inside it", () => {
    const before = [window(0, 10, 0), window(0, 10, 1)];
    expect(Math.abs(correlation(before[0], before[1]) - 0.5)).toBeLessThan((4 * (1 - 0.25)) / Math.sqrt(before[0].length));
    const inside = window(10, 58, 0);
    const expected = 2 * 0.6 * Math.sqrt(DT_HOUR);
    expect(Math.abs(stdev(inside) / expected - 1)).toBeLessThan(4 / Math.sqrt(2 * inside.length));
    expect(Math.abs(stdev(window(70, 80, 0)) / (0.6 * Math.sqrt(DT_HOUR)) - 1)).toBeLessThan(4 / Math.sqrt(2 * 2000));
  });
});

describe("crash replay", () => {
  const spec = gbmSpec([["BTCUSDT", 100_000, 0.6], ["ETHUSDT", 3000, 0.8], ["SOLUSDT", 150, 1.0]], [[1, 0.8, 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]]);
  const crash = CRASHES["tariff-2025-10-10"];
  const model = new CrashReplayModel(createModel(spec), ["BTC", "ETH", "SOL"], { type: "crash-replay", crash, startHour: 24 });
  const paths = simulate(model, 401, 48);
  const levelAt = (p: Float64Array[], hour: number, a: number) => p.slice(0, hour).reduce((s, r) => s + r[a], 0);

  it("the median path hits the recorded 10/10 drawdown (mark: BTC −16.5 %, ETH −22 %, SOL −36 %) at the trough", () => {
    const recorded = [-0.165, -0.22, -0.36];
    recorded.forEach((dd, a) => {
      const moves = paths.map((p) => Math.expm1(levelAt(p, 32, a) - levelAt(p, 24, a)));
      expect(median(moves)).toBeCloseTo(dd, 9);
    });
  });

  it("recovers 70 % of the drop by 3 h after the trough, and carries the model's noise elsewhere", () => {
    const moves = paths.map((p) => Math.expm1(levelAt(p, 35, 0) - levelAt(p, 24, 0)));
    expect(median(moves)).toBeCloseTo(-0.05, 9);
    const before = paths.map((p) => levelAt(p, 24, 0));
    expect(stdev(before)).toBeGreaterThan(0.6 * Math.sqrt(24 * DT_HOUR) * 0.8);
  });

  it.each([
    ["BTCUSDT", "2025-10-10T13:00Z", "2025-10-10T22:00Z", -0.165],
    ["SOLUSDT", "2025-10-10T13:00Z", "2025-10-10T22:00Z", -0.36],
    ["BTCUSDT", "2020-03-12T00:00Z", "2020-03-13T03:00Z", -0.52],
    ["ETHUSDT", "2021-05-19T00:00Z", "2021-05-19T14:00Z", -0.485],
    ["ETHUSDT", "2024-08-04T12:00Z", "2024-08-05T07:00Z", -0.27],
  ])("matches the shipped mark-price data: %s %s → %s peak-to-trough is %d within 1 pp", async (symbol, from, to, preset) => {
    const { loadMarket } = await import("../../src/data/index.ts");
    const m = await loadMarket({ symbols: [symbol], from, to, mark: true, funding: false });
    const bars = m.symbols[0].mark!;
    let peak = 0, worst = 0;
    for (let i = 0; i < bars.length; i++) {
      peak = Math.max(peak, bars.high[i]);
      worst = Math.min(worst, bars.low[i] / peak - 1);
    }
    expect(Math.abs(worst - preset)).toBeLessThan(0.01);
  });
});

describe("funding squeeze", () => {
  const binance = getVenue("binance");

  it("settles the venue's cap (Binance 0.30 %/8h) at every one of the 63 settlements of 3 weeks", () => {
    const spec = parseScenario("funding-squeeze") as FundingSqueezeSpec;
    const rate = squeezeRate(spec, binance);
    expect(rate).toBe(0.003);
    const f = scheduledFunding(rate, spec.hours, spec.afterPer8h, spec.settleEveryHours);
    f.reset(null as never);
    const out = new Float64Array(2);
    const settled: number[] = [];
    for (let h = 0; h < 21 * 24; h++) {
      f.step(1, new Float64Array(2), out);
      for (let k = settlementsBetween(h, h + 1, f.settleEveryHours); k > 0; k--) settled.push(out[0], out[1]);
    }
    expect(settled.length).toBe(2 * 63);
    expect(settled.every((r) => r === 0.003)).toBe(true);
  });

  it("erodes an isolated long as the hand computation says", () => {
    const venue = getVenue({ name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 });
    const e = squeezeErosion({ venue, symbol: "BTCUSDT", side: "long", price: 100, margin: 1000, leverage: 10, balance: 2000, ratePer8h: 0.003, settleEveryHours: 8, horizonHours: 600 });
    // notional 10,000: 30 per settlement; maintenance 50; isolated: 1000 − 30k < 50 ⇒ k = 32; cross: 2000 − 30k < 50 ⇒ k = 66
    expect(e.isolatedLiquidationHour).toBe(256);
    expect(e.crossLiquidationHour).toBe(528);
    // liq = (10,000 − margin) / (100 − 0.5): 90.452 at the start, 93.467 after 10 settlements (margin 700)
    expect(e.points[9].margin).toBeCloseTo(700, 9);
    expect(e.points[9].liquidationPrice).toBeCloseTo(9300 / 99.5, 6);
  });
});

describe("SPAN-style grid", () => {
  it("worst loss of a one-leg book equals the hand computation", () => {
    const grid = parseScenario({ type: "grid", scanRange: { BTC: 0.1 }, volUp: 0.5, volDown: 0.25, extremeWeight: 0.35 });
    if (grid.type !== "grid") throw new Error("parse");
    const r = evaluateGrid(grid, [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.5 }], 1000, (s) => s.replace("USDT", ""));
    // margin 500, notional 5000. Worst regular move: −1 × 10 % × 1.5 = −15 % → −750: cross loses 750, isolated its 500.
    // Extreme −30 %: −1500, capped 1000 (cross) / 500 (isolated), × 0.35 = 350 / 175: smaller.
    expect(r.worst.cross.crossLoss).toBeCloseTo(750, 9);
    expect(r.worst.isolated.isolatedLoss).toBeCloseTo(500, 9);
    expect(r.scenarios.length).toBe(2 * (7 + 2));
  });

  it("a hedged pair: cross loses the sum when the legs break apart, isolated caps each leg", () => {
    const grid = parseScenario({ type: "grid", scanRange: { default: 0.2 }, volUp: 0, volDown: 0, extremeWeight: 0.35 });
    if (grid.type !== "grid") throw new Error("parse");
    const legs = [{ symbol: "BTC", side: "long" as const, leverage: 5, weight: 0.4 }, { symbol: "ETH", side: "short" as const, leverage: 5, weight: 0.4 }];
    const r = evaluateGrid(grid, legs, 1000, (s) => s);
    // BTC −20 %, ETH +20 %: each leg −400 (its whole margin): cross 800, isolated 800
    expect(r.worst.cross.crossLoss).toBeCloseTo(800, 9);
    expect(r.worst.isolated.isolatedLoss).toBeCloseTo(800, 9);
    expect(r.worst.cross.moves).toEqual({ BTC: -0.2, ETH: 0.2 });
  });
});
