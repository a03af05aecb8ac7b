import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

/*
 * `perpsim stress` with --scenario, --sweep and the bootstrap model, end to end. Expected figures come
 * from the recorded crash anchors (reference/montecarlo.md §4), closed forms of funding erosion, and
 * the shipped data files — never from the code's own output.
 */
const exec = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-wire-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => exec(process.execPath, ["--import", "tsx", "src/cli.ts", "stress", ...args], { maxBuffer: 1 << 24 });
const read = (d: string, f: string) => readFile(join(d, f), "utf8");

/** long BTC 10x (liquidated at ≈ −9.5 %) and long ETH 5x (≈ −19.5 %) on a fee-free 0.5 % maintenance venue */
const crashBook = () => ({
  venue: { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 },
  initialBalance: 10000,
  model: { type: "gbm", assets: { BTCUSDT: { price: 60000, vol: 0.5 }, ETHUSDT: { price: 3000, vol: 0.7 } }, correlation: [[1, 0.8], [0.8, 1]] },
  portfolio: [
    { symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.3 },
    { symbol: "ETHUSDT", side: "long", leverage: 5, weight: 0.2 },
  ],
  scenario: "tariff-2025-10-10",
  funding: { type: "none" }, // explicit: a config without it prints a warning line, and these tests count stderr lines
  horizonHours: 72, paths: 200, seed: 11,
});

describe("perpsim stress --scenario with a two-axis --sweep", () => {
  let one: string, two: string;
  beforeAll(async () => {
    const config = join(dir, "crash.json");
    await writeFile(config, JSON.stringify(crashBook()));
    [one, two] = [join(dir, "crash-w1"), join(dir, "crash-w2")];
    const args = ["--config", config, "--sweep", "correlation=0.3,0.9", "--sweep", "leverage=2,10"];
    await cli(...args, "--workers", "1", "--out", one);
    await cli(...args, "--workers", "2", "--out", two);
  }, 240_000);

  it("writes summary.json, sweep.csv, paths.csv, samples.csv and report.html byte-identical for 1 and 2 workers", async () => {
    for (const f of ["summary.json", "sweep.csv", "paths.csv", "samples.csv", "report.html"]) expect(await read(two, f)).toBe(await read(one, f));
    const html = await read(one, "report.html");
    expect(html).toContain("Sweep over correlation"); // the heat map
    const summary = JSON.parse(await read(one, "summary.json"));
    expect(summary.sweep).toEqual({ axes: [{ name: "correlation", values: [0.3, 0.9] }, { name: "leverage", values: [2, 10] }], cells: 4, file: "sweep.csv" });
    expect(summary.settings.scenario).toMatch(/^crash replay tariff-2025-10-10 from hour 24/);
  });

  it("pins every path to the recorded 10/10 crash: BTC at hour 32 = 0.835 × BTC at hour 24 (−16.5 %), ETH 0.78 ×", async () => {
    const rows = (await read(one, "samples.csv")).trim().split("\n").map((l) => l.split(","));
    const col = (name: string) => rows[0].indexOf(name);
    const at = (path: number, hour: number) => rows.find((r) => r[col("path")] === String(path) && r[col("mode")] === "cross" && Number(r[col("hour")]) === hour)!;
    for (let p = 0; p < 5; p++) {
      expect(Number(at(p, 32)[col("BTCUSDT:price")]) / Number(at(p, 24)[col("BTCUSDT:price")])).toBeCloseTo(0.835, 6);
      expect(Number(at(p, 32)[col("ETHUSDT:price")]) / Number(at(p, 24)[col("ETHUSDT:price")])).toBeCloseTo(0.78, 6);
    }
  });

  it("liquidates every isolated 10x BTC leg within the crash window, and the cross account ends near the anchors' loss", async () => {
    const summary = JSON.parse(await read(one, "summary.json"));
    const [cross, isolated] = summary.runs;
    expect(isolated.liquidationProbability).toBe(1);
    expect(isolated.timeToLiquidationHours.median).toBeGreaterThan(24);
    expect(isolated.timeToLiquidationHours.median).toBeLessThanOrEqual(32);
    // the last anchor (hour 35): BTC −5 %, ETH −6.6 % from the crash start; martingale noise around it:
    // E[terminal] = 10000 − 30000 × 0.05 − 10000 × 0.066 = 7840; sd ≈ 1500 over 200 paths → 4 se ≈ 430
    expect(cross.liquidationProbability).toBeLessThan(0.05);
    expect(Math.abs(cross.terminalEquity.mean - 7840)).toBeLessThan(430);
  });

  it("sweeps on the crash: 10x legs are all liquidated in isolated mode, 2x legs (−49.5 % away) never", async () => {
    const lines = (await read(one, "sweep.csv")).trim().split("\n");
    expect(lines[0]).toBe("param:correlation,param:leverage,mode,liquidationProbability,ci95Low,ci95High,wipeoutProbability,paths");
    const cells = lines.slice(1).map((l) => l.split(","));
    expect(cells.map((c) => c.slice(0, 3).join(","))).toEqual([
      "0.3,2,cross", "0.3,2,isolated", "0.3,10,cross", "0.3,10,isolated", "0.9,2,cross", "0.9,2,isolated", "0.9,10,cross", "0.9,10,isolated",
    ]);
    for (const c of cells) {
      if (c[1] === "10" && c[2] === "isolated") expect(Number(c[3])).toBe(1);
      if (c[1] === "2") expect(Number(c[3])).toBe(0);
      expect(c[7]).toBe("200");
    }
  });
});

