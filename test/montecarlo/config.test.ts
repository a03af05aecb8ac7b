import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/market/errors.ts";
import { readStressConfig } from "../../src/cli/stressConfigFile.ts";
import { maxPathsInMemory, parseStressConfig } from "../../src/stress/config.ts";

const ssw = JSON.parse(readFileSync(new URL("../../bench/ssw.json", import.meta.url), "utf8"));
const clone = () => structuredClone(ssw);

describe("stress config", () => {
  it("accepts the benchmark config exactly as written", async () => {
    const { config, warnings } = await readStressConfig("bench/ssw.json");
    expect(warnings).toEqual([]);
    expect(config.steps).toBe(2160);
    expect(config.paths).toBe(10000);
    expect(config.seed).toBe(7);
    expect(config.modes).toEqual(["cross", "isolated"]);
    expect(config.funding).toEqual({ type: "constant", ratePer8h: 0.0001, settleEveryHours: 1 });
    expect(config.book).toEqual({ kind: "portfolio", legs: ssw.portfolio });
    expect(config.model).toMatchObject({ type: "t-garch-jump", nu: 4, garch: false, jumps: false, regimes: false });
    if (config.model.type !== "t-garch-jump") throw new Error("type");
    expect(config.model.assets.map((a) => [a.symbol, a.vol])).toEqual([["BTC", 0.6], ["ETH", 0.75], ["SOL", 1]]);
  });

  it("accepts every example", async () => {
    for (const f of ["long-btc-gbm", "crypto-beta-full-model", "crash-regime-hedge"]) {
      await expect(readStressConfig(`examples/stress/${f}.json`)).resolves.toBeDefined();
    }
  });

  it("fills defaults: full t-garch-jump model, calm correlations, both modes", () => {
    const { config } = parseStressConfig({ venue: "binance", initialBalance: 1000, portfolio: [{ symbol: "ETH", side: "long", leverage: 3, weight: 1 }], model: { assets: { BTC: { price: 1 }, ETH: { price: 2 } } } });
    expect(config.modes).toEqual(["cross", "isolated"]);
    expect(config.model).toMatchObject({ type: "t-garch-jump", nu: 4, correlation: [[1, 0.8], [0.8, 1]], garch: { alpha: 0.12, beta: 0.85 } });
    expect(config.funding).toEqual({ type: "none" });
  });

  it.each([
    ["unknown model", (c: any) => (c.model.type = "heston"), "model.type: unknown model \"heston\""],
    ["unknown field", (c: any) => (c.model.volatility = 1), "model.volatility: unknown field"],
    ["unknown top-level field", (c: any) => (c.pathz = 1), "pathz: unknown field"],
    ["gbm with a t-model field", (c: any) => (c.model.type = "gbm"), "model.nu: unknown field for model type gbm"],
    ["correlation not square", (c: any) => (c.model.correlation[1] = [0.8, 1]), "model.correlation[1]: must have 3 entries"],
    ["correlation out of range", (c: any) => (c.model.correlation[0][2] = c.model.correlation[2][0] = 1.5), "model.correlation[0][2]: must be in [-1, 1]"],
    ["non-positive vol", (c: any) => (c.model.assets.BTC.diffusionVol = 0), "model.assets.BTC.diffusionVol: must be > 0"],
    ["non-positive price", (c: any) => (c.model.assets.SOL.price = -1), "model.assets.SOL.price: must be > 0"],
    ["weights above 1 in isolated mode", (c: any) => (c.portfolio[0].weight = 0.8), "portfolio: weights sum to 1.1, above 1"],
    ["wrong type", (c: any) => (c.horizonHours = "90d"), "horizonHours: must be a number"],
    ["unknown mode", (c: any) => (c.modes = ["cross", "portfolio"]), "modes[1]: must be \"cross\" or \"isolated\""],
    ["symbol without a model asset", (c: any) => (c.portfolio[0].symbol = "DOGE"), "portfolio[0].symbol: \"DOGE\" is not an asset"],
    ["uneven steps", (c: any) => (c.stepMinutes = 7), "stepMinutes: must divide the horizon"],
    ["nu too small", (c: any) => (c.model.nu = 2), "model.nu: must be > 2"],
    ["custom venue without a rate", (c: any) => delete c.venue.maintenanceMarginRate, "venue.maintenanceMarginRate: is required"],
  ])("rejects %s with a one-line error naming the field", (_label, edit, message) => {
    const c = clone();
    edit(c);
    let error: unknown;
    try {
      parseStressConfig(c, "ssw.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`ssw.json: ${message}`);
    expect((error as Error).message).not.toContain("\n");
  });

  it("allows weights above 1 in cross-only runs", () => {
    const c = clone();
    c.portfolio[0].weight = 0.8;
    c.modes = ["cross"];
    expect(parseStressConfig(c).config.book.kind).toBe("portfolio");
  });

  it("repairs a non-PSD correlation with a warning", () => {
    const c = clone();
    c.model.correlation = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]];
    const { config, warnings } = parseStressConfig(c, "x.json");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^x\.json: model\.correlation: not positive semi-definite/);
    expect(config.model.correlation[0][0]).toBe(1);
    expect(config.model.correlation[0][1]).toBeLessThan(0.9);
  });

  it("applies --paths and --seed overrides and sizes the memory limit by modes", () => {
    const { config } = parseStressConfig(clone(), "c", { paths: 123, seed: 9 });
    expect([config.paths, config.seed]).toEqual([123, 9]);
    expect(maxPathsInMemory(2, 16 * 2 ** 30)).toBe(Math.floor((4 * 2 ** 30) / 328));
  });

  it("takes the memory limit from its caller: 1 GiB over 2 modes holds ⌊2^28 / 328⌋ = 818,400 paths", () => {
    const limits = { memoryBytes: 2 ** 30 };
    expect(parseStressConfig(clone(), "c", { paths: 818_400 }, undefined, limits).config.paths).toBe(818_400);
    expect(() => parseStressConfig(clone(), "c", { paths: 818_401 }, undefined, limits)).toThrow(/^c: paths: 818401 paths need about 0\.3 GiB .*at most 818400 fit/);
    expect(parseStressConfig(clone(), "c", { paths: 818_401 }).config.paths).toBe(818_401); // no limit given: none applied
  });

  it("names line and column of broken JSON", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const f = join(mkdtempSync(join(tmpdir(), "mc-")), "bad.json");
    writeFileSync(f, '{\n  "paths": 10,\n  "seed": ,\n}');
    await expect(readStressConfig(f)).rejects.toThrow(/bad\.json:3:\d+: invalid JSON/);
  });
});

