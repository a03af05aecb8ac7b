import { describe, expect, it } from "vitest";
import { getVenue, parseVenueTables, withTableFiles, type Venue } from "../../src/venues/index.ts";
import { Account, liquidationPrice } from "../../src/margin/index.ts";
import { InputError } from "../../src/market/index.ts";
import binance2024 from "../../src/venues/tables/binance-2024-10-24.json" with { type: "json" };
import binance20220521 from "../../src/venues/tables/binance-2022-05-21.json" with { type: "json" };
import hyperliquid2026 from "../../src/venues/tables/hyperliquid-2026-07-03.json" with { type: "json" };

const binance = getVenue("binance");
const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe("Binance's older BTCUSDT/ETHUSDT brackets (freqtrade's recorded history, 2022-02 .. 2024-05)", () => {
  it("each run date takes the brackets in force then", () => {
    expect(binance.table("BTCUSDT", day("2021-05-19")).id).toBe("binance-2022-02-05"); // before every table: the oldest
    expect(binance.table("BTCUSDT", day("2022-06-18")).id).toBe("binance-2022-05-21");
    expect(binance.table("ETHUSDT", day("2022-11-09")).id).toBe("binance-2022-08-20");
    expect(binance.table("ETHUSDT", day("2023-05-01")).id).toBe("binance-2023-03-13");
    expect(binance.table("BTCUSDT", day("2024-03-01")).id).toBe("binance-2024-02-03");
    expect(binance.table("BTCUSDT", day("2024-08-05")).id).toBe("binance-2024-05-30");
    expect(binance.table("SOLUSDT", day("2023-05-01")).id).toBe("binance-2024-10-24"); // BTC and ETH only
  });

  it("2024-05-30's brackets are the 2024-10-24 ones (runs from June to October 2024 keep their figures)", () => {
    for (const s of ["BTCUSDT", "ETHUSDT"]) expect(binance.tiers(s, day("2024-08-05"))).toEqual(binance.tiers(s, day("2024-11-01")));
    expect(binance.tiers("BTCUSDT", day("2024-08-05"))[1]).toMatchObject({ floor: 50_000, cap: 600_000, mmr: 0.005, deduction: 50 });
    expect((binance2024 as { symbols: Record<string, { tiers: unknown }> }).symbols.BTCUSDT.tiers).toEqual(binance.tiers("BTCUSDT", day("2024-08-05")).map((t) => [t.floor, t.cap, t.maxLeverage, t.mmr, t.deduction]));
  });

  it("the 2022-05-21 BTCUSDT brackets match the table reverse-engineered from Binance's web app on 2021-03-26 (highfestiva's gist)", () => {
    // https://gist.github.com/highfestiva/b71e76f51eed84d56c1be8ebbcc286b5: (cap, mmr %, maintenance amount)
    const gist: Array<[number, number, number]> = [
      [50_000, 0.4, 0], [250_000, 0.5, 50], [1_000_000, 1.0, 1_300], [10_000_000, 2.5, 16_300], [20_000_000, 5.0, 266_300],
      [50_000_000, 10.0, 1_266_300], [100_000_000, 12.5, 2_516_300], [200_000_000, 15.0, 5_016_300], [300_000_000, 25.0, 25_016_300],
    ];
    const t = binance.tiers("BTCUSDT", day("2022-06-01"));
    gist.forEach(([cap, pct, cum], i) => expect([t[i].cap, t[i].mmr, t[i].deduction]).toEqual([cap, pct / 100, cum]));
    expect(t[9]).toMatchObject({ mmr: 0.5, deduction: 100_016_300, maxLeverage: 1 });
    expect((binance20220521 as { source: string }).source).toMatch(/963cc17c18c171d34f51add0a344a9c7633dbc56/);
  });

  it("an ETH long in 2023 liquidates on that year's 0.5 % first bracket, in 2024 on the 0.4 % one", () => {
    // 10x isolated, 1 ETH at 2,000: LP = (M − qE) / (q·mmr − q) = (200 − 2,000) / (mmr − 1)
    const at = (d: string) => {
      const acc = new Account({ venue: binance, balance: 10_000, symbols: ["ETHUSDT"] });
      acc.trade(day(d), "ETHUSDT", "long", 1, 2_000, { mode: "isolated", leverage: 10 });
      return acc.liquidationPrice("ETHUSDT")!;
    };
    expect(binance.tiers("ETHUSDT", day("2023-05-01"))[0]).toMatchObject({ cap: 100_000, maxLeverage: 100, mmr: 0.005 });
    expect(at("2023-05-01")).toBeCloseTo(1_800 / 0.995, 9); // 1,809.05
    expect(at("2024-11-01")).toBeCloseTo(1_800 / 0.996, 9); // 1,807.23
  });
});

