import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SCENARIO_PRESETS } from "../../src/scenarios/index.ts";
import { parseStressConfig, type StressConfig } from "../../src/stress/config.ts";
import { FusedPathSimulator } from "../../src/stress/fusedKernel.ts";
import { FusedTrace } from "../../src/stress/fusedTrace.ts";
import { PATH_FIELDS, PathSimulator, runStress } from "../../src/stress/index.ts";
import { samplesCsv } from "../../src/stress/outputs.ts";

/*
 * samples.csv traced on the fused kernel (fusedTrace.ts: the compiled loop takes every mode across at the
 * kept steps, and the generic loop) against the reference kernel's trace (PathSimulator, every step):
 * the same text, row for row, and the traced paths' results the same bytes as the untraced ones.
 */

const exec = promisify(execFile);
const file = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));
const config = (raw: unknown, paths: number, scenario?: string): StressConfig => parseStressConfig(raw, "test", { paths, ...(scenario ? { scenario } : {}) }).config;
const symbols = (c: StressConfig) => c.model.assets.map((a) => a.symbol);

function expectSameSamples(c: StressConfig): string {
  const reference = samplesCsv(c, new PathSimulator(c), symbols(c));
  const compiled = new FusedPathSimulator(c);
  expect(compiled.loop).not.toBeNull();
  expect(samplesCsv(c, compiled, symbols(c))).toBe(reference);
  expect(samplesCsv(c, new FusedPathSimulator(c, { loop: "generic" }), symbols(c))).toBe(reference);
  return reference;
}

/** The traced paths' results against the same simulator's untraced ones, byte for byte. */
function expectTraceChangesNothing(c: StressConfig, paths: number): void {
  const sim = new FusedPathSimulator(c);
  const block = c.modes.length * PATH_FIELDS;
  const traced = new Float64Array(paths * block), plain = new Float64Array(paths * block);
  let rows = 0;
  for (let p = 0; p < paths; p++) {
    sim.run(p, traced, p * block, () => void rows++, 7);
    sim.run(p, plain, p * block);
  }
  expect(rows).toBeGreaterThan(0);
  expect(Buffer.from(traced.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
}

describe("sample paths traced on the fused kernel: the reference's rows", () => {
  it("bench/ssw.json: five paths, liquidations in both modes, the same text", () => {
    const c = config(file("bench/ssw.json"), 5);
    const text = expectSameSamples(c);
    const lines = text.trim().split("\n");
    // every third hour of 2,160 and the opening, per mode and path (SampleWriter keeps ~1,000 rows a path and mode) ...
    expect(lines.filter((l) => l.startsWith("0,cross,")).length).toBe(721);
    // ... and the liquidation rows (isolated legs die on most SSW paths)
    expect(lines.filter((l) => l.endsWith(",1")).length).toBeGreaterThan(0);
    expectTraceChangesNothing(c, 20);
  }, 120_000);

  for (const name of ["stress/crash-regime-hedge", "stress/crypto-beta-full-model", "stress/long-btc-gbm", "scenarios/carry-long", "scenarios/hedge-grid"]) {
    it(`examples/${name}.json`, () => {
      expectSameSamples(config(file(`examples/${name}.json`), 5));
    }, 120_000);
  }

  it("every path scenario preset on examples/scenarios/crypto-book.json", () => {
    for (const [preset, p] of Object.entries(SCENARIO_PRESETS)) {
      if (p.spec.type === "grid") continue;
      expectSameSamples(config(file("examples/scenarios/crypto-book.json"), 5, preset));
    }
  }, 120_000);

  it("a lone cross position, jumps, 4-hour steps with settlements inside the step; tiered venues", () => {
    const custom = { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 };
    const lone = {
      venue: custom, initialBalance: 10000, portfolio: [{ symbol: "BTC", side: "short", leverage: 8, weight: 1 }],
      model: { type: "t-garch-jump", assets: { BTC: { price: 50000, vol: 0.8 } } },
      funding: { type: "mean-reverting" }, horizonHours: 720, stepMinutes: 240, seed: 3, modes: ["cross", "isolated"],
    };
    expectSameSamples(config(lone, 5));
    expectTraceChangesNothing(config(lone, 40), 40);
    const legs = [{ symbol: "BTC", side: "long", leverage: 15, weight: 0.5 }, { symbol: "ETH", side: "short", leverage: 15, weight: 0.4 }];
    const model = { type: "t-garch-jump", assets: { BTC: { price: 90000, vol: 0.7 }, ETH: { price: 3000, vol: 0.9 } }, correlation: [[1, 0.7], [0.7, 1]] };
    for (const venue of ["binance", "hyperliquid", "bybit"]) {
      const c = config({ venue, initialBalance: 400000, portfolio: legs, model, horizonHours: 480, stepMinutes: 120, seed: 11, modes: ["cross", "isolated"] }, 5);
      expectSameSamples(c);
      expectTraceChangesNothing(config({ venue, initialBalance: 400000, portfolio: legs, model, horizonHours: 480, stepMinutes: 120, seed: 11, modes: ["cross", "isolated"] }, 30), 30);
    }
  }, 120_000);

  it("a run big enough for the pool traces them on a pool thread, one path fewer on the main thread: the reference's text, and the files of a one-worker run", async () => {
    const { stdout } = await exec(process.execPath, ["--import", "tsx", "test/montecarlo/fixtures/poolSamples.ts"], { maxBuffer: 64 << 20 });
    const runs = stdout.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { paths: number; tracedHere: boolean; files: Record<string, string> });
    expect(runs.map((r) => [r.paths, r.tracedHere])).toEqual([[200, false], [199, true]]); // samplesOnPool's threshold: 100 paths a thread
    for (const run of runs) {
      const c = config(file("bench/ssw.json"), run.paths);
      expect(run.files["samples.csv"]).toBe(samplesCsv(c, new PathSimulator(c), symbols(c)));
      const here = await runStress(c, { workers: 1 });
      for (const f of ["samples.csv", "paths.csv", "summary.json"]) expect(run.files[f], `${run.paths} paths: ${f}`).toBe(here.files[f]);
    }
  }, 180_000);

  it("a stretch ends at the next step samples.csv keeps: nextKept is keeps' next, whatever the interval and length", () => {
    for (const steps of [1, 2, 10, 721, 2160]) {
      for (const every of [1, 2, 3, 7, 1000]) {
        const trace = new FusedTrace({ kernels: [], steps, stepHours: 1, arrays: () => { throw new Error("no rows"); } }, () => {}, every, []);
        for (let s = -1; s < steps - 1; s++) {
          let next = s + 1;
          while (!trace.keeps(next)) next++;
          if (trace.nextKept(s) !== next) expect(`steps ${steps} every ${every} after ${s}: ${trace.nextKept(s)}`).toBe(`steps ${steps} every ${every} after ${s}: ${next}`);
        }
        expect(trace.keeps(steps - 1)).toBe(true); // the last step always
      }
    }
  });
});
