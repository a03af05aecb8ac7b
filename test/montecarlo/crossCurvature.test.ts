import { beforeAll, describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { crossAccountCrossingProbability, crossBarrierDistance, type CrossBarrier } from "../../src/paths/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { PATH_FIELDS } from "../../src/stress/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { simulateAll } from "../../src/stress/pool.ts";

/**
 * The cross account of several positions at daily steps, against a fine-step reference computed here
 * independently of the kernel: the same correlated GBM, each day near the barrier filled in at
 * 15-minute points of the joint Brownian bridge of the log prices, with the flat bridge on
 * D = equity − maintenance inside each 15 minutes (its linearisation error shrinks like the step:
 * at 15 minutes ~1/96 of the daily one). An exaggerated book — two longs at 480 % and 600 %
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

const size = WEIGHT.map((w, i) => (BALANCE * w * LEVERAGE) / PRICE[i]);
/** D = BALANCE + Σ size·(S − S0) − MMR·Σ size·S for two longs (no fees: the wallet stays BALANCE) */
const slope = size.map((q) => q * (1 - MMR));
const constant = BALANCE - size[0] * PRICE[0] - size[1] * PRICE[1];
const excessAtLog = (x0: number, x1: number) => constant + slope[0] * Math.exp(x0) + slope[1] * Math.exp(x1);

/** Box–Muller normals from seedrandom's alea: not the kernel's generator. */
function normals(seed: string): () => number {
  const u = seedrandom.alea(seed);
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const z = spare;
      spare = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const a = 2 * Math.PI * u();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

/** The flat bridge on D over a span with log variances v: exp(−2·D0·D1/(gᵀΣg)), g at the span's start. */
function flatCrossing(d0: number, d1: number, x0: number, x1: number, v0: number, v1: number): number {
  if (d0 <= 0 || d1 <= 0) return 1;
  const g0 = slope[0] * Math.exp(x0) * Math.sqrt(v0);
  const g1 = slope[1] * Math.exp(x1) * Math.sqrt(v1);
  const varD = g0 * g0 + g1 * g1 + 2 * RHO * g0 * g1;
  return Math.exp(Math.min(700, (2 * d0 * d1) / varD) * -1);
}

interface Reference {
  /** per path: survival over the horizon along the fine path, and by each coarse test on its daily ends */
  fine: Float64Array;
  curved: Float64Array;
  flat: Float64Array;
}

/** Beyond this exponent the day's crossing probability is below e^-80 by any of the tests: not refined. */
const FAR = 80;

/**
 * Exact daily GBM ends (log drift −σ²/2); on each day near the barrier, the 15-minute points of the
 * Brownian bridge between those ends, and the day's survival by the 15-minute bridges; and by the
 * curved and flat daily tests on the ends only. Survival products (not 0/1 outcomes) keep the sampling
 * error small; the three share the paths, so their differences are paired.
 */
function reference(paths: number): Reference {
  const z = normals("cross-curvature-reference");
  const dayVar = VOL.map((s) => (s * s) / YEAR_DAYS);
  const daySd = dayVar.map(Math.sqrt);
  const fineVar = dayVar.map((v) => v / FINE);
  const barrier: CrossBarrier = { slope, excess: (p) => constant + slope[0] * p[0] + slope[1] * p[1] };
  const work = new Float64Array(4);
  const corr = [1, RHO, RHO, 1];
  const out: Reference = { fine: new Float64Array(paths), curved: new Float64Array(paths), flat: new Float64Array(paths) };
  const c = Math.sqrt(1 - RHO * RHO);
  for (let p = 0; p < paths; p++) {
    let a = Math.log(PRICE[0]), b = Math.log(PRICE[1]);
    let d = excessAtLog(a, b);
    let fine = 1, curved = 1, flat = 1;
    for (let day = 0; day < DAYS && d > 0; day++) {
      const z1 = z(), z2 = RHO * z1 + c * z();
      const a1 = a - 0.5 * dayVar[0] + daySd[0] * z1;
      const b1 = b - 0.5 * dayVar[1] + daySd[1] * z2;
      const d1 = excessAtLog(a1, b1);
      const pFlat = flatCrossing(d, d1, a, b, dayVar[0], dayVar[1]);
      if (d1 > 0 && pFlat > Math.exp(-FAR)) {
        let dayFine = 1;
        let fa = a, fb = b, fd = d;
        for (let k = 0; k < FINE; k++) {
          const left = FINE - k;
          let na = a1, nb = b1;
          if (left > 1) {
            const w1 = z(), w2 = RHO * w1 + c * z();
            const shrink = Math.sqrt((left - 1) / left);
            na = fa + (a1 - fa) / left + shrink * Math.sqrt(fineVar[0]) * w1;
            nb = fb + (b1 - fb) / left + shrink * Math.sqrt(fineVar[1]) * w2;
          }
          const nd = excessAtLog(na, nb);
          dayFine *= 1 - flatCrossing(fd, nd, fa, fb, fineVar[0], fineVar[1]);
          fa = na; fb = nb; fd = nd;
        }
        fine *= dayFine;
        curved *= 1 - crossAccountCrossingProbability([a, b], d, [a1, b1], d1, barrier, dayVar, corr, work);
        flat *= 1 - pFlat;
      }
      a = a1; b = b1; d = d1;
    }
    if (d <= 0) fine = curved = flat = 0;
    out.fine[p] = fine;
    out.curved[p] = curved;
    out.flat[p] = flat;
  }
  return out;
}

const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
function pairedBias(coarse: Float64Array, fine: Float64Array): { bias: number; se: number } {
  const diff = coarse.map((c, i) => fine[i] - c); // P_coarse(liq) − P_fine(liq) per path
  const m = mean(diff);
  return { bias: m, se: Math.sqrt(diff.reduce((s, x) => s + (x - m) ** 2, 0) / (diff.length - 1) / diff.length) };
}

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
  let ref: Reference;
  let pFine = NaN;
  beforeAll(() => {
    ref = reference(REF_PATHS);
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