describe("where a liquidation's remainder goes is the table's field, read by the margin policies", () => {
  /** a dated Binance file whose SOLUSDT is 2 % maintenance at 20x, with `remainder` as given */
  function binanceWith(remainder: string): Venue {
    const f = clone(binance2024) as Record<string, unknown> & { liquidationLoss: Record<string, Record<string, unknown>> };
    f.id = "binance-2099-01-01";
    f.asOf = "2099-01-01";
    for (const m of ["cross", "isolated"]) f.liquidationLoss[m].remainder = remainder;
    f.symbols = { SOLUSDT: { tiers: [[0, null, 20, 0.02, 0]] } };
    return withTableFiles(binance, [parseVenueTables(f, "data/venues/binance-2099-01-01.json", "binance")]);
  }
  function returned(venue: Venue, mode: "isolated" | "cross") {
    const acc = new Account({ venue, balance: mode === "isolated" ? 100 : 16, symbols: ["SOLUSDT"] });
    acc.trade(day("2099-02-01"), "SOLUSDT", "long", 1, 150, { mode, leverage: 10 });
    const before = acc.walletBalance;
    const lp = acc.liquidationPrice("SOLUSDT", [150])!;
    expect(acc.checkLiquidations(day("2099-02-02"), new Float64Array([lp * (1 - 1e-12)]))).toBe(1);
    return { back: mode === "isolated" ? acc.walletBalance - before : acc.walletBalance, lp };
  }

  it("trader: the maintenance left less the 0.5 % fee comes back; insurance fund: nothing does", () => {
    const kept = returned(binanceWith("trader"), "isolated");
    expect(kept.lp).toBeCloseTo(135 / 0.98, 9); // (15 − 150) / (0.02 − 1) = 137.755
    expect(kept.back).toBeCloseTo((0.02 - 0.005) * (135 / 0.98), 6); // 2.0663
    expect(returned(binanceWith("insurance fund"), "isolated").back).toBeCloseTo(0, 9);
    expect(binanceWith("insurance fund").liquidationLoss.isolated!.remainder).toBe("insurance fund");
  });

  it("cross accounts alike: the wallet keeps the 2 % maintenance less the 0.5 % fee, or nothing", () => {
    const kept = returned(binanceWith("trader"), "cross");
    expect(kept.lp).toBeCloseTo((150 - (16 - 0.0005 * 150)) / 0.98, 9); // the wallet of 16 after the taker fee backs it
    expect(kept.back).toBeCloseTo(0.015 * kept.lp, 6);
    expect(returned(binanceWith("backstop vault"), "cross").back).toBeCloseTo(0, 9);
  });

  it("Hyperliquid's backstop: below 2/3 of maintenance the vault keeps what is left (backstopRemainder)", () => {
    // 10x SOL long at 150 isolated, margin 15; price gaps to 136: equity 1 < 2/3 × 0.025 × 136 = 2.27 → backstop
    const hl = getVenue("hyperliquid");
    expect(hl.liquidationLoss.isolated).toMatchObject({ remainder: "trader", backstopRemainder: "backstop vault" });
    const run = (venue: Venue) => {
      const acc = new Account({ venue, balance: 100, symbols: ["SOL"] });
      acc.trade(1, "SOL", "long", 1, 150, { mode: "isolated", leverage: 10 });
      const before = acc.walletBalance;
      expect(acc.checkLiquidations(2, new Float64Array([136]))).toBe(1);
      return acc.walletBalance - before;
    };
    expect(run(hl)).toBe(0);
    const f = clone(hyperliquid2026) as Record<string, unknown> & { liquidationLoss: Record<string, Record<string, unknown>> };
    f.id = "hyperliquid-2099-01-01";
    f.asOf = "2099-01-01";
    for (const m of ["cross", "isolated"]) f.liquidationLoss[m].backstopRemainder = "trader";
    const giving = withTableFiles(hl, [parseVenueTables(f, "x.json", "hyperliquid")]);
    expect(run(giving)).toBeCloseTo(1, 9); // the equity left at 136: 15 − 14
  });

  it("a bad recipient, or a Hyperliquid file without backstopRemainder, is refused with one line naming file and field", () => {
    const bad = clone(binance2024) as Record<string, unknown> & { liquidationLoss: Record<string, Record<string, unknown>> };
    bad.liquidationLoss.cross.remainder = "nobody";
    expect(() => parseVenueTables(bad, "data/venues/b.json", "binance")).toThrow(InputError);
    expect(() => parseVenueTables(bad, "data/venues/b.json", "binance")).toThrow(/^data\/venues\/b\.json: liquidationLoss\.cross\.remainder: must be one of "trader", "insurance fund", "backstop vault" \(got "nobody"\)$/);
    const hl = clone(hyperliquid2026) as Record<string, unknown> & { liquidationLoss: Record<string, Record<string, unknown>> };
    hl.liquidationLoss.isolated.backstopRemainder = "the trader";
    expect(() => parseVenueTables(hl, "data/venues/h.json", "hyperliquid")).toThrow(/^data\/venues\/h\.json: liquidationLoss\.isolated\.backstopRemainder: must be one of/);
  });

  it("a symbol's own liquidation fee must be a rate in [0, 1) with a source: refused with one line naming file and field", () => {
    const bad = clone(binance2024) as Record<string, unknown> & { symbols: Record<string, Record<string, unknown>> };
    bad.symbols.LTCUSDT.liquidationFee = { rate: -0.015, source: "x" };
    expect(() => parseVenueTables(bad, "data/venues/b.json", "binance")).toThrow(/^data\/venues\/b\.json: symbols\.LTCUSDT\.liquidationFee\.rate: must be a rate in \[0, 1\) \(got -0\.015\)$/);
    bad.symbols.LTCUSDT.liquidationFee = { rate: 0.015 };
    expect(() => parseVenueTables(bad, "data/venues/b.json", "binance")).toThrow(/^data\/venues\/b\.json: symbols\.LTCUSDT\.liquidationFee\.source: must be a non-empty string$/);
  });

  it("an old Hyperliquid file without backstopRemainder runs on the shipped table's routing, with one warning line naming file and field", () => {
    const hl = clone(hyperliquid2026) as Record<string, unknown> & { liquidationLoss: Record<string, Record<string, unknown>> };
    delete hl.liquidationLoss.cross.backstopRemainder;
    delete hl.liquidationLoss.isolated.backstopRemainder;
    const parsed = parseVenueTables(hl, "data/venues/h.json", "hyperliquid");
    // the shipped Hyperliquid table sends a backstop's remainder to the vault (the docs: "MM not returned in backstop")
    expect(parsed.liquidationLoss.cross?.backstopRemainder).toBe("backstop vault");
    expect(parsed.liquidationLoss.isolated?.backstopRemainder).toBe("backstop vault");
    expect(parsed.warnings).toEqual([
      'data/venues/h.json: liquidationLoss.cross/isolated.backstopRemainder is missing (a file from before the field): using the shipped hyperliquid table\'s (cross "backstop vault", isolated "backstop vault")',
    ]);
    expect(parseVenueTables(hyperliquid2026, "h.json", "hyperliquid").warnings).toEqual([]);
  });
});

