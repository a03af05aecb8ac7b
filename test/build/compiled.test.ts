/**
 * The compiled build (scripts/build.mjs → dist/): built here into a temporary folder, it must give the
 * same bytes as the TypeScript sources under tsx, run every command and every thread it starts (pool
 * workers, the backtest and stress-probe threads, the report's renderer, shipped strategies) without
 * loading a single .ts file or tsx — checked by running it with fixtures/noTypeScript.mjs preloaded,
 * which fails any such load in every thread — still load a user's .ts strategy file through tsx, and
 * leave vega and danfojs out of `liq`.
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
/** preloaded into a dist run: resolving tsx or loading a .ts file fails, in the main thread and in every worker thread */
const NO_TYPESCRIPT = ["--import", resolve("test/build/fixtures/noTypeScript.mjs")];
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
    await run(process.execPath, [...NO_TYPESCRIPT, join(dist, "cli.js"), ...args, "--workers", "2", "--out", join(dir, "compiled")]);
    await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args, "--workers", "1", "--out", join(dir, "tsx")]);
    for (const f of ["summary.json", "paths.csv", "samples.csv"])
      expect(await readFile(join(dir, "compiled", f), "utf8")).toBe(await readFile(join(dir, "tsx", f), "utf8"));
    const rows = (await readFile(join(dir, "compiled", "paths.csv"), "utf8")).trim().split("\n");
    expect(rows).toHaveLength(1 + 120 * 2);
  }, 120_000);

  it("starts the stress pool's threads under V8's default flags and loads their bundle past the gate (threads/tuning.ts)", async () => {
    const file = join(dir, "stress.json");
    await writeFile(file, JSON.stringify(config));
    const { stderr } = await run(process.execPath, ["--import", resolve("test/build/fixtures/bootTag.mjs"), join(dist, "cli.js"), "stress", "--config", file, "--no-report", "--workers", "2", "--out", join(dir, "boot")]);
    const tags = [...stderr.matchAll(/^boot-tag (main|thread) ([0-9a-f]+)$/gm)].map((m) => [m[1], m[2]]);
    const main = tags.find(([who]) => who === "main")![1];
    expect(tags.filter(([who]) => who === "thread")).toEqual([["thread", main], ["thread", main]]); // the two pool threads, booted before any flag was set
    // the pool thread's stub passes the gate after Node's modules and before its bundle (a stub without it leaves the main thread waiting out the gate's 2 s)
    const stub = await readFile(join(dist, "worker-thread.cjs"), "utf8");
    expect(stub.indexOf("passGate();")).toBeGreaterThan(stub.lastIndexOf('require("node:'));
    expect(stub.indexOf("passGate();")).toBeLessThan(stub.indexOf("runScript(new URL("));
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
    // by name, the shipped hedger is its bundle dist/strategy-hedger.js, in the probe thread, this thread and the pool's
    await run(process.execPath, [...NO_TYPESCRIPT, join(dist, "cli.js"), "stress", "--config", byName, "--no-report", "--workers", "2", "--out", join(dir, "name")]);
    // the shipped hedger (bundled) and strategies/hedger.ts (compiled by tsx at run time) are the same code
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
    const { stdout } = await run(process.execPath, [...NO_TYPESCRIPT, join(dist, "cli.js"), ...liqArgs]);
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
      // vega is bundled into the report renderer's chunk (esbuild names each bundled package's files in a comment)
      expect(text, `${f} holds vega's code`).not.toMatch(/node_modules\/vega/);
    };
    await visit("cli.js");
    await visit(liq);
    expect(seen.size).toBeGreaterThan(2);
  }, 120_000);
});

describe("the compiled CLI without TypeScript", () => {
  const backtestArgs = (out: string) => [
    "backtest", "--strategy", "hold", "--params", '{"legs":[{"symbol":"BTCUSDT","side":"long","leverage":10,"weight":0.1}]}',
    "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-15", "--modes", "cross,isolated", "--out", out,
  ];

  it("runs a backtest (its thread, the shipped strategy, the report's two renderers) to the same bytes as the sources under tsx", async () => {
    const twoRenderers = { env: { ...process.env, PERPSIM_RENDER_THREADS: "2" } }; // whatever the machine's load
    await run(process.execPath, [...NO_TYPESCRIPT, join(dist, "cli.js"), ...backtestArgs(join(dir, "bt-compiled"))], twoRenderers);
    await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...backtestArgs(join(dir, "bt-tsx"))]);
    const files = (await readdir(join(dir, "bt-tsx"))).filter((f) => !f.startsWith(".")).sort();
    expect(files).toEqual(["candles.csv", "equity.csv", "events.csv", "report.html", "summary.json", "trades.csv"]);
    for (const f of files) expect(await readFile(join(dir, "bt-compiled", f), "utf8"), f).toBe(await readFile(join(dir, "bt-tsx", f), "utf8"));
    expect((await readFile(join(dir, "bt-compiled", "report.html"), "utf8")).match(/<svg/g)!.length).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it("would notice a .ts file loaded: a user's strategy file fails under the same preload (and the process exits: the renderer thread started early holds nothing)", async () => {
    const out = join(dir, "user-ts");
    const failed = await run(process.execPath, [...NO_TYPESCRIPT, join(dist, "cli.js"), "backtest", "--strategy", "strategies/hold.ts",
      "--params", '{"legs":[{"symbol":"BTCUSDT","side":"long","leverage":10,"weight":0.1}]}', "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-03", "--out", out]).then(() => null, (err: { stderr: string }) => err);
    expect(failed?.stderr).toMatch(/NO-TYPESCRIPT/);
  }, 120_000);

  it("loads a shipped strategy whose file changed since the build through tsx, as edited", async () => {
    // a second build whose manifest records another hash for hold.ts: its bundle is stale and must not be used
    const stale = await build(join(dir, "dist-stale"));
    const manifestFile = join(stale, "strategies.json");
    const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
    manifest.hold.inputs["hold.ts"] = "0".repeat(64);
    await writeFile(manifestFile, JSON.stringify(manifest));
    const refused = await run(process.execPath, [...NO_TYPESCRIPT, join(stale, "cli.js"), ...backtestArgs(join(dir, "stale-no-ts"))]).then(() => null, (err: { stderr: string }) => err);
    expect(refused?.stderr).toMatch(/--strategy hold: cannot load: NO-TYPESCRIPT: tsx resolved/); // it reached for tsx, to load strategies/hold.ts
    await run(process.execPath, [join(stale, "cli.js"), ...backtestArgs(join(dir, "stale"))]);
    expect(await readFile(join(dir, "stale", "summary.json"), "utf8")).toBe(await readFile(join(dir, "bt-tsx", "summary.json"), "utf8"));
  }, 120_000);
});

describe("scripts/build.mjs", () => {
  it("replaces the output folder whole: nothing of an earlier build stays", async () => {
    const out = join(dir, "dist-again");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "chunk-STALE000.js"), "export {};\n");
    await build(out);
    const files = await readdir(out);
    expect(files).not.toContain("chunk-STALE000.js");
    expect(files).toEqual(expect.arrayContaining(["cli.js", "worker-thread.cjs", "thread-backtest.js", "thread-stress-probe.js", "thread-render.js", "strategies.json", "strategy-hold.js"]));
    expect((await readdir(dir)).filter((f) => f.includes(".build-"))).toEqual([]); // no temporary folder left beside it
  }, 120_000);
});
