import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "perpsim-bt-"));
function backtest(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "backtest", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const base = ["--strategy", "hold", "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-08"];

describe("perpsim backtest", () => {
  it("writes summary.json, equity.csv, events.csv and report.html, same bytes on a rerun", () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    expect(backtest(...base, "--out", a).code).toBe(0);
    const r = backtest(...base, "--out", b);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/survived\s+yes\s+yes/);
    for (const f of ["summary.json", "equity.csv", "events.csv"]) expect(readFileSync(join(a, f), "utf8")).toBe(readFileSync(join(b, f), "utf8"));
    const s = JSON.parse(readFileSync(join(a, "summary.json"), "utf8"));
    expect(s.runs.map((x: { mode: string }) => x.mode)).toEqual(["cross", "isolated"]);
    expect(s.from).toBe("2020-03-01T00:00:00Z");
    // 7 days of hourly bars, two modes
    expect(readFileSync(join(a, "equity.csv"), "utf8").trim().split("\n").length).toBe(1 + 2 * 7 * 24);
    expect(existsSync(join(a, "report.html"))).toBe(true);
  });

  it("states the package version; a funding gap is a warning on stderr and fundingGaps in summary.json (Hyperliquid BTC, 2024-08-15)", () => {
    const out = join(dir, "hl");
    const r = backtest("--strategy", "hold", "--symbols", "BTCUSDT", "--venue", "hyperliquid", "--from", "2024-08-15", "--to", "2024-08-16", "--out", out);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: funding: 1 settlement missing in the range.*BTCUSDT 2024-08-15T13:00/);
    expect(r.out).not.toMatch(/warning/);
    const s = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(s.settings).toMatchObject({ fundingGaps: 1, fundingComplete: false, funding: "hyperliquid" });
    expect(s.settings.version).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });

  it("--venue gmx runs its one margin mode by default; --modes cross on GMX names the venue, not the strategy", () => {
    const out = join(dir, "gmx");
    const r = backtest(...base, "--venue", "gmx", "--out", out);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).runs.map((x: { mode: string }) => x.mode)).toEqual(["isolated"]);
    const bad = backtest(...base, "--venue", "gmx", "--modes", "cross,isolated", "--out", join(dir, "gmx-bad"));
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toMatch(/^.*--modes: GMX v2 has no cross margin \(its modes: isolated\)$/);
    expect(existsSync(join(dir, "gmx-bad"))).toBe(false);
  });

  const bad: [string, string[], RegExp][] = [
    ["unknown symbol", ["--strategy", "hold", "--symbols", "FOOUSDT", "--from", "2020-03-01", "--to", "2020-03-08"], /unknown symbol FOOUSDT/],
    ["a range with no data", ["--strategy", "hold", "--symbols", "BTCUSDT", "--from", "2010-01-01", "--to", "2010-02-01"], /--to 2010-02-01T00:00:00Z is not after the start of the data for BTCUSDT/],
    ["--from after --to", ["--strategy", "hold", "--symbols", "BTCUSDT", "--from", "2020-04-01", "--to", "2020-03-01"], /--from 2020-04-01 is not before --to 2020-03-01/],
    ["malformed params", [...base, "--params", "{legs:"], /--params: not valid JSON/],
    ["unknown param key", [...base, "--params", '{"leverage":5}'], /unknown key 'leverage' for strategy 'hold'/],
    ["bad leg", [...base, "--params", '{"legs":[{"symbol":"BTCUSDT","side":"up","leverage":5,"weight":0.1}]}'], /'legs\[0\]\.side' must be "long" or "short"/],
    ["not a strategy", ["--strategy", "test/backtest/fixtures/not-a-strategy.ts", ...base.slice(2)], /does not export a strategy/],
    ["strategy throws", ["--strategy", "test/backtest/fixtures/throws.ts", ...base.slice(2)], /strategy 'thrower' failed at 2020-03-01T02:00:00Z \(BTCUSDT\): boom: my indicator broke/],
    ["unknown mode", [...base, "--modes", "cross,portfolio"], /--modes: unknown mode 'portfolio'/],
    ["bad interval", [...base, "--interval", "2h"], /--interval: '2h' must be one of 1h, 4h, 1d/],
    ["detail not finer than the interval", [...base, "--interval", "4h", "--detail", "4h"], /--detail 4h must be finer than --interval 4h/],
  ];
  for (const [name, args, msg] of bad) {
    it(`bad input: ${name} → exit 1, one line, nothing written`, () => {
      const out = join(dir, name.replace(/\W+/g, "-"));
      const r = backtest(...args, "--out", out);
      expect(r.code).toBe(1);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    });
  }
});
