import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { normCdf } from "../../src/paths/math.ts";
import { defaultSweep, defineStrategy } from "../../src/strategy/index.ts";

/*
 * `perpsim stress --sweep` over a strategy book's own params, through the command line: names, types
 * and ranges come from the strategy's declarations; `--sweep NAME` alone runs the param's default sweep.
 */
const API = join(import.meta.dirname, "../../src/strategy/index.ts");
const STRATEGY = `import { defineStrategy } from ${JSON.stringify(API)};
export default defineStrategy({
  name: "levlong", description: "one isolated long at the given leverage, held",
  params: {
    leverage: { type: "number", default: 2, min: 1, max: 100, sweep: [1, 100] },
    weight: { type: "number", default: 0.5, above: 0, max: 0.5 },
    spare: { type: "number", default: 1, min: 1, max: 4, integer: true },
    side: { type: "string", default: "long", oneOf: ["long", "short"] },
  },
  validate(p) { if (p.leverage * p.weight > 40) throw new Error("leverage × weight must be at most 40"); },
  init(ctx) {
    ctx.open({ symbol: "BTC", side: ctx.params.side, margin: ctx.initialBalance * ctx.params.weight, leverage: ctx.params.leverage, mode: "isolated" });
  },
  onBar() {},
});
`;

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-sweep-"));
  await writeFile(join(dir, "levlong.ts"), STRATEGY);
  config = join(dir, "run.json");
  await writeFile(config, JSON.stringify({
    venue: { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 }, initialBalance: 10000,
    strategy: { file: join(dir, "levlong.ts"), params: { weight: 0.1 } },
    model: { type: "gbm", assets: { BTC: { price: 60000, vol: 0.6 } } },
    funding: { type: "none" }, horizonHours: 48, stepMinutes: 60, paths: 200, seed: 3, modes: ["isolated"],
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exec = promisify(execFile);
/** A whole run as a user starts it (the pool's threads load the strategy file themselves). */
const cli = (...args: string[]) => exec(process.execPath, ["--import", "tsx", "src/cli.ts", "stress", "--config", config, "--workers", "1", ...args], { maxBuffer: 1 << 24 });

/** A refused stress run in-process: its exit status, stderr lines and stdout. */
async function stress(...args: string[]) {
  const errors: string[] = [];
  const logs: string[] = [];
  const e = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void errors.push(a.join(" ")));
  const l = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void logs.push(a.join(" ")));
  try {
    return { status: await main(["stress", "--config", config, "--workers", "1", ...args]), errors, logs: logs.join("\n") };
  } finally {
    e.mockRestore();
    l.mockRestore();
  }
}

describe("the default sweep of a number param, from its declaration", () => {
  it("a declared sweep; else evenly over a range with two ends, excluded ends not taken; else none", () => {
    const s = defineStrategy({
      name: "specs", description: "",
      params: {
        declared: { type: "number", default: 5, above: 0, sweep: [2, 5, 10] },
        closed: { type: "number", default: 1, min: 0, max: 2 },
        open: { type: "number", default: 0.5, above: 0, below: 1 },
        halfOpen: { type: "number", default: 0.2, above: 0, max: 0.5 },
        whole: { type: "number", default: 2, min: 0, max: 6, integer: true },
        unbounded: { type: "number", default: 1, min: 0 },
      },
      onBar() {},
    });
    const sweep = (k: string) => defaultSweep(s.params[k] as Parameters<typeof defaultSweep>[0]);
    expect(sweep("declared")).toEqual([2, 5, 10]);
    expect(sweep("closed")).toEqual([0, 0.5, 1, 1.5, 2]); // 4 gaps over [0, 2]
    expect(sweep("open")).toEqual([0.1667, 0.3333, 0.5, 0.6667, 0.8333]); // 6 gaps over (0, 1): k/6, 4 digits
    expect(sweep("halfOpen")).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]); // 5 gaps over (0, 0.5]
    expect(sweep("whole")).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sweep("unbounded")).toBeNull();
  });

  it("a declared sweep outside the param's range is refused when the strategy is defined", () => {
    expect(() => defineStrategy({ name: "bad", description: "", params: { x: { type: "number", default: 1, min: 1, sweep: [0, 1] } }, onBar() {} }))
      .toThrow("defineStrategy(bad): 'x' must be ≥ 1 (got 0)");
  });
});

