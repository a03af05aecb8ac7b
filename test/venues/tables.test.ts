import { describe, expect, it } from "vitest";
import { formatPrice, getVenue, parseVenueTables, tierAt, VenueTables } from "../../src/venues/index.ts";
import { accountLiquidationPrices, Account, liquidationPrice } from "../../src/margin/index.ts";
import { InputError } from "../../src/market/index.ts";
import binance2024 from "../../src/venues/tables/binance-2024-10-24.json" with { type: "json" };

const binance = getVenue("binance");
const hyperliquid = getVenue("hyperliquid");
const day = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe("worked examples on the shipped tables", () => {
  it("issue 11: a 10x SOL long at 150 on Binance's SOLUSDT bracket (0.5 % to 20k) liquidates at 135.68, not 138.46", () => {
    // isolated: LP = (M − qE) / (q·mmr − q) = (15 − 150) / (0.005 − 1) = 135 / 0.995
    const iso = liquidationPrice(binance, { symbol: "SOLUSDT", side: "long", size: 1, entryPrice: 150, mode: "isolated", leverage: 10 });
    expect(iso.liquidationPrice!).toBeCloseTo(135 / 0.995, 10);
    expect(formatPrice(iso.liquidationPrice!, { kind: "tick", tickSize: "0.01" })).toBe("135.68");
    const cross = liquidationPrice(binance, { symbol: "SOLUSDT", side: "long", size: 1, entryPrice: 150, mode: "cross", leverage: 10 }, 15);
    expect(cross.liquidationPrice!).toBeCloseTo(135 / 0.995, 10);
    expect(binance.table("SOLUSDT").id).toBe("binance-2024-10-24");
  });

  it("Hyperliquid margin tiers (margin-tiers.md): mmr = half the IM at max leverage, deductions by the recursion", () => {
    expect(hyperliquid.tiers("SOL")[0].mmr).toBe(0.025); // "at 20x max leverage, maintenance_margin_rate = 2.5%"
    expect(hyperliquid.tiers("BTC")[0].mmr).toBe(0.0125); // 40x → 1.25 % (liquidations.md)
    expect(hyperliquid.tiers("BTC")[1]).toMatchObject({ floor: 150e6, maxLeverage: 20 });
    expect(hyperliquid.tiers("BTC")[1].deduction).toBeCloseTo(150e6 * (0.025 - 0.0125), 6); // 1,875,000
    expect(hyperliquid.tiers("ETH")[1].deduction).toBeCloseTo(100e6 * (1 / 30 - 1 / 50), 4); // 1,333,333.33
    expect(hyperliquid.tiers("kpepe")).toEqual(hyperliquid.tiers("DOGE")); // both margin table 52: 10x to 20M, 5x beyond
    expect(hyperliquid.tiers("BNB")[1].floor).toBe(3e6); // table 51 "tiered 10x"
  });

  it("Hyperliquid HL-1 (clearinghouseState example): isolated ETH long liquidates at 2866.2694", () => {
    // szi 0.0335 at 2986.3, 20x isolated, maxLeverage 50; isolated margin 4.967826 with uPnL −0.0134
    const q = liquidationPrice(hyperliquid, { symbol: "ETH", side: "long", size: 0.0335, entryPrice: 2986.3, mode: "isolated", margin: 4.967826 + 0.0134, maxLeverage: 50 });
    expect(q.liquidationPrice!).toBeCloseTo(2866.26937, 3);
  });

  it("Bybit: BTCUSDT's recorded risk-limit rows of 2023 (2M 0.5 %, 4M 1 % with mmDeduction 10,000) and BY-1", () => {
    const t = getVenue("bybit").tiers("BTCUSDT", Date.UTC(2023, 6, 1));
    expect(tierAt(t, 2_000_000 - 1).mmr).toBe(0.005);
    expect(tierAt(t, 3_000_000)).toMatchObject({ mmr: 0.01, maxLeverage: 57.14, deduction: 10_000 });
    const q = liquidationPrice(getVenue("bybit"), { symbol: "BTCUSDT", side: "long", size: 1, entryPrice: 20_000, mode: "isolated", leverage: 50 });
    expect(q.liquidationPrice).toBe(19_700); // BY-1: 20,000 − (400 − 100)
  });

  it("dYdX: BTC-USD IMF 2 % / MMF 1.2 % (indexer), the docs' isolated formula p' = (e − s·p) / (|s|·MMF − s)", () => {
    const dydx = getVenue("dydx");
    expect(dydx.tiers("BTC-USD")[0]).toMatchObject({ maxLeverage: 50, mmr: 0.012 });
    const q = liquidationPrice(dydx, { symbol: "BTC-USD", side: "long", size: 1, entryPrice: 100_000, mode: "isolated", margin: 10_000 });
    expect(q.liquidationPrice!).toBeCloseTo((10_000 - 100_000) / (0.012 - 1), 8);
    // DY-1 with the docs' MMF 5 %: short 3 ETH at 3,000, equity 1,000 → 3,174.60
    const d1 = liquidationPrice(dydx, { symbol: "ETH-USD", side: "short", size: 3, entryPrice: 3000, mode: "isolated", margin: 1000, mmr: 0.05 });
    expect(d1.liquidationPrice!).toBeCloseTo(10_000 / 3.15, 8);
  });

  it("Binance: every one of the 318 symbols of the 2024-10-24 snapshot loads, with its own brackets", () => {
    expect(Object.keys(binance2024.symbols)).toHaveLength(318);
    for (const s of Object.keys(binance2024.symbols)) expect(binance.table(s, day("2025-01-01")).venueSymbol).toBe(s);
    expect(binance.tiers("1000PEPEUSDT")[0]).toMatchObject({ cap: 20_000, maxLeverage: 75, mmr: 0.0065 });
    expect(binance.tiers("DOGEUSDT")[0]).toMatchObject({ cap: 10_000, maxLeverage: 75, mmr: 0.005 });
  });
});

