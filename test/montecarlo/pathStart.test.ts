import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getVenue } from "../../src/venues/index.ts";
import { parseStressConfig, type StressConfig } from "../../src/stress/config.ts";
import { createSimulator, PATH_FIELDS, PathSimulator } from "../../src/stress/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { ModeTally } from "../../src/stress/modeTally.ts";

/*
 * A kernel keeps one account per mode and restores it at each path's start (ModeTally, Account.restore)
 * instead of building a new one: a path must give the same bytes whether it runs first on a new simulator
 * (a new account, as every path did before) or after other paths that liquidated, wrote off bad debt and
 * accrued funding on that account.
 */

const file = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));
const config = (raw: unknown, paths: number): StressConfig => parseStressConfig(raw, "test", { paths }).config;

function sameBytes(a: Float64Array, b: Float64Array): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Paths 0..paths−1 in order on one simulator, and each again first on a new simulator: the differing paths (none expected) and per mode how many paths followed a liquidated one. */
function inOrderVsAlone(c: StressConfig, make: (c: StressConfig) => { run(p: number, out: Float64Array, at: number): void }) {
  const block = c.modes.length * PATH_FIELDS;
  const inOrder = new Float64Array(c.paths * block);
  const sim = make(c);
  for (let p = 0; p < c.paths; p++) sim.run(p, inOrder, p * block);
  const differing: number[] = [];
  const liquidated = c.modes.map(() => 0);
  for (let p = 0; p < c.paths; p++) {
    const alone = new Float64Array(block);
    make(c).run(p, alone, 0);
    if (!sameBytes(alone, inOrder.subarray(p * block, (p + 1) * block))) differing.push(p);
    if (p < c.paths - 1) c.modes.forEach((_, m) => (liquidated[m] += inOrder[p * block + m * PATH_FIELDS + FIELD.liquidated]));
  }
  return { differing, liquidated };
}

describe("a path's start leaves nothing of the path before", () => {
  const cases: [string, StressConfig][] = [
    ["bench/ssw.json", config(file("bench/ssw.json"), 40)],
    ["Hyperliquid (partial liquidations), a cross book of two legs and a lone isolated one, jumps, funding inside 4-hour steps", config({
      venue: "hyperliquid", initialBalance: 2_000_000,
      portfolio: [{ symbol: "BTC", side: "long", leverage: 20, weight: 0.6 }, { symbol: "ETH", side: "short", leverage: 20, weight: 0.3 }],
      model: { type: "t-garch-jump", assets: { BTC: { price: 90000, vol: 0.9 }, ETH: { price: 3000, vol: 1.1 } }, correlation: [[1, 0.6], [0.6, 1]] },
      funding: { type: "mean-reverting" }, horizonHours: 480, stepMinutes: 240, seed: 5, modes: ["cross", "isolated"],
    }, 40)],
  ];
  for (const [name, c] of cases) {
    it(`${name}: each path in order equals the same path run first, fused and reference kernels`, () => {
      const fused = inOrderVsAlone(c, createSimulator);
      expect(fused.differing).toEqual([]);
      // paths follow paths that liquidated, in both modes (SSW cross: ~5 % of paths)
      expect(Math.min(...fused.liquidated)).toBeGreaterThan(0);
      expect(Math.max(...fused.liquidated)).toBeGreaterThan(c.paths / 4);
      expect(inOrderVsAlone(c, (x) => new PathSimulator(x)).differing).toEqual([]);
    }, 120_000);
  }

  it("a book opened at prices that change by path is traded open each time, from the account's opening balance", () => {
    const venue = getVenue({ name: "custom", maintenanceMarginRate: 0.01, takerFee: 0.0005, liquidationFee: 0.01 });
    const legs = [{ slot: 0, dir: 1 as const, size: 2, leverage: 10 }, { slot: 1, dir: -1 as const, size: 30, leverage: 10 }];
    const tally = () => new ModeTally("isolated", venue, ["A", "B"], legs, 10_000);
    const look = (t: ModeTally, prices: Float64Array) => {
      const acc = t.open(prices);
      return { positions: acc.positions(), wallet: acc.walletBalance, totals: acc.ledger.totals(), minEquity: t.minEquity, liq: [acc.liquidationPrice("A"), acc.liquidationPrice("B")] };
    };
    const p1 = Float64Array.of(1000, 100), p2 = Float64Array.of(1100, 90);
    const t = tally();
    for (const [k, prices] of [p1, p1, p2, p1, p2].entries()) {
      const acc = t.open(prices);
      acc.accrueFunding(0, 5, prices[0], 3_600_000);
      acc.checkSegment(3_600_000, 7_200_000, prices, [prices[0] * 0.5, prices[1] * 1.5]); // both legs liquidated
      expect(acc.positions(), `path ${k}`).toEqual([]);
      expect(look(t, prices), `path ${k}`).toEqual(look(tally(), prices));
    }
    expect(look(t, p2).positions[0].entryPrice).toBe(1100);
  });
});
