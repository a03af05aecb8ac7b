import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { standardBook } from "./fixtures/standardBook.ts";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-stress-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = () => standardBook({ horizonHours: 720, paths: 240, seed: 3 });

describe("perpsim stress through the CLI", () => {
  it("writes byte-identical summary.json and paths.csv with --workers 1 and --workers 2", async () => {
    const config = join(dir, "full.json");
    await writeFile(config, JSON.stringify(base()));
    const cli = ["--import", "tsx", "src/cli.ts", "stress", "--config", config, "--no-report"];
    const [one, two] = [join(dir, "w1"), join(dir, "w2")];
    await run(process.execPath, [...cli, "--workers", "1", "--out", one]);
    await run(process.execPath, [...cli, "--workers", "2", "--out", two]);
    for (const f of ["summary.json", "paths.csv", "samples.csv"]) expect(await readFile(join(two, f), "utf8")).toBe(await readFile(join(one, f), "utf8"));
    const summary = JSON.parse(await readFile(join(one, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ command: "stress", paths: 240, seed: 3, horizonHours: 720, stepMinutes: 60 });
    expect(summary.runs.map((r: { mode: string }) => r.mode)).toEqual(["cross", "isolated"]);
    // per leg, in both modes (and so byte-identical across worker counts with the rest)
    for (const r of summary.runs) expect(r.legs.map((l: { symbol: string; side: string }) => `${l.side} ${l.symbol}`)).toEqual(["long BTC", "long ETH", "short SOL"]);
    const p = summary.paired;
    expect(p.both + p.onlyCross + p.onlyIsolated + p.neither).toBe(240);
    expect(JSON.stringify(summary)).not.toMatch(/20\d\d-\d\d-\d\dT/); // no wall-clock field
    const rows = (await readFile(join(one, "paths.csv"), "utf8")).trim().split("\n");
    expect(rows).toHaveLength(1 + 240 * 2);
  }, 120_000);
});

describe("perpsim stress: bad config is one line naming the field, exit 1, nothing written", () => {
  const cases: [string, (c: ReturnType<typeof base>) => unknown, RegExp][] = [
    ["unknown model", (c) => ({ ...c, model: { ...c.model, type: "heston" } }), /model\.type: unknown model "heston"/],
    ["unknown field", (c) => ({ ...c, horizon: 5 }), /horizon: unknown field/],
    ["correlation not square", (c) => ({ ...c, model: { ...c.model, correlation: [[1, 0.8], [0.8, 1], [0.7, 0.75]] } }), /model\.correlation/],
    ["correlation outside [-1, 1]", (c) => ({ ...c, model: { ...c.model, correlation: [[1, 1.2, 0.7], [1.2, 1, 0.75], [0.7, 0.75, 1]] } }), /model\.correlation\[0\]\[1\]/],
    ["non-positive vol", (c) => ({ ...c, model: { ...c.model, assets: { ...c.model.assets, ETH: { price: 3000, vol: 0 } } } }), /model\.assets\.ETH\.vol: must be > 0/],
    ["non-positive price", (c) => ({ ...c, model: { ...c.model, assets: { ...c.model.assets, SOL: { price: -1, vol: 1 } } } }), /model\.assets\.SOL\.price: must be > 0/],
    ["weights above 1 in isolated mode", (c) => ({ ...c, portfolio: c.portfolio.map((l) => ({ ...l, weight: 0.5 })) }), /portfolio: weights sum to 1\.5/],
    ["more paths than memory allows", (c) => ({ ...c, paths: 1e13 }), /paths: .*fit in this machine's memory/],
    ["leverage above the venue's maximum", (c) => ({ ...c, venue: "binance", portfolio: [{ symbol: "BTC", side: "long", leverage: 500, weight: 0.3 }] }), /leverage 500 above the venue's maximum/],
  ];
  for (const [label, edit, message] of cases) {
    it(label, async () => {
      const file = join(dir, `bad-${label.replace(/\W+/g, "-")}.json`);
      const out = join(dir, `out-${label.replace(/\W+/g, "-")}`);
      await writeFile(file, JSON.stringify(edit(base())));
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      const logs = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        expect(await main(["stress", "--config", file, "--out", out, "--workers", "1"])).toBe(1);
        expect(errors).toHaveBeenCalledTimes(1);
        const line = String(errors.mock.calls[0][0]);
        expect(line).not.toContain("\n");
        expect(line).toMatch(message);
      } finally {
        errors.mockRestore();
        logs.mockRestore();
      }
      await expect(readdir(out)).rejects.toThrow();
    });
  }
});
