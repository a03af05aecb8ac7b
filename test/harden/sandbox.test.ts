/**
 * Issue 16, rows 5, 8 and 17 (process.exit): strategy code runs where Ctrl-C, --timeout and a heap limit
 * can stop it; each ends in one line with nothing written.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ls, oneLine, ROOT, spawnCli } from "./cli.ts";

const work = mkdtempSync(join(tmpdir(), "perpsim-sandbox-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const strategy = (name: string, onBar: string, prelude = "", init = "") => {
  const file = join(work, `${name}.mts`); // .mts: an ES module wherever it lies (no package.json above /tmp)
  writeFileSync(file, `import { defineStrategy } from ${JSON.stringify(join(ROOT, "src/strategy/index.ts"))};\n${prelude}\nexport default defineStrategy({ name: ${JSON.stringify(name)}, params: {}, init() { ${init} }, onBar() { ${onBar} } });\n`);
  return file;
};
const LOOP = strategy("loop", "for (;;) {}");
const HOG = strategy("hog", "for (;;) keep.push(new Array(100000).fill(1));", "const keep: number[][] = [];");
const EXIT = strategy("exits", "process.exit(0);");
/** A strategy whose onBar runs `body` from its second run in a thread on: past path 0, which stress first tries alone in its own thread. */
const later = (name: string, body: string, prelude = "") =>
  strategy(name, `if (runs >= 2) { ${body} }`, `let runs = 0;\n${prelude}`, "runs++;");
const LOOPING = join(work, "looping"); // written when the loop starts, so Ctrl-C is sent inside it
const LATER_LOOP = later("later-loop", `writeFileSync(${JSON.stringify(LOOPING)}, ""); for (;;) {}`, `import { writeFileSync } from "node:fs";`);
const LATER_HOG = later("later-hog", "for (;;) keep.push(new Array(100000).fill(1));", "const keep: number[][] = [];");
const LOOP_NOW = join(work, "loop-now"); // while this file exists, the strategy below loops for ever
const LOOP_ON_CUE = strategy("loop-on-cue", `if (existsSync(${JSON.stringify(LOOP_NOW)})) { writeFileSync(${JSON.stringify(LOOPING)}, ""); for (;;) {} }`, `import { existsSync, writeFileSync } from "node:fs";`);
const stressConfig = (file: string) => {
  const p = join(work, `cfg-${file.split("/").pop()}.json`);
  writeFileSync(p, JSON.stringify({
    venue: "binance", initialBalance: 10000, strategy: { file }, model: { type: "gbm", assets: { BTC: { price: 60000, vol: 0.6 } } },
    funding: { type: "none" }, horizonHours: 48, stepMinutes: 60, paths: 8, seed: 1, modes: ["cross"],
  }));
  return p;
};
const backtest = (file: string, out: string, ...more: string[]) => ["backtest", "--strategy", file, "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-03", "--out", out, ...more];

describe("rows 5, 8, 17: a strategy that never returns, allocates without bound or exits the process", () => {
  const rows: [string, () => string[], RegExp][] = [
    ["backtest: onBar loops, --timeout 2", () => backtest(LOOP, join(work, "o1"), "--timeout", "2"), /^perpsim backtest: --timeout 2: the backtest was still running after 2 s; stopped, nothing written$/],
    ["backtest: onBar allocates, --max-memory 128", () => backtest(HOG, join(work, "o2"), "--max-memory", "128"), /^perpsim backtest: the backtest used more than its 128 MB memory limit \(--max-memory\); stopped, nothing written/],
    ["backtest: onBar calls process.exit(0)", () => backtest(EXIT, join(work, "o3")), /^perpsim backtest: the backtest ended before it finished: its code called process\.exit\(0\); nothing written$/],
    ["stress: path 0 loops, --timeout 2", () => ["stress", "--config", stressConfig(LOOP), "--workers", "1", "--timeout", "2", "--out", join(work, "o4")], /^perpsim stress: --timeout 2: the strategy on path 0 was still running after 2 s; stopped, nothing written$/],
    ["stress: path 0 allocates, --max-memory 128", () => ["stress", "--config", stressConfig(HOG), "--workers", "1", "--max-memory", "128", "--out", join(work, "o5")], /^perpsim stress: the strategy on path 0 used more than its 128 MB memory limit/],
    ["stress: process.exit(0) on path 0", () => ["stress", "--config", stressConfig(EXIT), "--workers", "1", "--out", join(work, "o6")], /^perpsim stress: the strategy on path 0 ended before it finished: its code called process\.exit\(0\); nothing written$/],
  ];
  it.each(rows)("%s: exit 1, one line, nothing written", async (_name, argv, line) => {
    const r = await cli(argv());
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(line);
    expect(ls(work).filter((n) => /^\.?o\d/.test(n))).toEqual([]);
  }, 90_000);

  it.each([
    ["backtest", () => backtest(LOOP, join(work, "c1"))],
    ["stress", () => ["stress", "--config", stressConfig(LOOP), "--out", join(work, "c2")]],
  ])("%s: Ctrl-C stops a strategy that loops for ever: exit 130, one line, nothing written", async (name, argv) => {
    const run = spawnCli(argv());
    await new Promise((r) => setTimeout(r, 8000)); // started, and inside the strategy's loop
    const stopped = Date.now();
    run.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(oneLine(r.err)).toBe(`perpsim ${name}: interrupted; nothing written`);
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(ls(work).filter((n) => /^\.?c\d/.test(n))).toEqual([]);
  }, 90_000);
});

