import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCENARIO_PRESETS } from "../../src/scenarios/index.ts";
import { parseStressConfig, type StressConfig } from "../../src/stress/config.ts";
import { FusedPathSimulator } from "../../src/stress/fusedKernel.ts";
import { MAX_COMPILED_ASSETS } from "../../src/stress/compiledPath.ts";
import { createSimulator, PATH_FIELDS, PathSimulator, stressOutputs } from "../../src/stress/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { RandomStream } from "../../src/paths/random/stream.ts";

/*
 * The fused kernel (fusedKernel.ts) against the reference (PathSimulator: PathDriver + one ModeKernel
 * per mode): the per-path results of every path, compared as raw bytes (NaN payloads included), on the
 * standard stress workload and every portfolio config shipped in examples/, with the scenarios the
 * examples name, plus small books that reach the rare branches (a lone cross position, tiered and
 * at-entry venues, partial liquidations, coarse steps with settlements inside the step, jumps).
 */

const file = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));

function config(raw: unknown, paths: number, scenario?: string): StressConfig {
  return parseStressConfig(raw, "test", { paths, ...(scenario ? { scenario } : {}) }).config;
}

/** Both kernels over `paths` paths: the result blocks and the liquidated-path count per mode. */
function runBoth(c: StressConfig): { fused: Float64Array; reference: Float64Array; liquidated: number[] } {
  const fusedSim = createSimulator(c);
  expect(fusedSim).toBeInstanceOf(FusedPathSimulator); // production uses the fused kernel
  const refSim = new PathSimulator(c);
  const size = c.paths * c.modes.length * PATH_FIELDS;
  const fused = new Float64Array(size);
  const reference = new Float64Array(size);
  const block = c.modes.length * PATH_FIELDS;
  for (let p = 0; p < c.paths; p++) {
    fusedSim.run(p, fused, p * block);
    refSim.run(p, reference, p * block);
  }
  const liquidated = c.modes.map((_, m) => {
    let k = 0;
    for (let p = 0; p < c.paths; p++) k += reference[p * block + m * PATH_FIELDS + FIELD.liquidated];
    return k;
  });
  return { fused, reference, liquidated };
}

/** The first differing float as a readable message (or "" when the bytes are equal). */
function firstDifference(a: Float64Array, b: Float64Array, modes: number): string {
  const ba = new Uint8Array(a.buffer), bb = new Uint8Array(b.buffer);
  for (let i = 0; i < ba.length; i++) {
    if (ba[i] === bb[i]) continue;
    const f = Math.floor(i / 8);
    const path = Math.floor(f / (modes * PATH_FIELDS));
    return `path ${path} mode ${Math.floor(f / PATH_FIELDS) % modes} field ${f % PATH_FIELDS}: fused ${a[f]} reference ${b[f]}`;
  }
  return "";
}

function expectSameBytes(c: StressConfig, minLiquidated: number): number[] {
  const { fused, reference, liquidated } = runBoth(c);
  expect(firstDifference(fused, reference, c.modes.length)).toBe("");
  // the comparison reaches the engine's liquidations, not only quiet paths
  expect(Math.max(...liquidated)).toBeGreaterThanOrEqual(minLiquidated);
  return liquidated;
}

const custom = { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 };

