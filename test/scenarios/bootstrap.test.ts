import { describe, expect, it } from "vitest";
import { loadMarket } from "../../src/data/index.ts";
import { BootstrapModel, bootstrapSpec } from "../../src/paths/bootstrap/bootstrap.ts";
import { correlationMatrix, jointReturns, variance } from "../../src/paths/index.ts";
import { pathStream } from "../../src/paths/random/stream.ts";
import { correlation, DT_HOUR, stdev } from "./helpers.ts";

describe("stationary block bootstrap of BTC/ETH 2024", async () => {
  const market = await loadMarket({ symbols: ["BTCUSDT", "ETHUSDT"], from: "2024-01-01", to: "2025-01-01" });
  const history = jointReturns(market);
  const rows = Array.from({ length: history.time.length }, (_, i) => i);
  const rhoHistory = correlationMatrix(history.returns, rows)[0][1];

  it("preserves the history's BTC–ETH correlation within sampling error (20 batches, 4 standard errors)", () => {
    const model = new BootstrapModel(bootstrapSpec(market, { meanBlockHours: 48 }));
    const batches: number[] = [];
    const all: number[][] = [[], []];
    const r = new Float64Array(2), v = new Float64Array(2);
    for (let b = 0; b < 20; b++) {
      const x: number[] = [], y: number[] = [];
      for (let p = 0; p < 10; p++) {
        model.reset(pathStream(5, b * 10 + p));
        for (let s = 0; s < 720; s++) {
          model.step(DT_HOUR, r, v);
          x.push(r[0]); y.push(r[1]);
        }
      }
      batches.push(correlation(x, y));
      all[0].push(...x); all[1].push(...y);
    }
    const se = stdev(batches) / Math.sqrt(batches.length - 1);
    expect(rhoHistory).toBeGreaterThan(0.7); // the 2024 data's own figure, for the record
    expect(Math.abs(correlation(all[0], all[1]) - rhoHistory)).toBeLessThan(4 * se);
  });

  it("rescales to a target volatility and carries the funding of the sampled rows", () => {
    const model = new BootstrapModel(bootstrapSpec(market, { targetVol: { BTCUSDT: 0.8 } }));
    const r = new Float64Array(2), v = new Float64Array(2), f = new Float64Array(2);
    const funding = model.funding();
    const btc: number[] = [];
    let rateSeen = 0;
    for (let p = 0; p < 100; p++) {
      model.reset(pathStream(9, p));
      for (let s = 0; s < 720; s++) {
        model.step(DT_HOUR, r, v);
        funding.step(1, r, f);
        btc.push(r[0]);
        if (f[0] !== 0) rateSeen++;
      }
    }
    const vol = Math.sqrt(variance(Float64Array.from(btc)) * 8760);
    expect(Math.abs(vol / 0.8 - 1)).toBeLessThan(0.05);
    expect(rateSeen).toBeGreaterThan(0.9 * 72_000); // Binance funding is rarely exactly 0
  });
});