describe("perpsim stress --scenario funding-squeeze: funding alone eats the margin at the closed-form hour", () => {
  it("0.3 %/8h on a 10x long: isolated (margin 4000) at the 32nd settlement, cross (wallet 10000) at the 82nd", async () => {
    const config = join(dir, "squeeze.json");
    await writeFile(config, JSON.stringify({
      venue: { name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 },
      initialBalance: 10000,
      model: { type: "gbm", assets: { BTCUSDT: { price: 60000, vol: 0.0001 } } },
      portfolio: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.4 }],
      horizonHours: 720, paths: 20, seed: 2,
    }));
    const out = join(dir, "squeeze");
    await cli("--config", config, "--workers", "1", "--no-report", "--out", out, "--scenario", '{"type":"funding-squeeze","ratePer8h":0.003,"hours":720}');
    const summary = JSON.parse(await read(out, "summary.json"));
    const [cross, isolated] = summary.runs;
    // each settlement takes 40000 × 0.003 = 120; maintenance 0.005 × 40000 = 200
    // isolated: 4000 − 120k < 200 → k = 32 (hour 256); cross: 10000 − 120k < 200 → k = 82 (hour 656)
    expect(isolated.liquidationProbability).toBe(1);
    expect(isolated.timeToLiquidationHours.median).toBe(256);
    expect(cross.liquidationProbability).toBe(1);
    expect(cross.timeToLiquidationHours.median).toBe(656);
    expect(isolated.fundingPaid.mean).toBeCloseTo(32 * 120, 0);
    expect(cross.fundingPaid.mean).toBeCloseTo(82 * 120, 0);
  }, 60_000);
});

