import { describe, expect, it } from "vitest";
import { createSimulator, PATH_FIELDS, prepareBook, type StressConfig } from "../../src/stress/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { firstPassage, isolatedLongBarrier } from "./closedForms.ts";

/**
 * The `hold` strategy replayed on synthetic candles against the portfolio kernel on the same legs.
 * Both read the same market substream, so path i has the same closes in both; they differ only in
 * how the step's interior is drawn: the kernel tests the bridge crossing probability with its own
 * uniform, the replay walks a candle whose low is an exact draw of the bridge minimum from another
 * substream. Each is an exact sample of "the path touched L between these closes", so per path
 * the outcomes agree except where that coin lands differently, and the shares agree in law.
 *
 * Tolerance: the paired (McNemar) standard error of the difference of two shares on the same paths is
 * √(b + c)/n, b and c the paths liquidated by one side only; the test allows 4 of them. Each share is
 * also held to the closed-form first-passage probability within 4 binomial standard errors.
 */
const VOL = 0.8;
const LEVERAGE = 20;
const MMR = 0.005;
const HOURS = 24;
const PATHS = 1000;
const BALANCE = 10000;
const S0 = 50000;

function config(book: "portfolio" | "strategy", modes: ("cross" | "isolated")[]): StressConfig {
  const leg = { symbol: "BTC", side: "long", leverage: LEVERAGE, weight: 1 };
  return parseStressConfig({
    venue: { name: "custom", maintenanceMarginRate: MMR, takerFee: 0, liquidationFee: 0 },
    initialBalance: BALANCE,
    ...(book === "portfolio" ? { portfolio: [leg] } : { strategy: { name: "hold", params: { legs: [leg] } } }),
    model: { type: "gbm", assets: { BTC: { price: S0, vol: VOL } } },
    funding: { type: "none" },
    horizonHours: HOURS, stepMinutes: 60, paths: PATHS, seed: 11, modes,
  }, "test").config;
}

/** P(min ≤ b) for a zero-drift GBM price (log drift μ = −σ²/2), b = ln(L/S0) of an isolated long with no fees. */
const closedForm = () => firstPassage(VOL, HOURS, isolatedLongBarrier(LEVERAGE, MMR));

async function run(book: "portfolio" | "strategy", modes: ("cross" | "isolated")[]): Promise<Float64Array> {
  const c = config(book, modes);
  await prepareBook(c);
  return simulateAll(c, { workers: 1 });
}

describe("strategy book: hold on synthetic candles vs the portfolio kernel (gbm, no funding, no fees)", () => {
  const modes: ("cross" | "isolated")[] = ["cross", "isolated"];
  let kernel: Float64Array;
  let strategy: Float64Array;
  const field = (r: Float64Array, p: number, m: number, f: number) => r[(p * modes.length + m) * PATH_FIELDS + f];

  it("runs both books", async () => {
    kernel = await run("portfolio", modes);
    strategy = await run("strategy", modes);
    expect(strategy.length).toBe(kernel.length);
  }, 60_000);

  for (const [m, mode] of modes.entries()) {
    it(`${mode}: liquidation shares agree within 4 paired standard errors, and each with the closed form`, () => {
      let k = 0, s = 0, onlyK = 0, onlyS = 0;
      for (let p = 0; p < PATHS; p++) {
        const a = field(kernel, p, m, FIELD.liquidated);
        const b = field(strategy, p, m, FIELD.liquidated);
        k += a;
        s += b;
        if (a && !b) onlyK++;
        if (b && !a) onlyS++;
      }
      expect(Math.abs(s - k) / PATHS).toBeLessThanOrEqual((4 * Math.sqrt(onlyK + onlyS)) / PATHS);
      const p = closedForm();
      const bound = 4 * Math.sqrt((p * (1 - p)) / PATHS);
      expect(Math.abs(s / PATHS - p)).toBeLessThan(bound);
      expect(Math.abs(k / PATHS - p)).toBeLessThan(bound);
      // disagreements are the bridge coin only: a small share of the paths
      expect(onlyK + onlyS).toBeLessThan(0.15 * PATHS);
    });

    it(`${mode}: paths neither book liquidated end at the same equity (same closes): balance × (1 + leverage × (S_T/S0 − 1))`, () => {
      let compared = 0;
      for (let p = 0; p < PATHS; p++) {
        if (field(kernel, p, m, FIELD.liquidated) || field(strategy, p, m, FIELD.liquidated)) continue;
        compared++;
        const ek = field(kernel, p, m, FIELD.terminalEquity);
        const es = field(strategy, p, m, FIELD.terminalEquity);
        expect(es).toBeCloseTo(ek, 6);
        expect(field(strategy, p, m, FIELD.minEquity)).toBeCloseTo(field(kernel, p, m, FIELD.minEquity), 6);
        expect(field(strategy, p, m, FIELD.fundingPaid)).toBe(0);
        expect(field(strategy, p, m, FIELD.badDebt)).toBe(0);
        // a 20x long on the whole balance survives only above L ≈ 0.955 S0: equity stays positive
        expect(es).toBeGreaterThan(BALANCE * (1 + LEVERAGE * ((1 - 1 / LEVERAGE) / (1 - MMR) - 1)));
      }
      expect(compared).toBeGreaterThan(PATHS / 2);
    });

    it(`${mode}: a liquidated 20x long keeps maintenance at L (no fees): equity mmr × notional at L, within the horizon`, () => {
      const q = (BALANCE * LEVERAGE) / S0;
      const L = (S0 * (1 - 1 / LEVERAGE)) / (1 - MMR);
      let liquidated = 0;
      for (let p = 0; p < PATHS; p++) {
        if (!field(strategy, p, m, FIELD.liquidated)) continue;
        liquidated++;
        expect(field(strategy, p, m, FIELD.terminalEquity)).toBeCloseTo(MMR * q * L, 4);
        const hour = field(strategy, p, m, FIELD.liquidationHour);
        expect(hour).toBeGreaterThanOrEqual(0);
        expect(hour).toBeLessThanOrEqual(HOURS);
      }
      expect(liquidated).toBeGreaterThan(100);
    });
  }

  it("the strategy simulator writes the same record for a path whichever order paths run in", async () => {
    const c = config("strategy", modes);
    const sim = createSimulator(c);
    const a = new Float64Array(2 * PATH_FIELDS);
    const b = new Float64Array(2 * PATH_FIELDS);
    sim.run(7, a, 0);
    sim.run(3, b, 0);
    sim.run(7, b, 0);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(a)).toEqual(Array.from(strategy.subarray(7 * 2 * PATH_FIELDS, 8 * 2 * PATH_FIELDS)));
  });
});
