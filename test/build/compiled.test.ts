/**
 * The compiled build (scripts/build.mjs → dist/cli.js + dist/worker.js): built here into a temporary
 * folder, it must give the same bytes as the TypeScript sources under tsx, start its pool threads from
 * the bundled worker, load a user's .ts strategy file, and leave vega and danfojs out of `liq`.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module without type declarations
import { build } from "../../scripts/build.mjs";
import { standardBook } from "../montecarlo/fixtures/standardBook.ts";

const run = promisify(execFile);
let dir: string;
let dist: string;
beforeAll(async () => {
  // inside the project (test-output/ is git-ignored): the bundle resolves its npm packages from node_modules
  await mkdir("test-output", { recursive: true });
  dir = await mkdtemp(join(resolve("test-output"), "build-"));
  dist = await build(join(dir, "dist"));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = standardBook({ horizonHours: 480, paths: 120, seed: 11 });

describe("the compiled CLI (dist/cli.js)", () => {
  it("writes the same stress bytes with 2 bundled workers as the sources under tsx with 1", async () => {
    const file = join(dir, "stress.json");
    await writeFile(file, JSON.stringify(config));
    const args = ["stress", "--config", file, "--no-report"];
    await run(process.execPath, [join(dist, "cli.js"), ...args, "--workers", "2", "--out", join(dir, "compiled")]);
    await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args, "--workers", "1", "--out", join(dir, "tsx")]);
    for (const f of ["summary.json", "paths.csv", "samples.csv"])
      expect(await readFile(join(dir, "compiled", f), "utf8")).toBe(await readFile(join(dir, "tsx", f), "utf8"));
    const rows = (await readFile(join(dir, "compiled", "paths.csv"), "utf8")).trim().split("\n");
    expect(rows).toHaveLength(1 + 120 * 2);
  }, 120_000);

  it("loads a user's .ts strategy file (through tsx's hooks) in the main thread and in bundled workers", async () => {
    const file = join(dir, "strategy.json");
    await writeFile(file, JSON.stringify({
      ...config, portfolio: undefined, paths: 8,
      strategy: { file: "strategies/hedger.ts", params: { long: "BTC", short: "ETH", leverage: 5, weight: 0.4, rebalanceHours: 24, band: 0.1 } },
      model: { ...config.model, assets: { BTC: config.model.assets.BTC, ETH: config.model.assets.ETH }, correlation: [[1, 0.8], [0.8, 1]] },
    }));
    const args = ["stress", "--config", file, "--no-report", "--workers", "2"];
    const byName = join(dir, "by-name.json");
    await writeFile(byName, (await readFile(file, "utf8")).replace('"file":"strategies/hedger.ts"', '"name":"hedger"'));
    await run(process.execPath, [join(dist, "cli.js"), ...args, "--out", join(dir, "file")]);
    await run(process.execPath, [join(dist, "cli.js"), "stress", "--config", byName, "--no-report", "--workers", "1", "--out", join(dir, "name")]);
    // the built-in hedger (bundled) and strategies/hedger.ts (compiled by tsx at run time) are the same code
    expect(await readFile(join(dir, "file", "paths.csv"), "utf8")).toBe(await readFile(join(dir, "name", "paths.csv"), "utf8"));
  }, 120_000);

  it("runs a strategy file outside the project that imports from \"perpsim\"", async () => {
    const outside = await mkdtemp(join(tmpdir(), "perpsim-user-strategy-"));
    try {
      const file = join(outside, "mine.ts");
      await writeFile(file, 'import { defineStrategy } from "perpsim";\nexport default defineStrategy({ name: "mine", description: "holds nothing", params: {}, onBar() {} });\n');
      const out = join(dir, "mine");
      await run(process.execPath, [join(dist, "cli.js"), "backtest", "--strategy", file, "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-03", "--out", out]);
      const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
      expect(summary.strategy).toBe("mine");
      expect(summary.runs.map((r: { liquidations: unknown[] }) => r.liquidations.length)).toEqual([0, 0]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  }, 120_000);

  it("keeps vega, vega-lite and danfojs out of the modules `liq` loads", async () => {
    const liqArgs = ["liq", "--venue", "binance", "--side", "long", "--entry", "50000", "--size", "0.2", "--leverage", "10", "--balance", "10000"];
    const { stdout } = await run(process.execPath, [join(dist, "cli.js"), ...liqArgs]);
    expect(stdout).toContain("45,180.7 "); // 6 significant figures where the table has no tick
    // statically: the chunks reachable from cli.js without a dynamic import() plus liq's own chunk name no heavy package
    const files = await readdir(dist);
    const liq = files.find((f) => f.startsWith("liq-"))!;
    const seen = new Set<string>();
    const visit = async (f: string): Promise<void> => {
      if (seen.has(f)) return;
      seen.add(f);
      const text = await readFile(join(dist, f), "utf8");
      for (const m of text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gms)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith("./")) await visit(spec.slice(2));
        else expect(spec, `${f} imports ${spec} statically`).not.toMatch(/^(vega|vega-lite|danfojs-node|piscina|bullmq|ioredis)$/);
      }
    };
    await visit("cli.js");
    await visit(liq);
    expect(seen.size).toBeGreaterThan(2);
  }, 120_000);
});