describe("perpsim stress --sweep over a strategy's params", () => {
  const bad: [string, string[], string][] = [
    ["an unknown name, listing what can be swept with ranges", ["colour=1,2"],
      "--sweep colour=1,2: strategy 'levlong' has no parameter 'colour'; sweepable: correlation, leverage (in [1, 100]), weight (in (0, 0.5]), spare (a whole number in [1, 4])"],
    ["a param that is not a number", ["side=1,2"], "--sweep side=1,2: 'side' of strategy 'levlong' is a string parameter, not a number; sweepable: correlation, leverage (in [1, 100]), weight (in (0, 0.5]), spare (a whole number in [1, 4])"],
    ["a value out of range, naming the range", ["leverage=50,150"], "--sweep leverage=50,150: 'leverage' must be in [1, 100] (got 150)"],
    ["a fraction for a whole-number param", ["spare=1,2.5"], "--sweep spare=1,2.5: 'spare' must be a whole number in [1, 4] (got 2.5)"],
    ["a cell the strategy's own check refuses, naming the cell", ["leverage=10,100", "weight=0.1,0.5"], "--sweep leverage=100, weight=0.5: leverage × weight must be at most 40"],
  ];
  for (const [label, sweeps, message] of bad) {
    it(`${label}: one line, exit 1, nothing written`, async () => {
      const out = join(dir, `bad-${label.replace(/\W+/g, "-")}`);
      const r = await stress(...sweeps.flatMap((s) => ["--sweep", s]), "--out", out);
      expect(r.status).toBe(1);
      expect(r.errors).toEqual([`perpsim stress: ${message}`]);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("--sweep NAME alone runs the declared values: 1x is never liquidated, 100x as often as the closed form says", async () => {
    const out = join(dir, "lev");
    await cli("--sweep", "leverage", "--out", out);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
    expect(summary.sweep.axes).toEqual([{ name: "leverage", values: [1, 100] }]);
    const rows = (await readFile(join(out, "sweep.csv"), "utf8")).trim().split("\n");
    expect(rows[0]).toBe("param:leverage,mode,liquidationProbability,ci95Low,ci95High,wipeoutProbability,paths");
    const [one, hundred] = rows.slice(1).map((l) => l.split(","));
    // 1x: margin = notional, so the liquidation price is 0
    expect(one.slice(0, 3)).toEqual(["1", "isolated", "0"]);
    // 100x on a 0.5 % maintenance venue: margin + size·(P − P0) = 0.005·size·P at P = P0·0.99/0.995; the
    // candles' lows are the Brownian bridge's exact minima, so the chance is the first passage of
    // log-price (drift −σ²/2, vol σ = 0.6 a year) below −a within 48 h
    const a = Math.log(0.995 / 0.99);
    const T = 48 / 8760;
    const mu = -0.18;
    const sd = 0.6 * Math.sqrt(T);
    const passage = normCdf((-a - mu * T) / sd) + Math.exp((-2 * mu * a) / 0.36) * normCdf((-a + mu * T) / sd);
    expect(passage).toBeCloseTo(0.912, 3);
    expect(hundred[0]).toBe("100");
    expect(Number(hundred[3])).toBeLessThanOrEqual(passage);
    expect(Number(hundred[4])).toBeGreaterThanOrEqual(passage);
  }, 120_000);

  it("a whole-number param's default sweep is every whole number of its range", async () => {
    const out = join(dir, "spare");
    await cli("--sweep", "spare", "--paths", "4", "--out", out);
    expect(JSON.parse(await readFile(join(out, "summary.json"), "utf8")).sweep.axes).toEqual([{ name: "spare", values: [1, 2, 3, 4] }]);
  }, 120_000);
});