describe("what each table still flags as unsourced", () => {
  it("Binance: BTC/ETH ticks and fee rates are sourced (0.1, 0.01; 1.25 %), SOL's fee rate and 1000PEPE's tick are flagged", () => {
    const btc = binance.table("BTCUSDT");
    expect(btc.table.tick).toEqual({ kind: "tick", tickSize: "0.1" });
    expect(binance.table("ETHUSDT", day("2022-06-01")).table.tick).toEqual({ kind: "tick", tickSize: "0.01" });
    expect(btc.unsourced.some((u) => /^liquidation loss: feeRate/.test(u))).toBe(false);
    expect(binance.table("SOLUSDT").unsourced.some((u) => /^liquidation loss: feeRate/.test(u))).toBe(true);
    expect(btc.unsourced.some((u) => /tickSize/.test(u))).toBe(false);
    expect(binance.table("1000PEPEUSDT").unsourced.some((u) => /^tickSize of symbols other than BTCUSDT/.test(u))).toBe(true);
  });

  it("dYdX: ETH-USD's Large-Cap fractions (IMF 2 %, MMF 60 % of it) are sourced, SOL-USD's flagged before its 2025-12-08 recording", () => {
    const dydx = getVenue("dydx");
    expect(dydx.tiers("ETH-USD")[0]).toMatchObject({ maxLeverage: 1 / 0.02, mmr: 0.02 * 0.6 });
    expect(dydx.table("ETH-USD").unsourced.some((u) => u.startsWith("ETH-USD:"))).toBe(false);
    expect(dydx.table("SOL-USD", day("2025-08-01")).unsourced.some((u) => u.startsWith("SOL-USD: tiers"))).toBe(true); // before the 2025-12-08 recording
    // tickSize = subticks_per_tick × 10^qce × 10^−atomic_resolution × 10^−6 (reference genesis)
    expect(dydx.table("ETH-USD").table.tick).toEqual({ kind: "tick", tickSize: String(10 ** (5 - 9 + 9 - 6)) }); // 10^5 · 10^−9 · 10^9 · 10^−6
  });

  it("Hyperliquid: nothing of its liquidation rule is flagged", () => {
    expect(getVenue("hyperliquid").table("BTC").unsourced.some((u) => u.startsWith("liquidation loss"))).toBe(false);
  });
});

