import { describe, expect, it } from "vitest";
import { createModel, type PathModel } from "../../src/paths/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { PATH_FIELDS, type StressConfig } from "../../src/stress/index.ts";
import { pathStream } from "../../src/paths/random/stream.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { CorrelationSpikeModel } from "../../src/scenarios/spike.ts";
import { CrashReplayModel } from "../../src/scenarios/replay.ts";
import { CRASHES } from "../../src/scenarios/crashes.ts";
import { parseScenario } from "../../src/scenarios/index.ts";

/*
 * A cross long BTC / short ETH hedge under a gbm whose calm correlation is +0.8 (the hedge looks safe),
 * with a correlation spike to ρ* = −0.9 held for the whole horizon: the legs now lose together.
 *
 * The cross check between steps is the arithmetic bridge on D = equity − maintenance with
 * σ_D² = gᵀΣg. With one step for the whole horizon the liquidation probability the runner produces is
 * exactly (no fees, one flat maintenance rate, so D is linear in the prices)
 *   P = P(D₁ ≤ 0) + E[1{D₁ > 0} · exp(−2·D₀·D₁ / gᵀΣg)],
 * which the test integrates on its own (a grid over the two normal shocks) for Σ = the spike's
 * correlation and for Σ = the calm one (what the runner used before the model exposed the step's
 * correlation). Fine steps (15 min) are the reference: the bridge error vanishes as steps shrink.
 */
const B = 10_000;
const LEVERAGE = 20;
const WEIGHT = 0.4;
const MMR = 0.005;
const HOURS = 48;
const PATHS = 4000;
const RHO_CALM = 0.8;
const RHO_SPIKE = -0.9;
const ASSETS = { BTC: { price: 60_000, vol: 0.6 }, ETH: { price: 3_000, vol: 0.8 } };

function config(stepMinutes: number): StressConfig {
  return parseStressConfig({
    venue: { name: "custom", maintenanceMarginRate: MMR, takerFee: 0, liquidationFee: 0 },
    initialBalance: B,
    portfolio: [
      { symbol: "BTC", side: "long", leverage: LEVERAGE, weight: WEIGHT },
      { symbol: "ETH", side: "short", leverage: LEVERAGE, weight: WEIGHT },
    ],
    model: { type: "gbm", assets: ASSETS, correlation: [[1, RHO_CALM], [RHO_CALM, 1]] },
    scenario: { type: "correlation-spike", target: RHO_SPIKE, start: { hour: 0 }, durationHours: HOURS, volMultiplier: 1 },
    funding: { type: "none" },
    horizonHours: HOURS, stepMinutes, paths: PATHS, seed: 23, modes: ["cross"],
  }, "test").config;
}

/** The one-step cross bridge's liquidation probability with the bridge variance taken under `rhoBridge`. */
function oneStepProbability(rhoBridge: number): number {
  const T = HOURS / 8760;
  const notional = B * WEIGHT * LEVERAGE;
  const s0 = [ASSETS.BTC.price, ASSETS.ETH.price];
  const sd = [ASSETS.BTC.vol * Math.sqrt(T), ASSETS.ETH.vol * Math.sqrt(T)];
  const size = [notional / s0[0], notional / s0[1]];
  // D(S) = B + Σ q_i (S_i − S0_i) − mmr Σ size_i S_i, q = (+size, −size): slope a_i = q_i − mmr·size_i
  const a = [size[0] * (1 - MMR), -size[1] * (1 + MMR)];
  const d0 = B - MMR * 2 * notional;
  const g = [a[0] * s0[0] * sd[0], a[1] * s0[1] * sd[1]];
  const varD = g[0] * g[0] + g[1] * g[1] + 2 * rhoBridge * g[0] * g[1];
  const h = 0.02;
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  let p = 0;
  for (let z1 = -8; z1 <= 8; z1 += h) {
    for (let z2 = -8; z2 <= 8; z2 += h) {
      const e1 = z1;
      const e2 = RHO_SPIKE * z1 + Math.sqrt(1 - RHO_SPIKE ** 2) * z2; // the shocks move under the spike's correlation
      const d1 = d0 + a[0] * s0[0] * Math.expm1(-0.5 * sd[0] ** 2 + sd[0] * e1) + a[1] * s0[1] * Math.expm1(-0.5 * sd[1] ** 2 + sd[1] * e2);
      p += (d1 <= 0 ? 1 : Math.exp((-2 * d0 * d1) / varD)) * phi(z1) * phi(z2) * h * h;
    }
  }
  return p;
}

