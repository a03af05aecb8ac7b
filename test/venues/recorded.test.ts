import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { formatPrice, getVenue } from "../../src/venues/index.ts";
import { Account, liquidationPrice } from "../../src/margin/index.ts";

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe("dYdX v4 markets as recorded from the mainnet indexer on 2025-12-08 (nautilus_trader test data)", () => {
  const dydx = getVenue("dydx");

  it("runs after 2025-12-08 take that table; SOL-USD is IMF 5 % (20x), MMF 3 %, tick 0.01, and no longer flagged", () => {
    const sol = dydx.table("SOL-USD", day("2025-12-10"));
    expect(sol.id).toBe("dydx-2025-12-08");
    expect(sol.source).toMatch(/97dd51faf8c1e5fcd71c9f033d2f4ad887254657/);
    expect(dydx.tiers("SOL-USD", day("2025-12-10"))).toEqual([{ floor: 0, cap: Infinity, maxLeverage: 20, mmr: 0.03, deduction: 0 }].map((t) => expect.objectContaining(t)));
    expect(sol.table.tick).toEqual({ kind: "tick", tickSize: "0.01" });
    expect(sol.unsourced.some((u) => u.startsWith("SOL-USD:"))).toBe(false);
    // BTC-USD and ETH-USD: Large-Cap 2 % / 1.2 % in the same recording, ticks 1 and 0.1
    expect(dydx.tiers("ETH-USD", day("2025-12-10"))[0]).toMatchObject({ maxLeverage: 50, mmr: 0.012 });
    expect(dydx.table("ETH-USD", day("2025-12-10")).table.tick).toEqual({ kind: "tick", tickSize: "0.1" });
    expect(dydx.table("BTC-USD", day("2025-12-10")).table.tick).toEqual({ kind: "tick", tickSize: "1" });
  });

  it("a 10x isolated SOL-USD position at 150 liquidates where equity meets 3 % of the notional", () => {
    // long, 1 SOL, margin 15: 15 + (p − 150) = 0.03·p → p = 135 / 0.97 = 139.1753
    // short, 1 SOL, margin 15: 15 − (p − 150) = 0.03·p → p = 165 / 1.03 = 160.1942
    const lp = (side: "long" | "short") => {
      const acc = new Account({ venue: dydx, balance: 100, symbols: ["SOL-USD"] });
      acc.trade(day("2025-12-10"), "SOL-USD", side, 1, 150, { mode: "isolated", leverage: 10 });
      return acc.liquidationPrice("SOL-USD")!;
    };
    expect(lp("long")).toBeCloseTo(135 / 0.97, 9);
    expect(lp("short")).toBeCloseTo(165 / 1.03, 9);
  });
});