/** freqtrade's published liquidation-price cases, as external checks (each with its file and test name). */
describe("freqtrade's test cases", () => {
  it("tests/exchange/test_binance.py::test_liquidation_price_binance (freqtrade/freqtrade 1fc69ef): isolated and cross", () => {
    // ('ETH/USDT:USDT', isolated, wallet 1,535,443.01, maintenance_amt 16,300, amount 109.488, open 32,481.98, mm 0.025) → 18,778.73
    const iso = liquidationPrice(binance, { symbol: "ETHUSDT", side: "long", size: 109.488, entryPrice: 32481.98, mode: "isolated", margin: 1535443.01, mmr: 0.025, maintenanceAmount: 16300 });
    expect(iso.liquidationPrice!).toBeCloseTo(18778.73, 2);
    // the cross cases: BTC and ETH held together, the other at its mark
    const positions = [
      { symbol: "BTCUSDT", side: "long" as const, size: 109.488, entryPrice: 32481.98, markPrice: 31967.27, mode: "cross" as const, mmr: 0.025, maintenanceAmount: 16300, leverage: 10 },
      { symbol: "ETHUSDT", side: "long" as const, size: 3683.979, entryPrice: 1456.84, markPrice: 1335.18, mode: "cross" as const, mmr: 0.1, maintenanceAmount: 135365, leverage: 10 },
    ];
    const [btc, eth] = accountLiquidationPrices(binance, 1535443.01, positions);
    expect(btc.liquidationPrice!).toBeCloseTo(26316.89, 2);
    expect(eth.liquidationPrice!).toBeCloseTo(1153.26, 2);
  });

  // tests/exchange/test_hyperliquid.py::test_hyperliquid_dry_run_liquidation_price (freqtrade/freqtrade 3b1fb5a):
  // liquidation prices the venue returned, freqtrade's markets' max leverage (BTC/ETH 50, SOL/DOGE 20, xyz 10), rel 1e-4
  const cases: Array<[string, "long" | "short", number, number, number, number, number, number]> = [
    // symbol, side, entry, contracts, collateral, leverage, venue's liquidation price, market max leverage
    ["ETH", "long", 2458.5, 0.015, 36.864593, 1, 0.86915825, 50],
    ["BTC", "long", 63287.0, 0.00039, 24.673292, 1, 22.37166537, 50],
    ["SOL", "long", 145.83, 0.33, 24.045107, 2, 74.83696193, 20],
    ["DOGE", "long", 0.11586, 437.0, 25.29769, 2, 0.05945697, 20],
    ["BTC", "short", 68595.0, 0.00069, 23.64871, 2, 101849.99354283, 50],
    ["BTC", "short", 67400.0, 0.00031, 20.887308, 1, 133443.97317151, 50],
    ["DOGE", "long", 0.13284, 360.0, 15.943218, 3, 0.09082388, 20],
    ["xyz:AAPL", "long", 250.0, 0.5, 25.0, 5, 210.5263157894737, 10],
    ["xyz:GOOGL", "short", 190.0, 0.5, 9.5, 10, 199.04761904761904, 10],
  ];
  for (const mode of ["isolated", "cross"] as const) {
    it(`test_hyperliquid_dry_run_liquidation_price, ${mode} (1x cross accepted: the fee leaves the collateral a hair below the initial margin)`, () => {
      for (const [symbol, side, entryPrice, size, collateral, leverage, expected, maxLeverage] of cases) {
        const q = mode === "isolated"
          ? liquidationPrice(hyperliquid, { symbol, side, size, entryPrice, mode, margin: collateral, maxLeverage })
          : liquidationPrice(hyperliquid, { symbol, side, size, entryPrice, mode, leverage, maxLeverage }, collateral);
        expect(Math.abs(q.liquidationPrice! / expected - 1), `${symbol} ${side} ${leverage}x`).toBeLessThan(1e-4);
      }
    });
  }

  it("the 1x cross case opens in the engine on Hyperliquid (fee after the initial-margin check), not on Binance", () => {
    const hl = new Account({ venue: hyperliquid, balance: 36.8775, symbols: ["ETH"] });
    expect(hl.trade(0, "ETH", "long", 0.015, 2458.5, { leverage: 1 })).toBe("filled");
    expect(hl.walletBalance).toBeCloseTo(36.8775 - 0.015 * 2458.5 * 0.00045, 6);
    const bn = new Account({ venue: binance, balance: 36.8775, symbols: ["ETHUSDT"] });
    expect(bn.trade(0, "ETHUSDT", "long", 0.015, 2458.5, { leverage: 1 })).toBe("insufficient-margin");
  });
});

