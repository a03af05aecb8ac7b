import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { getVenue, tierIndex } from "../../src/venues/index.ts";
import {
  FLOAT, decimalNum, excessIntercept, excessSlope, isLinearRule, linearRoot, liquidationRoot, liquidationTier, maintenance, maintenanceRule,
  positionExcess, rootPerAvailable,
} from "../../src/margin/index.ts";

const D = Decimal.clone({ precision: 40 });
const DEC = decimalNum(D);
const d = (x: number) => new D(x);

describe("the margin algebra, one statement for floats and decimals", () => {
  it("classic Binance example: 0.2 BTC long at 50,000 behind 1,000 liquidates at 9,000 / 0.1992 = 45,180.7229 in both number types", () => {
    const rule = maintenanceRule(getVenue("binance"), "BTCUSDT");
    const want = 9_000 / 0.1992; // (1,000 − 10,000) / (0.2 × 0.004 − 0.2)
    expect(liquidationRoot(FLOAT, rule, 1, 0.2, 50_000, 1_000)).toBeCloseTo(want, 8);
    expect(liquidationRoot(DEC, rule, 1, d(0.2), d(50_000), d(1_000)).toDecimalPlaces(6).toNumber()).toBe(45_180.722892);
    // maintenance at entry: 10,000 × 0.4 % = 40
    expect(maintenance(FLOAT, rule, 0.2, 50_000, 50_000)).toBe(40);
    expect(maintenance(DEC, rule, d(0.2), d(50_000), d(50_000)).toNumber()).toBe(40);
  });

  it("the tier search lands in the bracket of the notional at the root, where the excess is zero", () => {
    const rule = maintenanceRule(getVenue("binance"), "BTCUSDT");
    // 100 BTC long at 40,000 behind 1.2M: root near 28,000 → notional 2.8M, the 0.8M–3M bracket (0.65 %, cum 1,500)
    const k = liquidationTier(FLOAT, rule, 1, 100, 40_000, 1_200_000);
    const p = liquidationRoot(FLOAT, rule, 1, 100, 40_000, 1_200_000);
    expect(rule.tiers[k].mmr).toBe(0.0065);
    expect(tierIndex(rule.tiers, 100 * p)).toBe(k);
    // closed form on that bracket: (1.2M + 1,500 − 4M) / (100 × 0.0065 − 100)
    expect(p).toBeCloseTo((1_200_000 + 1_500 - 4_000_000) / (0.65 - 100), 6);
    expect(1_200_000 + positionExcess(FLOAT, rule, 1, 100, 40_000, p)).toBeCloseTo(0, 4);
    expect(liquidationTier(DEC, rule, 1, d(100), d(40_000), d(1_200_000))).toBe(k);
  });

  it("GMX takes maintenance at entry with its close fee and $1 floor: the root is where margin + PnL meets that constant", () => {
    const rule = maintenanceRule(getVenue("gmx"), "BTC");
    // 2 BTC at 60,000 (120k): 0.5 % × 120k + close fee 120k × taker = 600 + 120k × fee
    const mm = 600 + 120_000 * getVenue("gmx").takerFee;
    expect(maintenance(FLOAT, rule, 2, 60_000, 55_000)).toBeCloseTo(mm, 9);
    const p = liquidationRoot(FLOAT, rule, 1, 2, 60_000, 6_000);
    expect(p).toBeCloseTo(60_000 - (6_000 - mm) / 2, 8);
    expect(liquidationRoot(DEC, rule, 1, d(2), d(60_000), d(6_000)).toNumber()).toBeCloseTo(p, 8);
  });

  it("a one-piece rule's excess is slope × P + intercept, and its root moves by rootPerAvailable per unit of margin", () => {
    for (const [venue, symbol] of [["dydx", "BTC-USD"], ["bybit", "BTCUSDT"]] as const) {
      const rule = { ...maintenanceRule(getVenue(venue), symbol) };
      const one = { ...rule, tiers: [rule.tiers[0]] };
      expect(isLinearRule(one)).toBe(true);
      const t = one.tiers[0];
      for (const dir of [1, -1] as const) {
        for (const P of [20_000, 35_000.5, 61_234]) {
          const direct = positionExcess(FLOAT, one, dir, 3, 40_000, P);
          const linear = excessSlope(FLOAT, one.family, t, dir, 3) * P + excessIntercept(FLOAT, one.family, t, dir, 3, 40_000);
          expect(linear).toBeCloseTo(direct, 6);
        }
        const r0 = linearRoot(FLOAT, one.family, t, dir, 3, 40_000, 10_000);
        const r1 = linearRoot(FLOAT, one.family, t, dir, 3, 40_000, 10_250);
        expect(r1 - r0).toBeCloseTo(250 * rootPerAvailable(FLOAT, one.family, t, dir, 3), 6);
        expect(r0).toBe(liquidationRoot(FLOAT, one, dir, 3, 40_000, 10_000));
      }
    }
  });
});
