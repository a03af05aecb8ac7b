import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { getVenue, type Venue } from "../../src/venues/index.ts";
import { Account, liquidationPrice, type EngineEvent, type MarginMode } from "../../src/margin/index.ts";

const VENUES: Venue[] = ["hyperliquid", "binance", "bybit", "dydx", "gmx"].map((n) => getVenue(n))
  .concat(getVenue({ name: "custom", maintenanceMarginRate: 0.01, takerFee: 0.0005, liquidationFee: 0.01 }));

interface Case { venue: Venue; mode: MarginMode; side: "long" | "short"; entry: number; size: number; leverage: number; balance: number }

function randomCase(rng: () => number, venue: Venue, mode: MarginMode): Case {
  const entry = 100 + rng() * 60_000;
  const notional = 1_000 + rng() * 90_000; // below Hyperliquid's 100k partial threshold and Bybit's first tier
  const maxLev = venue.tiers("BTC")[0].maxLeverage;
  const leverage = Math.max(1, Math.floor(1 + rng() * (Math.min(maxLev, 50) - 1)));
  return { venue, mode, side: rng() < 0.5 ? "long" : "short", entry, size: notional / entry, leverage, balance: (notional / leverage) * (1.2 + rng() * 3) };
}

function openCase(c: Case, events?: (e: EngineEvent) => void, slippage = 0): Account {
  const acc = new Account({ venue: c.venue, balance: c.balance, symbols: ["BTC"], events, liquidationSlippage: slippage });
  expect(acc.trade(0, "BTC", c.side, c.size, c.entry, { mode: c.mode, leverage: c.leverage })).toBe("filled");
  return acc;
}

function calcLiq(c: Case, acc: Account): number | null {
  const pos = acc.position("BTC")!;
  return liquidationPrice(c.venue, {
    symbol: "BTC", side: c.side, size: pos.size, entryPrice: pos.entryPrice, mode: c.mode,
    leverage: c.leverage, margin: c.mode === "isolated" ? pos.margin : undefined,
  }, acc.walletBalance).liquidationPrice;
}

