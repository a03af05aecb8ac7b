import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listStrategies, loadStrategy } from "../../src/strategy/index.ts";

/** A strategy file as a user writes it: it imports the API by the package's name. */
const FILE = (name: string) => `import { defineStrategy, sma } from "perpsim";
export default defineStrategy({
  name: ${JSON.stringify(name)}, description: "a user's strategy",
  params: { leverage: { type: "number", default: 2, above: 0 } },
  init(ctx) { ctx.open({ symbol: "BTCUSDT", side: "long", notional: ctx.initialBalance, leverage: ctx.params.leverage }); return { seen: 0 }; },
  onBar(ctx) { ctx.state.seen++; sma(ctx.history("BTCUSDT", "close", 3), 3); },
});
`;

describe("finding strategies", () => {
  it("a new file in strategies/ is found by its name, helper modules are not strategies", async () => {
    const name = `probe-${process.pid}`;
    const file = join(import.meta.dirname, "../../strategies", `${name}.ts`);
    writeFileSync(file, FILE(name));
    try {
      expect((await loadStrategy(name)).name).toBe(name);
      const names = await listStrategies();
      expect(names).toEqual(expect.arrayContaining(["funding-carry", "hedger", "hold", "margin-keeper", "scalper", "swing", name]));
      expect(names).not.toContain("legs");
    } finally {
      rmSync(file);
    }
    await expect(loadStrategy("../package")).rejects.toThrow(/no such file/);
    await expect(loadStrategy("nope")).rejects.toThrow(/unknown strategy 'nope' \(in strategies\/: funding-carry, hedger, hold/);
  });

  it("a strategy in a folder outside the repo imports 'perpsim' and runs from the command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "perpsim-user-"));
    const file = join(dir, "mine.ts");
    writeFileSync(file, FILE("mine"));
    const out = join(dir, "out");
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "backtest", "--strategy", file, "--symbols", "BTCUSDT", "--from", "2024-01-01", "--to", "2024-01-02", "--modes", "cross", "--out", out], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(s.strategy).toBe("mine");
    expect(s.params).toEqual({ leverage: 2 });
    expect(s.runs[0].trades).toBe(1);
    const help = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "backtest", "--help", "--strategy", file], { encoding: "utf8" });
    expect(help.stdout).toMatch(/strategy mine: a user's strategy\nparams \(--params JSON\):\n {2}leverage \(number, default 2, positive\)/);
    rmSync(dir, { recursive: true });
  });
});
