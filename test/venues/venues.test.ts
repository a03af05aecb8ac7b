import { describe, expect, it } from "vitest";
import { baseAsset, buildTiers, getVenue, tierAt, VENUE_NAMES, withTiers } from "../../src/venues/index.ts";

const BINANCE_TIERS = { BTC: getVenue("binance").tiers("BTCUSDT"), ETH: getVenue("binance").tiers("ETHUSDT") };
const HYPERLIQUID_TIERS = { BTC: getVenue("hyperliquid").tiers("BTC"), ETH: getVenue("hyperliquid").tiers("ETH") };
import { InputError } from "../../src/market/errors.ts";

describe("tier tables", () => {
  it("Binance 2026 BTCUSDT cum follows the bracket recursion and matches the published column", () => {
    // margin-rules.md §2.1, cum column of GET /fapi/v1/leverageBracket (2026-03-05)
    const cums = [0, 300, 1_500, 12_000, 132_000, 482_000, 2_982_000, 14_482_000, 26_482_000, 41_482_000, 121_482_000, 421_482_000];
    BINANCE_TIERS.BTC.forEach((t, i) => expect(t.deduction).toBeCloseTo(cums[i], 6));
    const ethCums = [0, 300, 1_500, 12_000, 132_000, 382_000, 2_007_000, 9_507_000, 17_507_000, 27_507_000, 80_507_000, 280_507_000];
    BINANCE_TIERS.ETH.forEach((t, i) => expect(t.deduction).toBeCloseTo(ethCums[i], 6));
  });

  it("Binance 2021 table reproduces the FAQ's bracket lookups (BN-3)", () => {
    const k = 1000;
    const t2021 = buildTiers([
      { floor: 0, maxLeverage: 125, mmr: 0.004 }, { floor: 50 * k, maxLeverage: 100, mmr: 0.005 },
      { floor: 250 * k, maxLeverage: 50, mmr: 0.01 }, { floor: 1000 * k, maxLeverage: 20, mmr: 0.025 },
    ]);
    const venue = withTiers(getVenue("binance"), { BTCUSDT: t2021 });
    expect(tierAt(venue.tiers("BTCUSDT"), 264_000).mmr).toBe(0.01);
    expect(tierAt(venue.tiers("BTCUSDT"), 500_000).deduction).toBeCloseTo(1_300, 9);
    expect(tierAt(venue.tiers("BTCUSDT"), 5_000_000).deduction).toBeCloseTo(16_300, 9); // gist: ≤10M 2.5 % cum 16,300
  });

  it("Hyperliquid maintenance is half the initial margin at max leverage, with the documented deductions", () => {
    expect(buildTiers([{ floor: 0, maxLeverage: 20 }])[0].mmr).toBe(0.025); // HL-3
    expect(HYPERLIQUID_TIERS.BTC[0].mmr).toBe(0.0125); // 40x → 1.25 %
    expect(HYPERLIQUID_TIERS.BTC[1].deduction).toBeCloseTo(1_875_000, 6);
    expect(HYPERLIQUID_TIERS.ETH[1].deduction).toBeCloseTo(1_333_333.33, 2);
  });

  it("rejects a table whose rate decreases", () => {
    expect(() => buildTiers([{ floor: 0, maxLeverage: 10, mmr: 0.05 }, { floor: 100, maxLeverage: 20, mmr: 0.01 }])).toThrow(InputError);
  });
});

describe("venues", () => {
  it("maps symbol styles to the base asset", () => {
    expect(["BTCUSDT", "BTC", "BTC-USD", "btc/usdt", "BTC-PERP"].map(baseAsset)).toEqual(["BTC", "BTC", "BTC", "BTC", "BTC"]);
    expect(() => baseAsset("??")).toThrow(InputError);
    expect(getVenue("binance").tiers("ETH-USD")).toBe(BINANCE_TIERS.ETH);
  });

  it("knows every venue and rejects unknown ones", () => {
    for (const n of VENUE_NAMES.filter((n) => n !== "custom")) expect(getVenue(n).name).toBe(n);
    expect(() => getVenue("kraken")).toThrow(/unknown venue 'kraken'/);
    expect(getVenue("gmx").modes).toEqual(["isolated"]);
    expect(getVenue("dydx").triggerPrice).toBe("oracle");
    expect(getVenue("hyperliquid").funding.priceSource).toBe("oracle");
    expect(getVenue("binance").funding.priceSource).toBe("mark");
    expect(getVenue("bybit").liqPriceFamily).toBe("mm-at-entry");
  });

  it("builds a custom venue from the Monte Carlo config shape", () => {
    const v = getVenue({ name: "custom", maintenanceMarginRate: 0.01, takerFee: 0.0005, liquidationFee: 0.01, fundingIntervalHours: 4 });
    expect(v.tiers("ANYTHING")[0].mmr).toBe(0.01);
    expect(v.tiers("X")[0].maxLeverage).toBe(50);
    expect(v.funding.intervalHours).toBe(4);
    expect(v.liqPriceFamily).toBe("mm-at-liquidation");
    expect(() => getVenue({ name: "custom", maintenanceMarginRate: -1, takerFee: 0, liquidationFee: 0 })).toThrow(InputError);
  });
});
