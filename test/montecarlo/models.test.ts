import { describe, expect, it } from "vitest";
import { bridgeCrossed } from "../../src/paths/bridge.ts";
import { createModel, SUBSTREAM, type ModelSpec, type TGarchJumpSpec } from "../../src/paths/index.ts";
import { normCdf, studentTCdf } from "../../src/paths/math.ts";
import { pathStream } from "../../src/paths/random/stream.ts";
import { firstPassage } from "./closedForms.ts";

const YEAR_HOURS = 8760;

function gbm(vols: number[], correlation: number[][]): ModelSpec {
  return { type: "gbm", assets: vols.map((vol, i) => ({ symbol: `A${i}`, price: 100, vol, drift: 0 })), correlation };
}

function tOnly(vols: number[], correlation: number[][], nu: number, extra: Partial<TGarchJumpSpec> = {}): TGarchJumpSpec {
  return {
    type: "t-garch-jump",
    assets: vols.map((vol, i) => ({ symbol: `A${i}`, price: 100, vol, drift: 0, jumpBeta: 1 })),
    correlation, nu, garch: false, regimes: false, jumps: false, ...extra,
  };
}

describe("correlated GBM", () => {
  const vols = [0.6, 0.9];
  const rho = 0.7;
  const N = 20_000;
  const steps = 24;
  const dt = 1 / YEAR_HOURS;
  const model = createModel(gbm(vols, [[1, rho], [rho, 1]]));
  const terminal = [new Float64Array(N), new Float64Array(N)];
  let sxy = 0, sxx = 0, syy = 0, sx = 0, sy = 0;
  const r = new Float64Array(2);
  const v = new Float64Array(2);
  for (let p = 0; p < N; p++) {
    model.reset(pathStream(11, p));
    for (let s = 0; s < steps; s++) {
      model.step(dt, r, v);
      terminal[0][p] += r[0];
      terminal[1][p] += r[1];
      sx += r[0]; sy += r[1]; sxy += r[0] * r[1]; sxx += r[0] * r[0]; syy += r[1] * r[1];
    }
  }

  it("terminal log-return has mean −σ²T/2 and variance σ²T (4 standard errors)", () => {
    const T = steps * dt;
    for (let a = 0; a < 2; a++) {
      const x = terminal[a];
      const mean = x.reduce((s, y) => s + y, 0) / N;
      const variance = x.reduce((s, y) => s + (y - mean) ** 2, 0) / (N - 1);
      const target = vols[a] ** 2 * T;
      expect(Math.abs(mean - -target / 2)).toBeLessThan(4 * Math.sqrt(target / N));
      expect(Math.abs(variance - target)).toBeLessThan(4 * target * Math.sqrt(2 / N));
    }
  });

  it("increments have the target correlation", () => {
    const M = N * steps;
    const cov = sxy / M - (sx / M) * (sy / M);
    const corr = cov / Math.sqrt((sxx / M - (sx / M) ** 2) * (syy / M - (sy / M) ** 2));
    expect(Math.abs(corr - rho)).toBeLessThan((4 * (1 - rho * rho)) / Math.sqrt(M));
  });

  it("reports the step variance σ²Δt", () => {
    expect(v[0]).toBeCloseTo(0.36 * dt, 15);
    expect(v[1]).toBeCloseTo(0.81 * dt, 15);
  });
});