describe("Bybit's recorded ETHUSDT tiers (ccxt #17061, 2023-03-05) and BTCUSDT beyond 6M (ccxt #17055)", () => {
  const bybit = getVenue("bybit");
  it("ETHUSDT: 0.5 % to 900k, 1 % to 1.5M, ... 6.5 % to 24M, deductions by Bybit's recursion", () => {
    const t = bybit.tiers("ETHUSDT");
    expect(t.map((x) => [x.cap, x.mmr, x.maxLeverage]).slice(0, 3)).toEqual([[900_000, 0.005, 100], [1_500_000, 0.01, 50], [3_000_000, 0.015, 36.37]]);
    expect(t[12]).toMatchObject({ floor: 22_000_000, cap: 24_000_000, mmr: 0.065, maxLeverage: 9.76 });
    expect(t[1].deduction).toBeCloseTo(900_000 * 0.005, 6); // 4,500
    expect(t[2].deduction).toBeCloseTo(4_500 + 1_500_000 * 0.005, 6); // 12,000
    expect(bybit.table("ETHUSDT").unsourced.some((u) => u.startsWith("ETHUSDT: tiers above 24,000,000"))).toBe(true);
  });

  it("a 1,000 ETH long at 1,000 (1M, tier 2: MM = 1M × 1 % − 4,500 = 5,500), 10x isolated, liquidates at 905.5", () => {
    // Bybit's USDT formula: LP = entry − (IM − MM) / size = 1,000 − (100,000 − 5,500) / 1,000
    const q = liquidationPrice(bybit, { symbol: "ETHUSDT", side: "long", size: 1_000, entryPrice: 1_000, mode: "isolated", leverage: 10 });
    expect(q.liquidationPrice!).toBeCloseTo(905.5, 9);
  });

  it("BTCUSDT in mid-2023: the 34 recorded rows (hirokisan/bybit golden file at 77e1b6b), agreeing with ccxt #17055's tiers 15-18", () => {
    const t = bybit.tiers("BTCUSDT", day("2023-07-01"));
    expect(t).toHaveLength(34);
    expect(t.slice(14, 18).map((x) => [x.cap, x.mmr, x.maxLeverage])).toEqual([[30e6, 0.075, 8.7], [32e6, 0.08, 8.16], [34e6, 0.085, 7.69], [36e6, 0.09, 7.27]]);
    expect([t[3].cap, t[3].mmr, t[3].maxLeverage]).toEqual([8e6, 0.02, 30.77]); // riskId 4 → 8,000,000 (also bybit-exchange/docs' set-risk-limit example)
    expect([t[13].cap, t[13].mmr, t[13].maxLeverage]).toEqual([28e6, 0.07, 9.3]);
    // deduction at 30M: Σ floor_k × 0.5 % over the 14 raises = 0.005 × 2M × (1 + … + 14)
    expect(t[14].deduction).toBeCloseTo(0.005 * 2e6 * 105, 6); // 1,050,000
    expect([t[33].floor, t[33].cap, t[33].mmr, t[33].maxLeverage]).toEqual([100e6, 200e6, 0.6, 1]);
    expect(bybit.table("BTCUSDT", day("2023-07-01")).unsourced.some((u) => /interpolated/.test(u))).toBe(false);
  });

  it("BTCUSDT from 2024-06-15: Bybit's finer ladder (hirokisan/bybit golden file at 3c03f4e): 2.6M 0.56 % 90x, deduction 2M × 0.06 % = 1,200", () => {
    const choice = bybit.table("BTCUSDT", day("2024-07-01"));
    expect(choice.id).toBe("bybit-2024-06-15");
    const t = choice.table.tiers;
    expect(t).toHaveLength(35);
    expect(t[1]).toMatchObject({ floor: 2e6, cap: 2.6e6, maxLeverage: 90, mmr: 0.0056 });
    expect(t[1].deduction).toBeCloseTo(2e6 * (0.0056 - 0.005), 6);
    expect(t[2].deduction).toBeCloseTo(1_200 + 2.6e6 * (0.0063 - 0.0056), 6); // 3,020
    expect([t[34].cap, t[34].mmr, t[34].maxLeverage]).toEqual([1.2e9, 0.6, 1]);
    expect(bybit.table("ETHUSDT", day("2024-07-01")).id).toBe("bybit-2023-06-01"); // the 2024 recording holds BTCUSDT only
  });
});
