import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError, isoTime } from "../../src/market/index.ts";
import { parseStressConfig } from "../../src/stress/config.ts";
import { PathSimulator, PATH_FIELDS, runStress } from "../../src/stress/index.ts";

const exec = promisify(execFile);
const CLI = ["--import", "tsx", "src/cli.ts", "stress"];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-strategy-stress-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hedger = () => ({
  venue: "binance",
  initialBalance: 10000,
  strategy: { name: "hedger", params: { long: "BTC", short: "ETH", leverage: 5, weight: 0.4, rebalanceHours: 6 } },
  model: {
    type: "t-garch-jump",
    assets: { BTC: { price: 60000, diffusionVol: 0.6 }, ETH: { price: 3000, diffusionVol: 0.75 } },
    correlation: [[1, 0.8], [0.8, 1]],
  },
  funding: { type: "mean-reverting", settleEveryHours: 8 },
  horizonHours: 72, stepMinutes: 60, paths: 160, seed: 5, modes: ["cross", "isolated"],
});

describe("perpsim stress with a strategy book through the CLI", () => {
  it("writes byte-identical summary.json, paths.csv and samples.csv with --workers 1 and --workers 2", async () => {
    const config = join(dir, "hedger.json");
    await writeFile(config, JSON.stringify(hedger()));
    const [one, two] = [join(dir, "w1"), join(dir, "w2")];
    await exec(process.execPath, [...CLI, "--config", config, "--no-report", "--workers", "1", "--out", one]);
    await exec(process.execPath, [...CLI, "--config", config, "--no-report", "--workers", "2", "--out", two]);
    for (const f of ["summary.json", "paths.csv", "samples.csv"]) expect(await readFile(join(two, f), "utf8")).toBe(await readFile(join(one, f), "utf8"));
    const summary = JSON.parse(await readFile(join(one, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ command: "stress", paths: 160, seed: 5, horizonHours: 72, stepMinutes: 60 });
    const p = summary.paired;
    expect(p.both + p.onlyCross + p.onlyIsolated + p.neither).toBe(160);
    const rows = (await readFile(join(one, "paths.csv"), "utf8")).trim().split("\n");
    expect(rows).toHaveLength(1 + 160 * 2);
    // funding settles every 8 h on synthetic candles (the one at the 72 h horizon has no bar): never all zero
    expect(rows.slice(1).some((r) => Number(r.split(",")[6]) !== 0)).toBe(true);
  }, 120_000);
});

/**
 * A strategy that throws once BTC's close is above `threshold` × its first close. The failing path
 * and bar are found independently from the portfolio kernel's trace of the same market stream
 * (same seed, same closes), with the threshold set between the two highest run-ups so exactly one
 * path throws, whichever worker reaches it first.
 */
describe("a strategy that throws fails the run with its message, path and time", () => {
  const PATHS = 40;
  const HOURS = 48;
  const model = { type: "gbm", assets: { BTC: { price: 100, vol: 0.8 } } };
  const venue = { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 };
  let file: string;
  let threshold: number;
  let expected: { path: number; hour: number };

  beforeAll(async () => {
    // the kernel's closes: a 1x long of 1 % of the balance, never liquidated, traced step by step
    const portfolio = parseStressConfig({
      venue, initialBalance: 10000, portfolio: [{ symbol: "BTC", side: "long", leverage: 1, weight: 0.01 }], model,
      horizonHours: HOURS, stepMinutes: 60, paths: PATHS, seed: 9, modes: ["cross"],
    }, "test").config;
    const sim = new PathSimulator(portfolio);
    const runUps = Array.from({ length: PATHS }, (_, p) => {
      let best = { ratio: 0, hour: 0 };
      sim.run(p, new Float64Array(PATH_FIELDS), 0, (_m, hour, _e, prices) => {
        if (hour > 0 && hour < HOURS && prices[0] / 100 > best.ratio) best = { ratio: prices[0] / 100, hour };
      });
      return { path: p, ...best };
    }).sort((a, b) => b.ratio - a.ratio);
    threshold = (runUps[0].ratio + runUps[1].ratio) / 2;
    expect(runUps[0].path).not.toBe(0); // the run must reach the pool, not only the main-thread check of path 0
    // the first close above the threshold on that path: the strategy sees it in onBar of the bar opening an hour earlier
    let first = Infinity;
    sim.run(runUps[0].path, new Float64Array(PATH_FIELDS), 0, (_m, hour, _e, prices) => {
      if (hour > 0 && hour < HOURS && prices[0] / 100 > threshold && hour < first) first = hour;
    });
    expected = { path: runUps[0].path, hour: first - 1 };

    file = join(dir, "bomb.ts");
    const api = resolve("src/strategy/index.ts");
    await writeFile(file, `import { defineStrategy } from ${JSON.stringify(api)};
export default defineStrategy({
  name: "bomb", description: "throws on a run-up", params: { threshold: 2 },
  onBar(ctx) {
    if (ctx.index === 0) ctx.state.first = ctx.bar("BTC")!.open;
    if (ctx.bar("BTC")!.close > ctx.params.threshold * (ctx.state.first as number)) throw new Error("run-up too far\\nsecond line");
  },
});
`);
  });

  const config = () => ({
    venue, initialBalance: 10000, strategy: { file, params: { threshold } }, model, funding: { type: "none" },
    horizonHours: HOURS, stepMinutes: 60, paths: PATHS, seed: 9, modes: ["cross", "isolated"],
  });
  const message = () =>
    `path ${expected.path}, hour ${expected.hour}: strategy 'bomb' failed at ${isoTime(expected.hour * 3_600_000)} (BTC): run-up too far`;

  it("in this thread: an InputError naming the path, the hour and the strategy's first line", async () => {
    const c = parseStressConfig(config(), "test").config;
    const err = await runStress(c, { workers: 1 }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(message());
  }, 60_000);

  it("on two workers: exit 1, one line, the same message, nothing written", async () => {
    const cfg = join(dir, "bomb.json");
    const out = join(dir, "bomb-out");
    await writeFile(cfg, JSON.stringify(config()));
    const err = await exec(process.execPath, [...CLI, "--config", cfg, "--no-report", "--workers", "2", "--out", out]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(1);
    // off a terminal, progress prints a plain "stress: …" line every 5 s; the error itself is one line
    expect(err!.stderr.trim().split("\n").filter((l) => !/^stress: +\d+%/.test(l))).toEqual([`perpsim stress: ${message()}`]);
    await expect(readFile(join(out, "summary.json"), "utf8")).rejects.toThrow();
  }, 120_000);
});