describe("first passage of a lone long's barrier with the bridge check", () => {
  // P(min of log price over T ≤ b) = Φ((b−μT)/σ√T) + e^{2μb/σ²}·Φ((b+μT)/σ√T), μ = −σ²/2
  const sigma = 0.8;
  const hours = 24;
  const b = Math.log(0.95);
  const T = hours / YEAR_HOURS;
  const exact = firstPassage(sigma, hours, b);

  function simulate(stepsPerHorizon: number, N: number): number {
    const model = createModel(gbm([sigma], [[1]]));
    const dt = T / stepsPerHorizon;
    const r = new Float64Array(1);
    const v = new Float64Array(1);
    let hits = 0;
    for (let p = 0; p < N; p++) {
      model.reset(pathStream(5, p, SUBSTREAM.market));
      const bridge = pathStream(5, p, SUBSTREAM.bridge);
      let x = 0;
      for (let k = 0; k < stepsPerHorizon; k++) {
        model.step(dt, r, v);
        const x1 = x + r[0];
        if (bridgeCrossed(x - b, x1 - b, v[0], bridge.next())) {
          hits++;
          break;
        }
        x = x1;
      }
    }
    return hits / N;
  }

  it("the closed form is the reference's 0.2263", () => expect(exact).toBeCloseTo(0.2263, 4));

  it.each([
    ["1-minute steps", 1440, 20_000],
    ["1-hour steps", 24, 40_000],
    ["one step for the whole horizon", 1, 40_000],
  ])("matches within 4 standard errors at %s", (_label, steps, N) => {
    const p = simulate(steps, N);
    expect(Math.abs(p - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / N));
  });
});