/**
 * Rows 5 and 8 past path 0: with --workers 1 a strategy book's paths used to run on the main thread after
 * path 0's trial, where Ctrl-C and --timeout never got a turn and no heap limit applied. They run on a
 * one-thread pool now. Spawned CLIs (a vitest thread cannot start the pool's TypeScript worker); the
 * child's own heap is held to 768 MB so that, were the strategy on the main thread, it would die there
 * (exit 134) rather than take the machine's memory.
 */
describe("rows 5, 8 with --workers 1: a strategy that loops or allocates past path 0", () => {
  const stress = (file: string, out: string, ...more: string[]) => ["stress", "--config", stressConfig(file), "--workers", "1", "--out", join(work, out), ...more];
  /** the child, killed (SIGKILL) if it outlives `seconds`: a strategy holding its main thread cannot be stopped otherwise */
  const spawned = (argv: string[], seconds: number) => {
    const child = spawnCli(argv, ROOT, ["--max-old-space-size=768"]);
    const guard = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
    void child.done.then(() => clearTimeout(guard));
    return child;
  };
  const run = async (argv: string[]) => spawned(argv, 60).done;

  it("--timeout 6 stops a loop on path 1: exit 1, one line, nothing written", async () => {
    const started = Date.now();
    const r = await run(stress(LATER_LOOP, "l1", "--timeout", "6", "--no-report"));
    expect(r.signal).toBe(null);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toBe("perpsim stress: --timeout 6: the stress run was still running after 6 s; stopped, nothing written");
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(ls(work).filter((n) => /^\.?l1/.test(n))).toEqual([]);
  }, 90_000);

  it("--max-memory 128 stops unbounded allocation on path 1: exit 1, one line, nothing written", async () => {
    const r = await run(stress(LATER_HOG, "m1", "--max-memory", "128", "--no-report"));
    expect(r.signal).toBe(null);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/^perpsim stress: a worker used more than its 128 MB memory limit \(--max-memory\) on paths 1–1; stopped, nothing written/);
    expect(ls(work).filter((n) => /^\.?m1/.test(n))).toEqual([]);
  }, 90_000);

  it("Ctrl-C stops a loop on path 1: exit 130, one line, nothing written", async () => {
    rmSync(LOOPING, { force: true });
    const child = spawned(stress(LATER_LOOP, "k1"), 60);
    while (!existsSync(LOOPING)) await new Promise((r) => setTimeout(r, 100)); // past path 0's trial, inside path 1's loop
    await new Promise((r) => setTimeout(r, 500));
    const stopped = Date.now();
    child.kill("SIGINT");
    const r = await child.done;
    expect(r.code).toBe(130);
    expect(oneLine(r.err)).toBe("perpsim stress: interrupted; nothing written");
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(ls(work).filter((n) => /^\.?k1/.test(n))).toEqual([]);
  }, 90_000);
});

describe("rows 5, 8 for shards and merge: a strategy book's paths never run on the main thread", () => {
  const spawned = (argv: string[], seconds: number) => {
    const child = spawnCli(argv, ROOT, ["--max-old-space-size=768"]);
    const guard = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
    void child.done.then(() => clearTimeout(guard));
    return child;
  };

  it("stress --shard 0/2 --workers 1 --timeout 6 stops a loop on path 1: exit 1, one line, nothing written", async () => {
    const r = await spawned(["stress", "--config", stressConfig(LATER_LOOP), "--workers", "1", "--shard", "0/2", "--timeout", "6", "--out", join(work, "s1")], 60).done;
    expect(r.signal).toBe(null);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toBe("perpsim stress: --timeout 6: the stress run was still running after 6 s; stopped, nothing written");
    expect(ls(join(work, "s1"))).toEqual([]);
  }, 90_000);

  it("merge: Ctrl-C stops a strategy looping while samples.csv's paths are re-simulated: exit 130, one line, nothing written", async () => {
    const cfg = stressConfig(LOOP_ON_CUE);
    const shards = join(work, "cue-shards");
    for (const i of [0, 1]) expect((await spawned(["stress", "--config", cfg, "--workers", "1", "--shard", `${i}/2`, "--out", shards], 60).done).code).toBe(0);
    rmSync(LOOPING, { force: true });
    writeFileSync(LOOP_NOW, "");
    try {
      const child = spawned(["merge", shards, "--out", join(work, "m1"), "--no-report"], 60);
      while (!existsSync(LOOPING)) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
      child.kill("SIGINT");
      const r = await child.done;
      expect(r.code).toBe(130);
      expect(oneLine(r.err)).toBe("perpsim merge: interrupted; nothing written");
      expect(ls(work).filter((n) => /^\.?m1/.test(n))).toEqual([]);
    } finally {
      rmSync(LOOP_NOW, { force: true });
    }
  }, 120_000);
});
