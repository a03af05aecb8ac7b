/**
 * Issue 16, rows 5, 8 and 17 (process.exit): strategy code runs where Ctrl-C, --timeout and a heap limit
 * can stop it; each ends in one line with nothing written.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ls, oneLine, ROOT, spawnCli } from "./cli.ts";

const work = mkdtempSync(join(tmpdir(), "perpsim-sandbox-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const strategy = (name: string, onBar: string, prelude = "") => {
  const file = join(work, `${name}.mts`); // .mts: an ES module wherever it lies (no package.json above /tmp)
  writeFileSync(file, `import { defineStrategy } from ${JSON.stringify(join(ROOT, "src/strategy/index.ts"))};\n${prelude}\nexport default defineStrategy({ name: ${JSON.stringify(name)}, params: {}, init() {}, onBar() { ${onBar} } });\n`);
  return file;
};
const LOOP = strategy("loop", "for (;;) {}");
const HOG = strategy("hog", "for (;;) keep.push(new Array(100000).fill(1));", "const keep: number[][] = [];");
const EXIT = strategy("exits", "process.exit(0);");
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
