/**
 * Audit item 6: the spike re-colours the inner model's diffusive shocks. In the model's own stress regime
 * those shocks were coloured by the stress matrix, so they must be whitened with it, not with the calm one.
 * A t-garch-jump held in stress (ρ 0.9) under a spike to 0.5 over the whole horizon must show diffusive
 * increments correlated 0.5 (whitening with the calm ρ 0.3 gave ≈ 0.93). Tolerance: 4 standard errors of
 * a sample correlation, (1 − ρ²)/√N.
 */
import { describe, expect, it } from "vitest";
import { CorrelationSpikeModel } from "../../src/scenarios/spike.ts";
import { createModel } from "../../src/paths/index.ts";
import { describeScenario, parseScenario } from "../../src/scenarios/index.ts";
import { pathStream } from "../../src/paths/random/stream.ts";

describe("correlation spike over a model in its own stress regime", () => {
  it("reaches the target correlation of the diffusive shocks", () => {
    const calm = [[1, 0.3], [0.3, 1]];
    const inner = createModel({
      type: "t-garch-jump", correlation: calm, nu: 1e6, garch: false, jumps: false,
      assets: [{ symbol: "A", price: 100, vol: 0.5, drift: 0, jumpBeta: 1 }, { symbol: "B", price: 10, vol: 0.7, drift: 0, jumpBeta: 1 }],
      regimes: { stayCalmPerDay: 1, stayStressPerDay: 1, volMultiplier: 1, stressCorrelation: 0.9, blend: 1, jumpIntensityMultiplier: 1, start: "stress" },
    });
    const spec = parseScenario({ type: "correlation-spike", target: 0.5, start: { hour: 0 }, durationHours: 1e6, relaxHours: 0 });
    if (spec.type !== "correlation-spike") throw new Error("parse");
    const model = new CorrelationSpikeModel(inner, calm, spec);
    const r = new Float64Array(2), v = new Float64Array(2);
    let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let p = 0; p < 200; p++) {
      model.reset(pathStream(3, p));
      for (let s = 0; s < 200; s++) {
        model.step(1 / 8760, r, v);
        const x = (r[0] + 0.5 * v[0]) / Math.sqrt(v[0]), y = (r[1] + 0.5 * v[1]) / Math.sqrt(v[1]);
        n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
      }
    }
    const rho = (sxy / n - (sx / n) * (sy / n)) / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
    expect(Math.abs(rho - 0.5)).toBeLessThan((4 * (1 - 0.25)) / Math.sqrt(n));
    expect(model.stepCorrelation[1]).toBeCloseTo(0.5, 12);
  });

  it("says which part of the return carries the configured correlation", () => {
    expect(describeScenario(parseScenario("correlation-spike"))).toContain("of the diffusive shocks; jumps keep their own");
  });
});