describe("fused kernel: the same bytes as the reference kernel", () => {
  it("bench/ssw.json, 300 paths, and the same summary and files", () => {
    const c = config(file("bench/ssw.json"), 300);
    expect((createSimulator(c) as FusedPathSimulator).marketAhead).toBe(true); // its market drawn ahead on the lanes
    const { fused, reference, liquidated } = runBoth(c);
    expect(firstDifference(fused, reference, 2)).toBe("");
    expect(liquidated[0]).toBeGreaterThan(5); // cross
    expect(liquidated[1]).toBeGreaterThan(200); // isolated: ~97 % of SSW paths lose a leg
    const a = stressOutputs(c, fused, "test", createSimulator(c));
    const b = stressOutputs(c, reference, "test", new PathSimulator(c));
    expect(JSON.stringify(a.summary)).toBe(JSON.stringify(b.summary));
    expect(Object.keys(a.files).sort()).toEqual(Object.keys(b.files).sort());
    for (const name of Object.keys(b.files)) expect(a.files[name], name).toEqual(b.files[name]);
  }, 120_000);

  it("bench/ssw.json on the generic loop (the steps the compiled path hands to the modes, every step), 150 paths", () => {
    const c = config(file("bench/ssw.json"), 150);
    const generic = new FusedPathSimulator(c, { loop: "generic" });
    const reference = new PathSimulator(c);
    const block = c.modes.length * PATH_FIELDS;
    const a = new Float64Array(c.paths * block), b = new Float64Array(c.paths * block);
    for (let p = 0; p < c.paths; p++) {
      generic.run(p, a, p * block);
      reference.run(p, b, p * block);
    }
    expect(firstDifference(a, b, 2)).toBe("");
  }, 120_000);

  it("bench/ssw.json with the market drawn in the loop (a moving funding rate's books), and ahead for paths asked out of order, 60 paths", () => {
    const c = config(file("bench/ssw.json"), 60);
    const inline = new FusedPathSimulator(c, { market: "inline" });
    const ahead = new FusedPathSimulator(c);
    expect([inline.marketAhead, ahead.marketAhead]).toEqual([false, true]);
    const reference = new PathSimulator(c);
    const block = c.modes.length * PATH_FIELDS;
    const a = new Float64Array(c.paths * block), b = new Float64Array(c.paths * block), r = new Float64Array(c.paths * block);
    // the ahead kernel draws two paths' markets at once (the one asked for and the next): asked in order (the next
    // found on lane 1), backwards, by odd and even, and one path twice
    const range = (from: number, count: number, step = 1) => Array.from({ length: count }, (_, k) => from + k * step);
    const order = [...range(0, 20), ...range(59, 20, -1), ...range(21, 10, 2), ...range(20, 10, 2), 7, 8];
    for (let p = 0; p < c.paths; p++) {
      inline.run(p, a, p * block);
      reference.run(p, r, p * block);
    }
    for (const p of order) ahead.run(p, b, p * block);
    expect(firstDifference(a, r, 2)).toBe("");
    expect(firstDifference(b, r, 2)).toBe("");
  }, 120_000);

  it("a path that starts elsewhere than the one its lane was drawn with gets its market drawn again", () => {
    // no shipped model moves its initial prices from path to path; a model that did must not read its neighbour's lane
    const c = config(file("bench/ssw.json"), 2);
    const fused = new FusedPathSimulator(c), reference = new PathSimulator(c);
    const block = c.modes.length * PATH_FIELDS;
    const a = new Float64Array(2 * block), b = new Float64Array(2 * block);
    fused.run(0, a, 0);
    reference.run(0, b, 0);
    for (const prices of [fused.model.initialPrices, (reference as unknown as { driver: { model: { initialPrices: Float64Array } } }).driver.model.initialPrices]) prices[1] *= 1.25;
    fused.run(1, a, block);
    reference.run(1, b, block);
    expect(firstDifference(a, b, 2)).toBe("");
  });

  for (const name of ["crash-regime-hedge", "crypto-beta-full-model", "long-btc-gbm"]) {
    it(`examples/stress/${name}.json`, () => {
      expectSameBytes(config(file(`examples/stress/${name}.json`), 200), 1);
    }, 120_000);
  }

  it("examples/scenarios/carry-long.json (funding squeeze)", () => {
    expectSameBytes(config(file("examples/scenarios/carry-long.json"), 200), 1);
  }, 120_000);

  it("examples/scenarios/hedge-grid.json", () => {
    expectSameBytes(config(file("examples/scenarios/hedge-grid.json"), 200), 1);
  }, 120_000);

  const pathPresets = Object.entries(SCENARIO_PRESETS).filter(([, p]) => p.spec.type !== "grid").map(([name]) => name);
  for (const preset of pathPresets) {
    it(`examples/scenarios/crypto-book.json --scenario ${preset}`, () => {
      expectSameBytes(config(file("examples/scenarios/crypto-book.json"), 60, preset), 1);
    }, 120_000);
  }

  it("a lone cross position, jumps, 4-hour steps with hourly settlements inside the step", () => {
    const raw = {
      venue: custom, initialBalance: 10000,
      portfolio: [{ symbol: "BTC", side: "short", leverage: 8, weight: 1 }],
      model: { type: "t-garch-jump", assets: { BTC: { price: 50000, vol: 0.8 } } },
      funding: { type: "mean-reverting" }, horizonHours: 720, stepMinutes: 240, seed: 3, modes: ["cross", "isolated"],
    };
    expectSameBytes(config(raw, 300), 10);
  }, 120_000);

  it(`a book of ${MAX_COMPILED_ASSETS + 1} assets: the generic loop the compiled path leaves such books to`, () => {
    const n = MAX_COMPILED_ASSETS + 1;
    const names = Array.from({ length: n }, (_, i) => `A${i}`);
    const raw = {
      venue: custom, initialBalance: 100000,
      portfolio: names.map((symbol, i) => ({ symbol, side: i % 3 === 2 ? "short" : "long", leverage: 6 + (i % 4), weight: 1 / n })),
      model: { type: "t-garch-jump", assets: Object.fromEntries(names.map((a, i) => [a, { price: 10 + i, vol: 0.9 + 0.05 * i }])),
        correlation: names.map((_, i) => names.map((_, j) => (i === j ? 1 : 0.6))) },
      funding: { type: "constant", ratePer8h: 0.0001, settleEveryHours: 1 },
      horizonHours: 720, stepMinutes: 60, seed: 5, modes: ["cross", "isolated"],
    };
    expectSameBytes(config(raw, 40), 5);
  }, 120_000);

  it("tiered Binance rules, a partial-liquidation venue and an at-entry venue, cross books of several legs", () => {
    const legs = [{ symbol: "BTC", side: "long", leverage: 15, weight: 0.5 }, { symbol: "ETH", side: "short", leverage: 15, weight: 0.4 }];
    const model = { type: "t-garch-jump", assets: { BTC: { price: 90000, vol: 0.7 }, ETH: { price: 3000, vol: 0.9 } }, correlation: [[1, 0.7], [0.7, 1]] };
    for (const venue of ["binance", "hyperliquid", "bybit"]) {
      const raw = { venue, initialBalance: 400000, portfolio: legs, model, horizonHours: 480, stepMinutes: 120, seed: 11, modes: ["cross", "isolated"] };
      expectSameBytes(config(raw, 150), 5);
    }
  }, 120_000);
});

describe("model step: the random stream's int32 without a slow truncation", () => {
  it("equals ToInt32(next() × 2³²) draw for draw (10⁶ draws, both halves of the range)", () => {
    const a = new RandomStream("7/3/0"), b = new RandomStream("7/3/0");
    let negative = 0;
    for (let k = 0; k < 1_000_000; k++) {
      const fast = a.int32();
      const plain = (b.next() * 0x100000000) | 0;
      if (fast !== plain) throw new Error(`draw ${k}: ${fast} vs ${plain}`);
      if (fast < 0) negative++;
    }
    expect(negative).toBeGreaterThan(490_000); // the upper half of [0, 2³²) maps to negatives
    expect(negative).toBeLessThan(510_000);
  });
});
