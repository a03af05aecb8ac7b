/**
 * What `vol` means (audit item 2) and presets by base coin (audit item 1). `vol` in a config is the
 * long-run annual volatility of log returns, jumps and stress regimes included: simulated returns must
 * realise it. `diffusionVol` is the diffusive part, reported with its total. The total is checked against
 * a simulation of the model itself (long paths, a burn-in past the regime chain's memory), with a
 * 4-standard-error bound from the spread of the per-path estimates.
 */
import { describe, expect, it } from "vitest";
import { createModel, type TGarchJumpSpec } from "../../src/paths/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { pathStream } from "../../src/paths/random/stream.ts";

function book(assets: Record<string, unknown>, model: Record<string, unknown> = {}) {
  return {
    venue: "binance", initialBalance: 10000,
    portfolio: Object.keys(assets).map((symbol) => ({ symbol, side: "long", leverage: 2, weight: 0.1 })),
    model: { type: "t-garch-jump", assets, ...model },
    horizonHours: 24, stepMinutes: 60, paths: 10, seed: 1,
  };
}

const spec = (raw: unknown) => parseStressConfig(raw).config.model as TGarchJumpSpec;

/** Mean over paths of the annualised variance of daily log returns after a burn-in, and its standard error. */
function realisedAnnualVariance(model: TGarchJumpSpec, asset: number, paths: number, days: number, burnIn: number): { mean: number; se: number } {
  const m = createModel(model);
  const r = new Float64Array(model.assets.length), v = new Float64Array(model.assets.length);
  const dt = 1 / 365;
  let s = 0, ss = 0;
  for (let p = 0; p < paths; p++) {
    m.reset(pathStream(7, p));
    let sum = 0, sum2 = 0;
    for (let d = 0; d < burnIn + days; d++) {
      m.step(dt, r, v);
      if (d < burnIn) continue;
      sum += r[asset];
      sum2 += r[asset] * r[asset];
    }
    const variance = ((sum2 - (sum * sum) / days) / (days - 1)) * 365;
    s += variance;
    ss += variance * variance;
  }
  const mean = s / paths;
  return { mean, se: Math.sqrt((ss / paths - mean * mean) / paths) };
}

describe("presets by base coin", () => {
  it("BTCUSDT, ETH-USD and SOL get BTC's, ETH's and SOL's jump betas and pair correlations, without a warning", () => {
    const parsed = parseStressConfig(book({ BTCUSDT: { price: 1, vol: 0.6 }, "ETH-USD": { price: 1, vol: 0.75 }, SOL: { price: 1, vol: 1.1 } }));
    const m = parsed.config.model as TGarchJumpSpec;
    expect(m.assets.map((a) => a.jumpBeta)).toEqual([1, 1.3, 2]);
    expect(m.correlation).toEqual([[1, 0.8, 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]]);
    expect(parsed.warnings.filter((w) => w.includes("correlation"))).toEqual([]);
    // a coin the reference does not cover keeps the stated default
    expect(spec(book({ DOGEUSDT: { price: 1, vol: 1.5 } })).assets[0].jumpBeta).toBe(1.5);
  });
});

describe("vol is the total annual volatility of log returns", () => {
  it("BTCUSDT at vol 0.5 with the default jumps, GARCH and regimes realises 0.5 (it realised ~0.8 when vol was the diffusion alone)", () => {
    const m = spec(book({ BTCUSDT: { price: 100, vol: 0.5 } }));
    expect(m.assets[0].totalVol).toBe(0.5);
    expect(m.assets[0].vol).toBeLessThan(0.5); // the diffusive part: what is left after jumps and regimes
    const { mean, se } = realisedAnnualVariance(m, 0, 1500, 720, 150);
    expect(Math.abs(mean - 0.25)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.02); // the test can tell 0.25 from the old ~0.6
  });

  it("diffusionVol is the diffusive part: the reported total is what the returns realise", () => {
    const m = spec(book({ ETH: { price: 100, diffusionVol: 0.5 } }));
    expect(m.assets[0].vol).toBe(0.5);
    const total = m.assets[0].totalVol!;
    // by hand: π = ln .99/(ln .99 + ln .9) = 0.087085; uplift 1 − π + π·2.5² = 1.457196;
    // jumps β² = 1.69 × (20 × 0.00782 + 6 × 0.00372) × (1 − π + 5π) = 1.69 × 0.17872 × 1.348340 = 0.407259
    expect(total).toBeCloseTo(Math.sqrt(0.25 * 1.457196 + 0.407259), 4);
    const { mean, se } = realisedAnnualVariance(m, 0, 1500, 720, 150);
    expect(Math.abs(mean - total * total)).toBeLessThan(4 * se);
  });

  it("refuses a total at or below what the jumps alone give, and vol beside diffusionVol, naming the field", () => {
    expect(() => spec(book({ SOLUSDT: { price: 100, vol: 0.9 } }))).toThrow(/model\.assets\.SOLUSDT\.vol: total annual vol 0\.9 is at or below what the jumps alone give \(0\.98\d\)/);
    expect(() => spec(book({ BTC: { price: 100, vol: 0.5, diffusionVol: 0.3 } }))).toThrow(/model\.assets\.BTC\.diffusionVol: give vol \(the total\) or diffusionVol/);
    // without jumps or regimes the two are the same
    const plain = spec(book({ BTC: { price: 100, vol: 0.5 } }, { jumps: false, regimes: false }));
    expect(plain.assets[0].vol).toBeCloseTo(0.5, 12);
  });
});