describe("stress config: funding defaults follow the venue", () => {
  const base = (venue: unknown, funding?: unknown) => ({
    venue, initialBalance: 1000, portfolio: [{ symbol: "BTC", side: "long", leverage: 3, weight: 1 }],
    model: { type: "gbm", assets: { BTC: { price: 50000, vol: 0.6 } } }, ...(funding === undefined ? {} : { funding }),
  });

  it.each([
    ["hyperliquid", "hyperliquid", 1],
    ["binance", "binance", 8],
    ["custom with fundingIntervalHours 4", { name: "custom", maintenanceMarginRate: 0.01, fundingIntervalHours: 4 }, 4],
  ])("%s: settleEveryHours defaults to the venue's funding interval", (_label, venue, hours) => {
    for (const funding of [{ type: "constant", ratePer8h: 0.0001 }, { type: "mean-reverting" }]) {
      const { config, warnings } = parseStressConfig(base(venue, funding), "c.json");
      expect((config.funding as { settleEveryHours: number }).settleEveryHours).toBe(hours);
      expect(config.fundingSource).toBe("config");
      expect(warnings).toEqual([]);
    }
  });

  it("an explicit settleEveryHours wins over the venue's", () => {
    const { config } = parseStressConfig(base("hyperliquid", { type: "constant", ratePer8h: 0.0001, settleEveryHours: 8 }), "c.json");
    expect(config.funding).toEqual({ type: "constant", ratePer8h: 0.0001, settleEveryHours: 8 });
  });

  it("no funding block: funding none is a stated assumption (a warning naming the file and field)", () => {
    const { config, warnings } = parseStressConfig(base("binance"), "c.json");
    expect(config.funding).toEqual({ type: "none" });
    expect(config.fundingSource).toBe("default");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^c\.json: funding: no funding block; assuming no funding at all/);
  });

  it("no funding block under a funding squeeze or a crash replay: the scenario's funding, no warning", () => {
    for (const scenario of ["funding-squeeze", "tariff-2025-10-10"]) {
      const { warnings } = parseStressConfig(base("binance"), "c.json", { scenario });
      expect(warnings).toEqual([]);
    }
    expect(parseStressConfig(base("binance"), "c.json", { scenario: "correlation-spike" }).warnings).toHaveLength(1);
  });

  it("an unknown venue is a one-line error naming the file and field", () => {
    expect(() => parseStressConfig(base("binancee"), "c.json")).toThrow(/^c\.json: venue: unknown venue 'binancee'/);
  });
});