describe("perpsim stress with model bootstrap of BTC/ETH Q1 2024", () => {
  it("starts from the history's last closes, samples its funding, and is byte-identical for 1 and 2 workers", async () => {
    const config = join(dir, "boot.json");
    await writeFile(config, JSON.stringify({
      venue: "binance", initialBalance: 10000,
      model: { type: "bootstrap", symbols: ["BTCUSDT", "ETHUSDT"], from: "2024-01-01", to: "2024-04-01", meanBlockHours: 48 },
      portfolio: [{ symbol: "BTCUSDT", side: "long", leverage: 5, weight: 0.3 }, { symbol: "ETHUSDT", side: "short", leverage: 5, weight: 0.3 }],
      horizonHours: 168, paths: 120, seed: 5,
    }));
    const [one, two] = [join(dir, "boot-w1"), join(dir, "boot-w2")];
    await cli("--config", config, "--workers", "1", "--no-report", "--out", one);
    await cli("--config", config, "--workers", "2", "--no-report", "--out", two);
    for (const f of ["summary.json", "paths.csv", "samples.csv"]) expect(await read(two, f)).toBe(await read(one, f));
    const summary = JSON.parse(await read(one, "summary.json"));
    // data/binance-usdm/klines-1h: the 2024-03-31 23:00 UTC bars close at 71363 (BTC) and 3648.79 (ETH)
    expect(summary.model.assets.map((a: { price: number }) => a.price)).toEqual([71363, 3648.79]);
    // 91 days of hourly bars = 2184 bars = 2183 joint returns
    expect(summary.model.history).toMatchObject({ hours: 2183, firstHour: "2024-01-01T00:00:00.000Z", lastHour: "2024-03-31T23:00:00.000Z" });
    expect(summary.settings.funding).toMatch(/recorded rate/);
    // Q1 2024 funding was positive almost every hour: the long BTC leg pays, the short ETH leg receives
    const paths = (await read(one, "paths.csv")).trim().split("\n").slice(1).map((l) => l.split(","));
    expect(paths.filter((r) => Number(r[6]) !== 0).length).toBeGreaterThan(0.9 * paths.length);
  }, 120_000);
});

describe("perpsim stress: bad --sweep / --scenario / bootstrap model is one line, exit 1, nothing written", () => {
  const configFile = () => join(dir, "bad-base.json");
  beforeAll(async () => {
    const c = crashBook() as Record<string, unknown>;
    delete c.scenario;
    await writeFile(configFile(), JSON.stringify(c));
    await writeFile(join(dir, "bad-boot.json"), JSON.stringify({ ...c, model: { type: "bootstrap", symbols: ["BTCUSDT", "ETHUSDT"], to: "2024-04-01" } }));
  });
  const cases: [string, () => string[], RegExp][] = [
    ["unknown sweep parameter", () => ["--config", configFile(), "--sweep", "colour=1,2"], /^--sweep colour=1,2: unknown parameter 'colour'/],
    ["sweep value not a number", () => ["--config", configFile(), "--sweep", "leverage=2,x"], /'x' is not a number/],
    ["the same parameter twice", () => ["--config", configFile(), "--sweep", "leverage=2", "--sweep", "leverage=5"], /--sweep leverage given twice/],
    ["three axes", () => ["--config", configFile(), "--sweep", "leverage=2", "--sweep", "weight=0.1", "--sweep", "correlation=0.5"], /one or two parameters, got 3/],
    ["a cell beyond the venue's maximum leverage", () => ["--config", configFile(), "--sweep", "leverage=5,5000"], /leverage 5000/],
    ["unknown scenario", () => ["--config", configFile(), "--scenario", "meteor"], /^--scenario: unknown scenario "meteor" \(known: correlation-spike/],
    ["scenario JSON missing a field", () => ["--config", configFile(), "--scenario", '{"type":"correlation-spike"}'], /^--scenario: scenario\.target: is required/],
    ["scenario JSON malformed", () => ["--config", configFile(), "--scenario", '{"type":'], /^--scenario:(1:\d+:)? invalid JSON/],
    ["the SPAN grid is not a path scenario", () => ["--config", configFile(), "--scenario", "span-grid"], /perpsim scenarios grid --config FILE --scenario span-grid/],
    ["a squeeze at the cap of a venue without one", () => ["--config", configFile(), "--scenario", '{"type":"funding-squeeze","hours":100}'], /scenario: .*publishes no funding cap/],
    ["bootstrap without from", () => ["--config", join(dir, "bad-boot.json")], /bad-boot\.json: model\.from: is required/],
  ];
  for (const [label, args, message] of cases) {
    it(label, async () => {
      const out = join(dir, `out-${label.replace(/\W+/g, "-")}`);
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      const logs = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        expect(await main(["stress", ...args(), "--out", out, "--workers", "1"])).toBe(1);
        expect(errors).toHaveBeenCalledTimes(1);
        const line = String(errors.mock.calls[0][0]).replace(/^perpsim stress: /, "");
        expect(line).not.toContain("\n");
        expect(line).toMatch(message);
        expect(existsSync(out)).toBe(false);
      } finally {
        errors.mockRestore();
        logs.mockRestore();
      }
    });
  }
});