describe("prices at their precision", () => {
  it("no rounding in computed values: a 10x DOGE long at 0.1 liquidates at 0.09 / 0.995 exactly", () => {
    const q = liquidationPrice(binance, { symbol: "DOGEUSDT", side: "long", size: 1000, entryPrice: 0.1, mode: "isolated", leverage: 10 });
    expect(q.liquidationPrice!).toBeCloseTo(0.09 / 0.995, 15);
    expect(formatPrice(q.liquidationPrice!, { kind: "unknown" })).toBe("0.0904523");
    expect(formatPrice(q.liquidationPrice!, { kind: "tick", tickSize: "0.00001" })).toBe("0.09045");
    expect(formatPrice(q.liquidationPrice!, hyperliquid.table("DOGE").table.tick)).toBe("0.090452"); // 5 sig. figures, ≤ 6 decimals
  });

  it("PEPE is never printed as 0.00", () => {
    const q = liquidationPrice(binance, { symbol: "1000PEPEUSDT", side: "long", size: 1e6, entryPrice: 0.01, mode: "isolated", leverage: 10 });
    // (M − qE) / (q·mmr − q) with mmr 0.65 %: 0.009 / 0.9935
    expect(q.liquidationPrice!).toBeCloseTo(0.009 / 0.9935, 15);
    expect(formatPrice(q.liquidationPrice!, { kind: "unknown" })).toBe("0.00905888");
    expect(formatPrice(0.0000123456, { kind: "tick", tickSize: "0.01" })).toBe("0.0000123456"); // below the tick: not 0
    expect(formatPrice(0.0000123456, { kind: "significant", figures: 5, maxDecimals: 6 })).toBe("0.000012"); // HL kPEPE-style
    expect(formatPrice(123456.7, { kind: "significant", figures: 5, maxDecimals: 1 })).toBe("123,457"); // integers always allowed
    expect(formatPrice(64123.47, { kind: "tick", tickSize: "0.10" })).toBe("64,123.50");
  });
});