function liquidated(results: Float64Array): number {
  let k = 0;
  for (let p = 0; p < PATHS; p++) k += results[p * PATH_FIELDS + FIELD.liquidated];
  return k / PATHS;
}

describe("cross bridge under a correlation spike uses the spike's correlation", () => {
  const right = oneStepProbability(RHO_SPIKE);
  const wrong = oneStepProbability(RHO_CALM);

  it("one step for the horizon gives the integral with Σ = the spike's (within 4 standard errors)", async () => {
    const coarse = liquidated(await simulateAll(config(HOURS * 60), { workers: 1 }));
    expect(right).toBeGreaterThan(0.15); // a range where the comparison has power
    expect(right).toBeLessThan(0.5);
    expect(Math.abs(coarse - right)).toBeLessThan(4 * Math.sqrt((right * (1 - right)) / PATHS));
  }, 60_000);

  it("matches 15-minute steps within 4 standard errors, where the calm Σ would miss by far more", async () => {
    const [coarse, fine] = [
      liquidated(await simulateAll(config(HOURS * 60), { workers: 1 })),
      liquidated(await simulateAll(config(15), { workers: 1 })),
    ];
    const se = Math.sqrt((coarse * (1 - coarse) + fine * (1 - fine)) / PATHS);
    expect(Math.abs(coarse - fine)).toBeLessThan(4 * se);
    // the old behaviour (bridge variance under the calm +0.8) gives `wrong` on one step: far outside the bound
    expect(fine - wrong).toBeGreaterThan(8 * se);
  }, 120_000);
});

describe("PathModel.stepCorrelation: the correlation in force for the last step", () => {
  const calm = [[1, 0.5], [0.5, 1]];
  const gbm = () => createModel({ type: "gbm", assets: [{ symbol: "A", price: 100, vol: 0.5, drift: 0 }, { symbol: "B", price: 10, vol: 0.7, drift: 0 }], correlation: calm });
  const offDiagonalPerHour = (model: PathModel, hours: number) => {
    model.reset(pathStream(1, 0));
    const r = new Float64Array(2), v = new Float64Array(2);
    return Array.from({ length: hours }, () => {
      model.step(1 / 8760, r, v);
      return model.stepCorrelation[1];
    });
  };

  it("spike: calm before, the target inside, the linear blend while it relaxes, calm after", () => {
    const spike = parseScenario({ type: "correlation-spike", target: 0.95, start: { hour: 2 }, durationHours: 2, relaxHours: 2 });
    if (spike.type !== "correlation-spike") throw new Error("parse");
    const seen = offDiagonalPerHour(new CorrelationSpikeModel(gbm(), calm, spike), 7);
    // hours 0–1 calm; 2–3 inside; relaxation weight 1 − (t − 2)/2 at t = 2, 3 → 1, ½: 0.95, 0.5·0.5 + 0.5·0.95; then calm
    [0.5, 0.5, 0.95, 0.95, 0.95, 0.725, 0.5].forEach((rho, h) => expect(seen[h]).toBeCloseTo(rho, 12));
  });

  it("t-garch-jump: the stress regime's blend (1 − b)·calm + b·stressCorrelation", () => {
    const model = createModel({
      type: "t-garch-jump", assets: [{ symbol: "A", price: 100, vol: 0.5, drift: 0, jumpBeta: 1 }, { symbol: "B", price: 10, vol: 0.7, drift: 0, jumpBeta: 1 }],
      correlation: calm, nu: 5, garch: false, jumps: false,
      regimes: { stayCalmPerDay: 1, stayStressPerDay: 1, volMultiplier: 2, stressCorrelation: 0.9, blend: 0.75, jumpIntensityMultiplier: 1, start: "stress" },
    });
    expect(offDiagonalPerHour(model, 3)).toEqual([0.25 * 0.5 + 0.75 * 0.9, 0.25 * 0.5 + 0.75 * 0.9, 0.25 * 0.5 + 0.75 * 0.9].map((x) => expect.closeTo(x, 12)));
  });

  it("crash replay keeps the inner model's dependence", () => {
    const crash = new CrashReplayModel(gbm(), ["BTC", "ETH"], { type: "crash-replay", crash: CRASHES["tariff-2025-10-10"], startHour: 1 });
    expect(offDiagonalPerHour(crash, 12).every((rho) => rho === 0.5)).toBe(true);
  });
});
