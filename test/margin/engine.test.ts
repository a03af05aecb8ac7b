import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { getVenue, tierAt, type Venue } from "../../src/venues/index.ts";
import { Account, liquidationPrice, type EngineEvent, type MarginMode } from "../../src/margin/index.ts";

const VENUES: Venue[] = ["hyperliquid", "binance", "bybit", "dydx", "gmx"].map((n) => getVenue(n))
  .concat(getVenue({ name: "custom", maintenanceMarginRate: 0.01, takerFee: 0.0005, liquidationFee: 0.01 }));

interface Case { venue: Venue; mode: MarginMode; side: "long" | "short"; entry: number; size: number; leverage: number; balance: number }

/**
 * `small`: 1k–91k of notional, below Hyperliquid's 100k partial threshold and in every venue's first tier;
 * `large`: 120k–25M, log-uniform, across Binance's brackets (300k, 800k, 3M, 12M), Bybit's (2M, 4M)
 * and above Hyperliquid's partial threshold; capped below the venue's largest tier (Bybit's sourced
 * BTCUSDT rows stop at 6M).
 */
function randomCase(rng: () => number, venue: Venue, mode: MarginMode, band: "small" | "large" = "small"): Case {
  const entry = 100 + rng() * 60_000;
  const top = venue.tiers("BTC").at(-1)!.cap;
  const notional = Math.min(band === "small" ? 1_000 + rng() * 90_000 : 120_000 * Math.exp(rng() * Math.log(25_000_000 / 120_000)), 0.8 * top);
  const maxLev = tierAt(venue.tiers("BTC"), notional).maxLeverage;
  const leverage = Math.max(1, Math.floor(1 + rng() * (Math.min(maxLev, 50) - 1)));
  return { venue, mode, side: rng() < 0.5 ? "long" : "short", entry, size: notional / entry, leverage, balance: (notional / leverage) * (1.2 + rng() * 3) };
}

/**
 * A lone position liquidated once at `fill` (full policies, Hyperliquid's backstop, Bybit's takeover in
 * its lowest tier), worked out from the venue's rules: the bucket (cross wallet or isolated margin)
 * realises the loss, pays the clearance fee out of what is left, and what is still negative is bad debt.
 */
function expectedOutcome(c: Case, margin: number, walletAfterOpen: number, fill: number) {
  const dir = c.side === "long" ? 1 : -1;
  const bucket = (c.mode === "cross" ? walletAfterOpen : margin) + dir * c.size * (fill - c.entry);
  const mm = c.size * fill * tierAt(c.venue.tiers("BTC"), c.size * fill).mmr;
  const policy = c.venue.liquidation;
  const forfeit = policy.kind === "tier-down" || (policy.kind === "partial" && bucket < policy.backstopRatio * mm);
  const fee = forfeit ? 0 : Math.min(c.venue.liquidationFee * c.size * fill, Math.max(bucket, 0));
  const left = forfeit ? Math.min(bucket, 0) : bucket - fee;
  const kept = Math.max(left, 0);
  return { badDebt: Math.max(-left, 0), wallet: c.mode === "cross" ? kept : walletAfterOpen + kept };
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
      it(`${venue.name} ${mode}: stepping toward the liquidation price liquidates at the first step past it (every tier)`, () => {
        const rng = seedrandom.alea(`${venue.name}-${mode}`);
        let checked = 0;
        for (let k = 0; k < 60; k++) {
          const c = randomCase(rng, venue, mode, k < 30 ? "small" : "large");
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
        expect(checked).toBeGreaterThan(40);
      });

      it(`${venue.name} ${mode}: a segment check fills at the calculator's price less the slippage; bad debt is the deficit`, () => {
        const rng = seedrandom.alea(`seg-${venue.name}-${mode}`);
        let checked = 0;
        let withBadDebt = 0;
        for (let k = 0; k < 45; k++) {
          const band = k < 30 ? "small" : "large";
          const c = randomCase(rng, venue, mode, band);
          const events: EngineEvent[] = [];
          const slip = rng() * 0.06; // up to 6 %: past dYdX's 3 % maintenance too
          const acc = openCase(c, (e) => events.push(e), slip);
          const lp = calcLiq(c, acc);
          if (lp === null) continue;
          const walletAfterOpen = acc.walletBalance;
          const margin = acc.position("BTC")!.margin;
          const dir = c.side === "long" ? 1 : -1;
          // a crash straight through the liquidation price to 40 % beyond it
          const from = new Float64Array([c.entry]);
          const to = new Float64Array([Math.max(1, lp * (1 - dir * 0.4))]);
          expect(acc.checkSegment(0, 1000, from, to)).toBeGreaterThan(0);
          const first = events.find((e) => e.type === "liquidation")!;
          // the trigger is the calculator's price (rounded to the 0.01 tick), the fill that worsened by the slippage
          expect(Math.abs(first.price - lp * (1 - dir * slip))).toBeLessThanOrEqual(0.005 * (1 + slip) + 1e-9 * lp);
          checked++;
          if (band === "large") continue; // partial / tier-down sequences: only the trigger is pinned here
          const want = expectedOutcome(c, margin, walletAfterOpen, first.price);
          if (want.badDebt > 0) withBadDebt++;
          const bad = events.filter((e) => e.type === "bad-debt").reduce((a, e) => a + e.amount, 0);
          expect(bad).toBeCloseTo(want.badDebt, 4);
          expect(acc.ledger.totals().badDebt).toBeCloseTo(want.badDebt, 4);
          expect(acc.walletBalance).toBeCloseTo(want.wallet, 4);
          // the loss (after the opening fee) is capped by the mode: the isolated margin, or the whole cross account
          expect(walletAfterOpen + margin - acc.walletBalance).toBeLessThanOrEqual((mode === "isolated" ? margin : walletAfterOpen) + 1e-6);
        }
        expect(checked).toBeGreaterThan(35);
        expect(withBadDebt).toBeGreaterThan(2); // slippage past bankruptcy happens, so the deficit rule is exercised
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