describe("table selection by date", () => {
  it("BTCUSDT runs on the 2024-10-24 brackets until 2026-03-05, then on the newer ones; SOLUSDT on its only table", () => {
    expect(binance.table("BTCUSDT", day("2025-06-01")).id).toBe("binance-2024-10-24");
    expect(binance.tiers("BTCUSDT", day("2025-06-01"))[0]).toMatchObject({ cap: 50_000, maxLeverage: 125 });
    expect(binance.table("BTCUSDT", day("2026-03-05")).id).toBe("binance-2026-03-05");
    expect(binance.tiers("BTCUSDT", day("2026-04-01"))[0]).toMatchObject({ cap: 300_000, maxLeverage: 150 });
    expect(binance.table("BTCUSDT").id).toBe("binance-2026-03-05"); // no time: the newest
    expect(binance.table("BTC-USD", day("2020-01-01")).id).toBe("binance-2022-02-05"); // before every table: the oldest
    expect(binance.table("SOLUSDT", day("2026-06-01")).id).toBe("binance-2024-10-24");
  });

  it("a run's spans name each table's stretch and how far its bars lie from the table's date", () => {
    const spans = binance.tables!.spans("BTCUSDT", day("2024-11-01"), day("2026-06-01"));
    expect(spans.map((s) => s.id)).toEqual(["binance-2024-10-24", "binance-2026-03-05"]);
    expect(spans[0].to).toBe(day("2026-03-05") - 1);
    expect(spans[0].maxDistanceDays).toBeCloseTo((day("2026-03-05") - 1 - day("2024-10-24")) / 86_400_000, 6); // 496 days: warned
    expect(spans[1].maxDistanceDays).toBeCloseTo(88, 6);
  });

  it("an open position moves to the newer table when it comes into force (Account.retable)", () => {
    const acc = new Account({ venue: binance, balance: 100_000, symbols: ["BTCUSDT"] });
    acc.trade(day("2025-01-01"), "BTCUSDT", "long", 1, 60_000, { mode: "isolated", leverage: 10 });
    // 2024 brackets at the liquidation notional (~54k): 50k–600k, 0.5 %, cum 50 → (6,000 + 50 − 60,000) / (0.005 − 1)
    expect(acc.liquidationPrice("BTCUSDT")!).toBeCloseTo(53_950 / 0.995, 6);
    expect(acc.retable(day("2026-03-05"))).toBe(1);
    // 2026 brackets: 0–300k, 0.4 %, cum 0 → 54,000 / 0.996
    expect(acc.liquidationPrice("BTCUSDT")!).toBeCloseTo(54_000 / 0.996, 6);
    expect(acc.retable(day("2026-04-01"))).toBe(0);
  });
});