describe("engine against the calculator (property)", () => {
  for (const venue of VENUES) {
    for (const mode of venue.modes) {
      it(`${venue.name} ${mode}: stepping toward the liquidation price liquidates at the first step past it`, () => {
        const rng = seedrandom.alea(`${venue.name}-${mode}`);
        let checked = 0;
        for (let k = 0; k < 40; k++) {
          const c = randomCase(rng, venue, mode);
          const acc = openCase(c);
          const lp = calcLiq(c, acc);
          if (lp === null) continue;
          const dir = c.side === "long" ? 1 : -1;
          const step = c.entry * 0.0007 * (0.5 + rng());
          const tick = 0.01;
          if (lp < 2 * step) continue; // the walk would step over zero before reaching it
          const prices = new Float64Array(1);
          let liquidatedAt = NaN;
          for (let i = 1; i < 100_000; i++) {
            const px = c.entry - dir * i * step;
            if (px <= 0) break;
            prices[0] = px;
            if (acc.checkLiquidations(i, prices) > 0) {
              liquidatedAt = px;
              break;
            }
            // not before: every price that did not liquidate is on the safe side of the liquidation price
            expect(dir * (px - lp)).toBeGreaterThan(-tick);
          }
          expect(Number.isNaN(liquidatedAt)).toBe(false);
          // at the first step past it: the previous step was still on the safe side
          expect(dir * (lp - liquidatedAt)).toBeGreaterThan(-tick);
          expect(dir * (lp - liquidatedAt)).toBeLessThan(step + tick);
          checked++;
        }
        expect(checked).toBeGreaterThan(20);
      });

      it(`${venue.name} ${mode}: a segment check liquidates at the calculator's price, and loss stays within the mode's cap`, () => {
        const rng = seedrandom.alea(`seg-${venue.name}-${mode}`);
        for (let k = 0; k < 30; k++) {
          const c = randomCase(rng, venue, mode);
          const events: EngineEvent[] = [];
          const acc = openCase(c, (e) => events.push(e), rng() * 0.03);
          const lp = calcLiq(c, acc);
          if (lp === null) continue;
          const walletAfterOpen = acc.walletBalance;
          const dir = c.side === "long" ? 1 : -1;
          // a crash straight through the liquidation price to 40 % beyond it
          const from = new Float64Array([c.entry]);
          const to = new Float64Array([Math.max(1, lp * (1 - dir * 0.4))]);
          expect(acc.checkSegment(0, 1000, from, to)).toBeGreaterThan(0);
          const first = events.find((e) => e.type === "liquidation")!;
          const slip = first.price / lp - 1;
          expect(Math.abs(slip)).toBeLessThanOrEqual(0.03 + 1e-6); // trigger at lp, worsened by at most the slippage
          if (mode === "isolated") expect(acc.walletBalance).toBeGreaterThanOrEqual(walletAfterOpen - 1e-9);
          else expect(acc.walletBalance).toBeGreaterThanOrEqual(0);
        }
      });
    }
  }

  it("a gap past the bankruptcy price fills at the gap price and records bad debt, loss capped at the margin", () => {
    const events: EngineEvent[] = [];
    const venue = getVenue("binance");
    const acc = new Account({ venue, balance: 10_000, symbols: ["BTCUSDT"], events: (e) => events.push(e) });
    acc.trade(0, "BTCUSDT", "long", 0.2, 50_000, { mode: "isolated", leverage: 10 }); // margin 1,000, liq 45,180.72
    const wallet = acc.walletBalance;
    expect(acc.checkSegment(0, 60_000, new Float64Array([40_000]), new Float64Array([39_000]))).toBe(1);
    const liq = events.find((e) => e.type === "liquidation")!;
    expect(liq.price).toBe(40_000);
    expect(liq.amount).toBeCloseTo(-2_000, 6); // 0.2 × (40,000 − 50,000)
    const bad = events.find((e) => e.type === "bad-debt")!;
    expect(bad.amount).toBeCloseTo(1_000, 6); // 2,000 lost against 1,000 of margin
    expect(acc.walletBalance).toBeCloseTo(wallet, 9);
  });

  it("a lone cross position behind the whole wallet liquidates where the same isolated position does", () => {
    for (const venue of VENUES.filter((v) => v.modes.includes("cross"))) {
      const cross = new Account({ venue, balance: 2_000, symbols: ["ETH"] });
      cross.trade(0, "ETH", "short", 5, 3_000, { mode: "cross", leverage: 10 });
      const iso = new Account({ venue, balance: 2_000, symbols: ["ETH"] });
      const fee = 5 * 3_000 * venue.takerFee;
      iso.trade(0, "ETH", "short", 5, 3_000, { mode: "isolated", margin: 2_000 - fee });
      expect(iso.walletBalance).toBeCloseTo(0, 6);
      const p = new Float64Array([3_000]);
      expect(iso.liquidationPrice("ETH")!).toBeCloseTo(cross.liquidationPrice("ETH", p)!, 6);
    }
  });

  it("funding paid from an isolated margin moves its liquidation price as the formula predicts", () => {
    for (const venue of VENUES) {
      const acc = new Account({ venue, balance: 5_000, symbols: ["SOL"] });
      acc.trade(0, "SOL", "long", 100, 150, { mode: "isolated", leverage: 5 });
      const mmr = venue.tiers("SOL")[0].mmr;
      const before = acc.liquidationPrice("SOL")!;
      const paid = -acc.settleFunding("SOL", 0.001, 150, 3_600_000); // 100 × 150 × 0.1 % = 15
      expect(paid).toBeCloseTo(15, 9);
      const after = acc.liquidationPrice("SOL")!;
      // mm at the liquidation price: LP = (E − (M + cum)/q)/(1 − mmr) → ΔLP = paid / (q (1 − mmr)); at entry: ΔLP = paid / q
      const expected = venue.liqPriceFamily === "mm-at-entry" ? paid / 100 : paid / (100 * (1 - mmr));
      expect(after - before).toBeCloseTo(expected, 9);
    }
  });

  it("cross funding comes from the wallet and a hedge is not liquidated by its own move", () => {
    const venue = getVenue("hyperliquid");
    const acc = new Account({ venue, balance: 1_000, symbols: ["BTC", "ETH"] });
    acc.trade(0, "BTC", "long", 0.1, 50_000, { leverage: 10 });
    acc.trade(0, "ETH", "short", 1.5, 3_000, { leverage: 10 });
    const w = acc.walletBalance;
    expect(acc.settleFunding("BTC", 0.0001, 50_000, 1)).toBeCloseTo(-0.5, 9);
    expect(acc.walletBalance).toBeCloseTo(w - 0.5, 9);
    // both legs fall 20 %: BTC loses 1,000, ETH gains 900 — cross survives
    expect(acc.checkSegment(0, 1, new Float64Array([50_000, 3_000]), new Float64Array([40_000, 2_400]))).toBe(0);
  });

  it("Hyperliquid liquidates 20 % of a position above 100k, then the whole of it during the cooldown", () => {
    const events: EngineEvent[] = [];
    const acc = new Account({ venue: getVenue("hyperliquid"), balance: 20_000, symbols: ["BTC"], events: (e) => events.push(e) });
    acc.trade(0, "BTC", "long", 4, 50_000, { mode: "isolated", leverage: 20 }); // 200k notional, margin 10k, 40x max → mmr 1.25 %
    const lp = acc.liquidationPrice("BTC")!;
    expect(acc.checkLiquidations(1_000, new Float64Array([lp - 1]))).toBeGreaterThanOrEqual(1);
    const liqs = events.filter((e) => e.type === "liquidation");
    expect(liqs[0].detail).toBe("partial");
    expect(liqs[0].size).toBeCloseTo(0.8, 12);
    // within 30 s a new breach closes the rest at once
    const lp2 = acc.liquidationPrice("BTC")!;
    acc.checkLiquidations(20_000, new Float64Array([lp2 - 1]));
    expect(events.filter((e) => e.type === "liquidation").at(-1)!.detail).toBe("full");
    expect(acc.position("BTC")).toBeNull();
  });

  it("checks allocate nothing on the hot path when nothing is liquidated (no events built without a sink)", () => {
    const acc = new Account({ venue: getVenue("binance"), balance: 10_000, symbols: ["BTCUSDT", "ETHUSDT"], ledger: "fast" });
    acc.trade(0, "BTCUSDT", "long", 0.1, 50_000, { mode: "isolated", leverage: 10 });
    acc.trade(0, "ETHUSDT", "short", 1, 3_000, { leverage: 10 });
    const a = new Float64Array([50_000, 3_000]);
    const b = new Float64Array([49_000, 3_050]);
    for (let i = 0; i < 1000; i++) expect(acc.checkSegment(i, i + 1, a, b)).toBe(0);
  });
});