describe("t-garch-jump", () => {
  const dt = 1 / YEAR_HOURS;

  it("Student-t shocks keep the step variance σ²Δt and have fat tails (kurtosis 3 + 6/(ν−4) → ν = 6 gives 6)", () => {
    const model = createModel(tOnly([0.6], [[1]], 6));
    model.reset(pathStream(1, 0));
    const N = 400_000;
    const r = new Float64Array(1);
    const v = new Float64Array(1);
    let s2 = 0;
    let beyond = 0;
    const sd = 0.6 * Math.sqrt(dt);
    for (let i = 0; i < N; i++) {
      model.step(dt, r, v);
      const z = (r[0] + v[0] / 2) / sd;
      s2 += z * z;
      if (Math.abs(z) > 4) beyond++;
    }
    expect(Math.abs(s2 / N - 1)).toBeLessThan(4 * Math.sqrt(2 / N) * 1.8); // sd of z² is √(kurtosis−1) = √5 at ν = 6
    // P(|T| > 4/√(ν/(ν−2))) for a unit-variance t_6
    const p = 2 * studentTCdf(-4 * Math.sqrt(6 / 4), 6);
    expect(Math.abs(beyond / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });

  it("one shared chi-square draw gives t-copula tail dependence near 2·t_{ν+1}(−√((ν+1)(1−ρ)/(1+ρ)))", () => {
    const nu = 4;
    const rho = 0.8;
    const lambda = 2 * studentTCdf(-Math.sqrt(((nu + 1) * (1 - rho)) / (1 + rho)), nu + 1);
    expect(lambda).toBeCloseTo(0.49, 2); // the reference's table
    const lower = (spec: ModelSpec): number => {
      const model = createModel(spec);
      model.reset(pathStream(3, 0));
      const N = 200_000;
      const a = new Float64Array(N);
      const b = new Float64Array(N);
      const r = new Float64Array(2);
      const v = new Float64Array(2);
      for (let i = 0; i < N; i++) {
        model.step(dt, r, v);
        a[i] = r[0];
        b[i] = r[1];
      }
      const qa = Float64Array.from(a).sort()[N / 100];
      const qb = Float64Array.from(b).sort()[N / 100];
      let one = 0;
      let both = 0;
      for (let i = 0; i < N; i++) if (a[i] < qa) { one++; if (b[i] < qb) both++; }
      return both / one;
    };
    const t = lower(tOnly([0.6, 0.6], [[1, rho], [rho, 1]], nu));
    const gaussian = lower(gbm([0.6, 0.6], [[1, rho], [rho, 1]]));
    expect(Math.abs(t - lambda)).toBeLessThan(0.05); // at the 1 % quantile, ±4 SE (0.011 each) plus the finite-quantile gap
    expect(gaussian).toBeLessThan(t - 0.08);
  });

  it("with GARCH, regimes and jumps on, prices stay martingales: E[S_T] = S_0", () => {
    const spec = tOnly([0.6, 1.0], [[1, 0.7], [0.7, 1]], 4, {
      garch: { alpha: 0.12, beta: 0.85, hours: 24 },
      regimes: { stayCalmPerDay: 0.9, stayStressPerDay: 0.8, volMultiplier: 2.5, stressCorrelation: 0.95, blend: 0.9, jumpIntensityMultiplier: 5, start: "calm" },
      jumps: { market: { ratePerYear: 20, upProbability: 0.3, meanUp: 0.04, meanDown: 0.07 }, idiosyncratic: { ratePerYear: 6, upProbability: 0.4, meanUp: 0.03, meanDown: 0.05 } },
    });
    spec.assets[1].jumpBeta = 2;
    const model = createModel(spec);
    const N = 20_000;
    const steps = 7 * 24;
    const r = new Float64Array(2);
    const v = new Float64Array(2);
    const sums = [0, 0];
    const squares = [0, 0];
    let stressedSteps = 0;
    for (let p = 0; p < N; p++) {
      model.reset(pathStream(9, p));
      const x = [0, 0];
      for (let k = 0; k < steps; k++) {
        model.step(dt, r, v);
        x[0] += r[0];
        x[1] += r[1];
        stressedSteps += model.stressed;
      }
      for (let a = 0; a < 2; a++) {
        sums[a] += Math.exp(x[a]);
        squares[a] += Math.exp(2 * x[a]);
      }
    }
    for (let a = 0; a < 2; a++) {
      const mean = sums[a] / N;
      const se = Math.sqrt((squares[a] / N - mean * mean) / N);
      expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
    }
    // stationary share of stress of the chain: (1 − 0.9)/((1 − 0.9) + (1 − 0.8)) = 1/3, starting calm over one week: clearly in between
    const share = stressedSteps / (N * steps);
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(1 / 3);
  });

  it("GARCH stated at the step's own scale clusters volatility as GARCH(1,1) says: lag-1 autocorrelation of r²", () => {
    // Gaussian GARCH(1,1): ρ1(ε²) = α(1 − αβ − β²)/(1 − 2αβ − β²) = 0.0725 for α = 0.05, β = 0.9.
    // The same α, β read as daily parameters on hourly steps would give almost no clustering (ρ1 ≈ 0.003).
    const alpha = 0.05, beta = 0.9;
    const expected = (alpha * (1 - alpha * beta - beta * beta)) / (1 - 2 * alpha * beta - beta * beta);
    const rho1 = (hours: number): number => {
      const model = createModel(tOnly([0.6], [[1]], 1e6, { garch: { alpha, beta, hours } }));
      const r = new Float64Array(1), v = new Float64Array(1);
      const paths = 400, steps = 2000;
      let sxy = 0, sx = 0, sxx = 0, n = 0;
      for (let p = 0; p < paths; p++) {
        model.reset(pathStream(11, p));
        let prev = NaN;
        for (let s = 0; s < steps + 200; s++) {
          model.step(1 / YEAR_HOURS, r, v);
          const sq = r[0] * r[0];
          if (s >= 200) { // burn-in: start from the stationary variance
            if (!Number.isNaN(prev)) { sxy += prev * sq; n++; }
            sx += sq; sxx += sq * sq;
          }
          prev = s >= 200 ? sq : NaN;
        }
      }
      const count = paths * steps;
      const mean = sx / count;
      return (sxy / n - mean * mean) / (sxx / count - mean * mean);
    };
    expect(Math.abs(rho1(1) - expected)).toBeLessThan(0.015);
    expect(rho1(24)).toBeLessThan(0.02);
  });

  it("is deterministic per (seed, path) whatever ran before on the same model object", () => {
    const spec = tOnly([0.6, 1.0], [[1, 0.7], [0.7, 1]], 4, { garch: { alpha: 0.1, beta: 0.85, hours: 24 } });
    const run = (model = createModel(spec), path = 42): number[] => {
      model.reset(pathStream(1, path));
      const r = new Float64Array(2);
      const v = new Float64Array(2);
      const out: number[] = [];
      for (let k = 0; k < 50; k++) {
        model.step(dt, r, v);
        out.push(r[0], r[1], v[0]);
      }
      return out;
    };
    const reused = createModel(spec);
    run(reused, 7);
    expect(run(reused)).toEqual(run());
  });
});