describe("bad table files are refused with one line naming file and field", () => {
  const good = () => ({
    format: "perpsim-venue-tables/1", venue: "binance", id: "binance-2025-01-01", asOf: "2025-01-01", source: "test",
    columns: ["floor", "cap", "maxLeverage", "mmr", "deduction"],
    liquidationLoss: { cross: { closePrice: "mark", feeRate: 0.005, feeBase: "notional liquidated", remainder: "trader", partial: "none", bankrupt: "insurance fund" } },
    symbols: { SOLUSDT: { tiers: [[0, 20000, 100, 0.005, 0], [20000, 100000, 75, 0.0065, 30]] } },
  });
  const refuse = (mutate: (t: ReturnType<typeof good>) => void, field: RegExp) => {
    const t = good();
    mutate(t);
    let err: unknown;
    try {
      parseVenueTables(t, "data/venues/binance-2025-01-01.json", "binance");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).not.toMatch(/\n/);
    expect(msg).toMatch(/^data\/venues\/binance-2025-01-01\.json: /);
    expect(msg).toMatch(field);
  };

  it("accepts the good one", () => {
    const f = parseVenueTables(good(), "x.json", "binance");
    expect(f.symbols.get("SOLUSDT")!.tiers[1].deduction).toBe(30);
    expect(new VenueTables("binance", [f]).choose("sol").venueSymbol).toBe("SOLUSDT");
  });
  it("missing tiers", () => refuse((t) => { (t.symbols.SOLUSDT as { tiers?: unknown }).tiers = undefined; }, /symbols\.SOLUSDT\.tiers: is missing or empty/));
  it("empty tiers", () => refuse((t) => { t.symbols.SOLUSDT.tiers = []; }, /symbols\.SOLUSDT\.tiers: is missing or empty/));
  it("decreasing floors", () => refuse((t) => { t.symbols.SOLUSDT.tiers.push([10000, 200000, 50, 0.01, 580]); }, /symbols\.SOLUSDT\.tiers\[2\]\.floor: 10000 decreases \(previous floor 20000\)/));
  it("a gap between tiers", () => refuse((t) => { t.symbols.SOLUSDT.tiers[1][0] = 25000; }, /symbols\.SOLUSDT\.tiers\[1\]\.floor: 25000 does not start where tier 0 ends \(20000\)/));
  it("negative rates", () => refuse((t) => { t.symbols.SOLUSDT.tiers[0][3] = -0.005; }, /symbols\.SOLUSDT\.tiers\[0\]\.mmr: must be a rate in \(0, 1\) \(got -0\.005\)/));
  it("a negative fee", () => refuse((t) => { t.liquidationLoss.cross.feeRate = -0.01; }, /liquidationLoss\.cross\.feeRate: must be a rate/));
  it("a deduction that breaks continuity", () => refuse((t) => { t.symbols.SOLUSDT.tiers[1][4] = 99; }, /tiers\[1\]\.deduction: 99 breaks maintenance continuity \(expected 30\)/));
  it("a bad date", () => refuse((t) => { t.asOf = "2025-13-40"; }, /asOf: must be a date/));
  it("another venue's file", () => refuse((t) => { t.venue = "bybit"; }, /venue: is "bybit", expected "binance"/));
});

describe("what a liquidation costs, per venue (the tables' liquidationLoss, charged by the engine)", () => {
  /** open 1 unit isolated, cross the liquidation price by a hair, return what came back to the wallet */
  function liquidate(venueName: string, symbol: string, entry: number, leverage: number) {
    const venue = getVenue(venueName);
    const acc = new Account({ venue, balance: 100_000, symbols: [symbol] });
    acc.trade(1, symbol, "long", 1, entry, { mode: "isolated", leverage });
    const before = acc.walletBalance;
    const lp = acc.liquidationPrice(symbol)!;
    expect(acc.checkLiquidations(2, new Float64Array([lp * (1 - 1e-12)]))).toBe(1);
    return { returned: acc.walletBalance - before, lp, loss: venue.table(symbol).liquidationLoss.isolated! };
  }

  it("Binance: a small position is already bankrupt — the 0.5 % fee takes the 0.5 % maintenance that is left", () => {
    const r = liquidate("binance", "SOLUSDT", 150, 10);
    expect(r.loss).toMatchObject({ feeRate: 0.005, remainder: "trader" });
    expect(r.returned).toBeCloseTo(0, 6); // left at LP: 0.005 × 135.678 = 0.678; fee 0.005 × 135.678
  });

  it("Hyperliquid: no clearance fee, the maintenance margin left goes back to the trader", () => {
    const r = liquidate("hyperliquid", "SOL", 150, 10);
    expect(r.loss).toMatchObject({ feeRate: 0, remainder: "trader" });
    expect(r.lp).toBeCloseTo(135 / 0.975, 9);
    expect(r.returned).toBeCloseTo(0.025 * (135 / 0.975), 6); // 3.4615
  });

  it("Bybit: taken over at the bankruptcy price, the maintenance margin goes to the insurance fund", () => {
    const r = liquidate("bybit", "BTCUSDT", 20_000, 50);
    expect(r.loss).toMatchObject({ closePrice: "bankruptcy", remainder: "insurance fund" });
    expect(r.lp).toBeCloseTo(19_700, 9);
    expect(r.returned).toBe(0);
  });
});
