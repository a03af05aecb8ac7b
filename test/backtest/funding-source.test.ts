import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backtestToFolder, type BacktestCliOptions } from "../../src/cli/commands/backtest.ts";
import { candles, funding } from "./csv.ts";

const FROM = Date.UTC(2024, 7, 1);
const TO = Date.UTC(2024, 7, 8);
const mark = candles("data/binance-usdm/mark-1h/BTCUSDT-1h-mark.csv.gz");
const entry = candles("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz").get(FROM)!.open;
const size = (10000 * 0.1 * 5) / entry;

/** Σ size × mark open × rate over the settlements strictly inside the run (the position opens at FROM's open). */
function expectedFunding(file: string): { total: number; count: number } {
  const rows = funding(file).filter(([t]) => t > FROM && t < TO);
  return { total: rows.reduce((s, [t, r]) => s + size * mark.get(t)!.open * r, 0), count: rows.length };
}

async function run(venue: string, fundingSource?: BacktestCliOptions["funding"]) {
  const o: BacktestCliOptions = {
    strategy: "hold", params: JSON.stringify({ legs: [{ symbol: "BTCUSDT", side: "long", leverage: 5, weight: 0.1 }] }),
    symbols: ["BTCUSDT"], venue, from: "2024-08-01", to: "2024-08-08", balance: 10000, modes: ["cross"],
    intrabar: "path", slippage: 0, ledger: "exact", out: join(mkdtempSync(join(tmpdir(), "perpsim-funding-")), "out"), funding: fundingSource,
  };
  const { result } = await backtestToFolder(o, () => {});
  return result.runs[0];
}

describe("whose funding a backtest settles", () => {
  it("a Hyperliquid run settles Hyperliquid's hourly funding history by default", async () => {
    const hl = expectedFunding("data/hyperliquid/funding/BTC.csv.gz");
    expect(hl.count).toBe(7 * 24 - 1); // hourly, every hour of the week after the opening one
    const r = await run("hyperliquid");
    expect(r.events.filter((e) => e.type === "funding")).toHaveLength(hl.count);
    // the exact ledger rounds each payment to Hyperliquid's 6-decimal USDC: at most ½·10⁻⁶ per settlement
    expect(Math.abs(r.run.fundingPaid - hl.total)).toBeLessThanOrEqual(hl.count * 0.5e-6);
  });

  it("--funding binance-usdm settles Binance's 8-hourly history instead, on the same venue", async () => {
    const bn = expectedFunding("data/binance-usdm/funding/BTCUSDT.csv.gz");
    expect(bn.count).toBe(7 * 3 - 1);
    const r = await run("hyperliquid", "binance-usdm");
    expect(Math.abs(r.run.fundingPaid - bn.total)).toBeLessThanOrEqual(bn.count * 0.5e-6);
  });

  it("--funding none charges nothing", async () => {
    expect((await run("binance", "none")).run.fundingPaid).toBe(0);
  });
});
