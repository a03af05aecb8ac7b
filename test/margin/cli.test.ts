import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "perpsim-liq-"));
function liq(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "liq", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function file(name: string, body: string) {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
}
const classic = ["--venue", "binance", "--side", "long", "--entry", "50000", "--size", "0.2"];

describe("perpsim liq", () => {
  it("prints cross beside isolated for the classic example, and JSON on request", () => {
    const r = liq(...classic, "--leverage", "10", "--balance", "10000", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.positions).toMatchObject([
      { symbol: "BTCUSDT", side: "long", mode: "cross", liquidationPrice: null, bankruptcyPrice: null, maintenanceMargin: 40, distancePct: null },
      { symbol: "BTCUSDT", side: "long", mode: "isolated", bankruptcyPrice: 45000, maintenanceMargin: 40 },
    ]);
    // --json keeps every digit: (1000 − 10000) / (0.2 × 0.004 − 0.2)
    expect(out.positions[1].liquidationPrice).toBeCloseTo(9000 / 0.1992, 9);
    expect(out.tables.BTCUSDT).toMatchObject({ id: "binance-2026-03-05", asOf: "2026-03-05", venueSymbol: "BTCUSDT" });
    const human = liq(...classic, "--margin", "1000", "--balance", "10000");
    expect(human.out).toMatch(/isolated\s+45,180\.7/); // tick unknown in the table: 6 significant figures
    expect(human.out).toMatch(/BTCUSDT: table binance-2026-03-05 \(asOf 2026-03-05\)/);
    expect(human.out).toMatch(/no liquidation price above zero/);
  });

  it("reads a whole account file", () => {
    const p = file("account.json", JSON.stringify({
      venue: "bybit", walletBalance: 1000,
      positions: [{ symbol: "BTCUSDT", side: "long", size: 1, entryPrice: 20000, markPrice: 20000, mode: "isolated", leverage: 50, mmr: 0.005 }],
    }));
    const r = liq("--account", p, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).positions[0].liquidationPrice).toBe(19700);
  });

  const bad: [string, string[], RegExp][] = [
    ["negative size", ["--venue", "binance", "--side", "long", "--entry", "50000", "--size=-1", "--leverage", "10"], /--size must be a positive number/],
    ["negative price", ["--venue", "binance", "--side", "long", "--entry=-5", "--size", "1", "--leverage", "10"], /--entry must be a positive number/],
    ["leverage above max", [...classic, "--leverage", "200"], /--leverage 200 is above Binance USD-M's maximum 150x/],
    ["unknown venue", ["--venue", "kraken", "--side", "long", "--entry", "1", "--size", "1", "--leverage", "2"], /unknown venue 'kraken'/],
    ["malformed symbol", [...classic, "--symbol", "??", "--leverage", "5"], /symbol '\?\?' is not a symbol/],
    ["notional beyond the last tier", ["--venue", "binance", "--side", "long", "--entry", "50000", "--size", "100000", "--leverage", "1"], /beyond Binance USD-M's largest BTCUSDT tier/],
    ["margin below initial margin", [...classic, "--margin", "50"], /--margin 50 is below the initial margin/],
    ["not a number", [...classic, "--entry", "abc"], /--entry: 'abc' is not a number/],
    ["malformed account file", ["--account", file("broken.json", "{ \"venue\": ")], /broken\.json: not valid JSON/],
    ["account field", ["--account", file("bad.json", JSON.stringify({ venue: "binance", walletBalance: 100, positions: [{ symbol: "BTCUSDT", side: "up", size: 1, entryPrice: 1, mode: "cross" }] }))], /bad\.json: positions\[0\]\.side must be 'long' or 'short'/],
  ];
  for (const [name, args, message] of bad) {
    it(`bad input: ${name} → one line, exit 1`, () => {
      const r = liq(...args);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(message);
    });
  }
});
