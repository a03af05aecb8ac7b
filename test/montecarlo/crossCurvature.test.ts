import { beforeAll, describe, expect, it } from "vitest";
import { crossBarrierDistance, type CrossBarrier } from "../../src/paths/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { PATH_FIELDS } from "../../src/stress/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { crossReference, mean, pairedBias, type CrossBook, type Survival } from "./crossReference.ts";

/**
 * The cross account of several positions at daily steps, against a fine-step reference computed
 * independently of the kernel (crossReference.ts): the same correlated GBM, each day near the barrier
 * filled in at 15-minute points of the joint Brownian bridge of the log prices, with the flat bridge on
 * D = equity − maintenance inside each 15 minutes (its linearisation error shrinks like the step: at
 * 15 minutes ~1/96 of the daily one). An exaggerated book — two longs at 480 % and 600 %
 * volatility, 3.75x each, ten daily steps — where the flat arithmetic bridge on D over a whole day
 * overstates the liquidation probability by ~3.8 points; realistic sizes are measured in
 * bench/mcbias.bench.ts.
 */
const VOL = [4.8, 6.0];
const RHO = 0.8;
const PRICE = [100, 10];
const WEIGHT = [0.3, 0.2];
const LEVERAGE = 3.75;
const MMR = 0.005;
const BALANCE = 20_000;
const DAYS = 10;
const FINE = 96; // substeps a day (15 minutes)
const YEAR_DAYS = 365;

const BOOK: CrossBook = {
  prices: PRICE, vols: VOL, correlation: [[1, RHO], [RHO, 1]], sizes: WEIGHT.map((w, i) => (BALANCE * w * LEVERAGE) / PRICE[i]),
  mmr: MMR, balance: BALANCE,
};

describe("crossBarrierDistance: closed forms where the surface is flat in log prices", () => {
  const corr1 = [1, 1, 1, 1];
  const work = new Float64Array(4);
  it("one position (the other's slope 0): the log distance to its liquidation price over σ√Δt", () => {
    // D = −800 + 9.95·S: a long whose liquidation price is 800/9.95
    const barrier: CrossBarrier = { slope: [9.95, 0], excess: (p) => -800 + 9.95 * p[0] };
    const v = [0.09, 0.25];
    const x = [Math.log(100), Math.log(3)];
    const exact = (Math.log(100) - Math.log(800 / 9.95)) / 0.3;
    expect(crossBarrierDistance(x, barrier.excess(Float64Array.of(100, 3)), barrier, v, [1, 0.5, 0.5, 1], work)).toBeCloseTo(exact, 10);
    // the first-order distance D/|∇D| is 1 − L/S = 0.196 log units against ln(S/L) = 0.218
    expect(barrier.excess(Float64Array.of(100, 3)) / (9.95 * 100 * 0.3)).not.toBeCloseTo(exact, 1);
  });
  it("two longs that move as one (ρ = 1, same vol): ln(basket / its level at the barrier) over σ√Δt", () => {
    const barrier: CrossBarrier = { slope: [2, 30], excess: (p) => -500 + 2 * p[0] + 30 * p[1] };
    const prices = Float64Array.of(150, 12);
    const basket = 2 * 150 + 30 * 12;
    const v = [0.04, 0.04];
    const exact = Math.log(basket / 500) / 0.2;
    expect(crossBarrierDistance(prices.map(Math.log), barrier.excess(prices), barrier, v, corr1, work)).toBeCloseTo(exact, 10);
  });
});

describe("cross account at daily steps: the curved bridge against a 15-minute reference", () => {
  const REF_PATHS = 10_000;
  let ref: Survival;
  let pFine = NaN;
  beforeAll(() => {
    ref = crossReference(BOOK, { paths: REF_PATHS, steps: DAYS, stepYears: 1 / YEAR_DAYS, fine: FINE, seed: "cross-curvature-reference" });
    pFine = 1 - mean(ref.fine);
  }, 120_000);

  it("the book is in a range where the test has power (about half the paths liquidated)", () => {
    expect(pFine).toBeGreaterThan(0.4);
    expect(pFine).toBeLessThan(0.6);
  });

  it("on the same daily ends: the flat bridge on D is biased by > 4 standard errors, the curved one is not", () => {
    const flat = pairedBias(ref.flat, ref.fine);
    const curved = pairedBias(ref.curved, ref.fine);
    expect(flat.bias).toBeGreaterThan(8 * flat.se); // ~ +3.8 points
    expect(flat.bias).toBeGreaterThan(0.02);
    expect(Math.abs(curved.bias)).toBeLessThan(4 * curved.se);
  });

  it("the stress kernel's liquidation probability matches the reference (the flat bridge's ~3.8 points would be ~6 standard errors)", async () => {
    const PATHS = 20_000;
    const config = parseStressConfig({
      venue: { name: "custom", maintenanceMarginRate: MMR, takerFee: 0, liquidationFee: 0 },
      initialBalance: BALANCE,
      portfolio: [
        { symbol: "BTC", side: "long", leverage: LEVERAGE, weight: WEIGHT[0] },
        { symbol: "ETH", side: "long", leverage: LEVERAGE, weight: WEIGHT[1] },
      ],
      model: { type: "gbm", assets: { BTC: { price: PRICE[0], vol: VOL[0] }, ETH: { price: PRICE[1], vol: VOL[1] } }, correlation: [[1, RHO], [RHO, 1]] },
      funding: { type: "none" },
      horizonHours: DAYS * 24, stepMinutes: 1440, paths: PATHS, seed: 5, modes: ["cross"],
    }, "test").config;
    const results = await simulateAll(config, { workers: 1 });
    let liquidated = 0;
    for (let p = 0; p < PATHS; p++) liquidated += results[p * PATH_FIELDS + FIELD.liquidated];
    const pKernel = liquidated / PATHS;
    const fineVar = ref.fine.reduce((s, x) => s + (x - (1 - pFine)) ** 2, 0) / (REF_PATHS - 1);
    const se = Math.sqrt((pKernel * (1 - pKernel)) / PATHS + fineVar / REF_PATHS);
    expect(0.036).toBeGreaterThan(5 * se); // the old flat bridge's bias would be caught
    expect(Math.abs(pKernel - pFine)).toBeLessThan(4 * se);
  }, 120_000);
});