describe("Binance PRICE_FILTER ticks recorded in ccxt's markets fixture (exchangeInfo entries of 2023 H2)", () => {
  const binance = getVenue("binance");

  it("DOGE, XRP, ADA, TRX and LTC have their recorded ticks; 1000PEPEUSDT's is still flagged", () => {
    const tick = (s: string) => binance.table(s).table.tick;
    expect(tick("DOGEUSDT")).toEqual({ kind: "tick", tickSize: "0.00001" });
    expect(tick("XRPUSDT")).toEqual({ kind: "tick", tickSize: "0.0001" });
    expect(tick("ADAUSDT")).toEqual({ kind: "tick", tickSize: "0.0001" });
    expect(tick("TRXUSDT")).toEqual({ kind: "tick", tickSize: "0.00001" });
    expect(tick("LTCUSDT")).toEqual({ kind: "tick", tickSize: "0.01" });
    expect(tick("1000PEPEUSDT")).toEqual({ kind: "unknown" });
    expect(binance.table("1000PEPEUSDT").unsourced.some((u) => /^tickSize of symbols other than .*1000PEPEUSDT/.test(u))).toBe(true);
    expect(binance.table("DOGEUSDT").unsourced.some((u) => /^tickSize/.test(u))).toBe(false); // its own tick: the file's missing ticks are not its
    expect(binance.table("DOGEUSDT").table.notes.some((n) => /0dca8ac0a3ce97d642fd9973b3121c2d6e3e3063/.test(n))).toBe(true);
  });

  it("liquidation prices print at the symbol's own tick", () => {
    // 10x isolated longs on the first bracket (0.5 % maintenance): LP = 0.9·E / (1 − 0.005)
    const lp = (symbol: string, entry: number, size: number) =>
      liquidationPrice(binance, { symbol, side: "long", size, entryPrice: entry, mode: "isolated", leverage: 10 }).liquidationPrice!;
    const doge = lp("DOGEUSDT", 0.1, 1_000);
    expect(doge).toBeCloseTo(0.09 / 0.995, 15); // 0.0904523
    expect(formatPrice(doge, binance.table("DOGEUSDT").table.tick)).toBe("0.09045");
    const xrp = lp("XRPUSDT", 0.5, 1_000);
    expect(xrp).toBeCloseTo(0.45 / 0.995, 15); // 0.452261
    expect(formatPrice(xrp, binance.table("XRPUSDT").table.tick)).toBe("0.4523");
  });

  it("the recorded per-symbol liquidation fees are the table's (exchangeInfo 'liquidationFee': BTC/ETH 0.0125, LTC 0.015, ADA/XRP/DOGE/TRX 0.01)", () => {
    const recorded: Record<string, number> = { BTCUSDT: 0.0125, ETHUSDT: 0.0125, LTCUSDT: 0.015, ADAUSDT: 0.01, XRPUSDT: 0.01, DOGEUSDT: 0.01, TRXUSDT: 0.01 };
    for (const [symbol, rate] of Object.entries(recorded)) {
      const t = binance.table(symbol);
      expect(t.symbolFee?.rate).toBe(rate);
      expect(t.symbolFee?.source).toMatch(/ccxt\/ccxt ts\/src\/test\/static\/markets\/binance\.json at 0dca8ac0a3ce97d642fd9973b3121c2d6e3e3063/);
      expect(t.feeUnsourced).toBe(false);
      expect(t.unsourced.some((u) => /liquidation fee|feeRate/.test(u))).toBe(false);
    }
    // BTC/ETH carry it in every dated table (a 2022 run is charged the 2023 rate, said so in its source)
    expect(binance.table("BTCUSDT", Date.UTC(2022, 5, 1)).symbolFee?.source).toMatch(/carried to this table of 2022-05-21/);
    expect(binance.liquidationFee).toBe(0.005); // the venue default, charged where no rate is recorded
  });

  it("a symbol without a recorded rate is charged the default, flagged unsourced with what was searched", () => {
    const sol = binance.table("SOLUSDT");
    expect(sol.symbolFee).toBeNull();
    expect(sol.feeUnsourced).toBe(true);
    expect(sol.unsourced).toContain("SOLUSDT: liquidation fee: no per-symbol rate sourced in binance-2024-10-24; the venue default 0.5 % is charged");
    expect(sol.unsourced.find((u) => u.startsWith("liquidation loss: feeRate"))).toMatch(/No attributable recording holds SOLUSDT.*searched:/);
  });
});

describe("Binance ticks inferred from Binance's own archived trade prices (scripts/infer-binance-ticks.mjs)", () => {
  const binance = getVenue("binance");
  const infer = (from: string, to: string, symbols: string[]): Map<string, string> => {
    const files = symbols.map((s) => `data/binance-usdm/klines-1h/${s}-1h.csv.gz`);
    const out = execFileSync(process.execPath, ["scripts/infer-binance-ticks.mjs", from, to, ...files], { encoding: "utf8" });
    return new Map(out.trim().split("\n").map((line) => [line.split("-1h.csv.gz")[0], line.split("\t")[2]]));
  };

  it("the method gives the recorded PRICE_FILTER ticks of BTC and ETH on the shipped klines, and SOLUSDT's table tick 0.001 around the table's date", () => {
    const got = infer("2024-09-01", "2024-12-01", ["BTCUSDT", "ETHUSDT", "SOLUSDT"]);
    expect(got.get("BTCUSDT")).toBe("0.1"); // recorded: ccxt's markets fixture
    expect(got.get("ETHUSDT")).toBe("0.01");
    expect(got.get("SOLUSDT")).toBe("0.001");
    const sol = binance.table("SOLUSDT", Date.parse("2024-11-01T00:00:00Z"));
    expect(sol.id).toBe("binance-2024-10-24");
    expect(sol.table.tick).toEqual({ kind: "tick", tickSize: "0.001" });
    expect(sol.table.notes.some((n) => n.includes("scripts/infer-binance-ticks.mjs") && n.includes("Inferred, not a recorded exchangeInfo entry"))).toBe(true);
    expect(sol.unsourced.some((u) => u.startsWith("tickSize"))).toBe(false);
  });
});
