import { describe, expect, it } from "vitest";
import { normCdf } from "../../src/paths/math.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { wilsonInterval } from "../../src/stress/stats/wilson.ts";
import { parseSweep, resolveSweeps, runSweep, type CellModeResult } from "../../src/stress/index.ts";
import { readSweep } from "../../src/report/charts/sweep.ts";

const { config } = parseStressConfig({
  venue: "binance", initialBalance: 10000, seed: 42, paths: 1000,
  model: { type: "gbm", assets: { BTCUSDT: { price: 100000, vol: 0.6 }, ETHUSDT: { price: 3000, vol: 0.8 } } },
  portfolio: [{ symbol: "BTCUSDT", side: "long", leverage: 5, weight: 0.4 }, { symbol: "ETHUSDT", side: "short", leverage: 5, weight: 0.4 }],
});

describe("sweeps", () => {
  it("parses ranges (end included) and lists, and rejects unknown names in one line", () => {
    expect(parseSweep("correlation=0.3:0.99:0.1").values).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99]);
    expect(parseSweep("leverage=2,5,10,20")).toEqual({ name: "leverage", values: [2, 5, 10, 20] });
    expect(parseSweep("band")).toEqual({ name: "band", values: null });
    expect(() => resolveSweeps(config, [parseSweep("colour=1,2")], null)).toThrow(/^--sweep colour=1,2: unknown parameter 'colour' \(known: correlation, leverage, weight\)$/);
    expect(() => resolveSweeps(config, [parseSweep("leverage")], null)).toThrow(/--sweep leverage: give its values/);
    expect(() => parseSweep("leverage=2,x")).toThrow(/'x' is not a number/);
  });

  it("runs every cell on the same seed with the parameter applied, and writes the report's sweep.csv", async () => {
    const seen: { seed: number; rho: number; lev: number[] }[] = [];
    // a stand-in runner with a closed form: the hedge's spread vol √(σ₁² + σ₂² − 2ρσ₁σ₂) against a 1/leverage move
    const runOne = async (cell: typeof config): Promise<CellModeResult[]> => {
      const rho = cell.model.correlation[0][1];
      const lev = cell.book.kind === "portfolio" ? cell.book.legs.map((l) => l.leverage) : [];
      seen.push({ seed: cell.seed, rho, lev });
      const spread = Math.sqrt(0.36 + 0.64 - 2 * rho * 0.48) * Math.sqrt(30 / 365);
      const p = 2 * normCdf(-1 / lev[0] / spread);
      return (["cross", "isolated"] as const).map((mode) => ({ mode, liquidationProbability: mode === "cross" ? p / 2 : p, ci95: wilsonInterval(Math.round(p * 1000), 1000), wipeoutProbability: 0, paths: 1000 }));
    };
    const { rows, csv } = await runSweep(config, resolveSweeps(config, [parseSweep("correlation=0.3,0.9"), parseSweep("leverage=2,10")], null), runOne);
    expect(rows.map((r) => r.params)).toEqual([[0.3, 2], [0.3, 10], [0.9, 2], [0.9, 10]]);
    expect(seen.every((s) => s.seed === 42)).toBe(true);
    expect(seen.map((s) => [s.rho, ...s.lev])).toEqual([[0.3, 2, 2], [0.3, 10, 10], [0.9, 2, 2], [0.9, 10, 10]]);
    const parsed = readSweep(csv);
    expect(parsed.params).toEqual(["correlation", "leverage"]);
    expect(parsed.cells).toHaveLength(4);
    const cell = parsed.cells.find((c) => c.x === 0.9 && c.y === 10)!;
    const spread = Math.sqrt(1 - 2 * 0.9 * 0.48) * Math.sqrt(30 / 365);
    expect(cell.isolated).toBeCloseTo(2 * normCdf(-0.1 / spread), 12);
  });

  it("refuses a cell that cannot exist before running any", async () => {
    let runs = 0;
    await expect(runSweep(config, resolveSweeps(config, [parseSweep("weight=0.3,0.6")], null), async () => (runs++, []))).rejects.toThrow(/weight=0.6/);
    expect(runs).toBe(0);
  });
});
