import { describe, expect, it } from "vitest";
import { FundingClock } from "../../src/backtest/fundingClock.ts";
import { IntrabarWalker } from "../../src/backtest/intrabar.ts";
import { OrderRouter } from "../../src/backtest/orderRouter.ts";
import { Recorder } from "../../src/backtest/recorder.ts";
import { modeResult } from "../../src/backtest/result.ts";
import { triggerSeries } from "../../src/backtest/series.ts";
import { ReplayState } from "../../src/backtest/state.ts";
import { defineStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { handMarket, type Candle } from "./hand.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const binance = getVenue("binance");
const idle = defineStrategy({ name: "idle", description: "", params: {}, onBar() {} });

/**
 * The replay's steps one at a time, without the loop: one BTC bar 100 → 96 → 110 → 100 (the low is
 * nearer, so it comes first: 0–20 min down to 96, 20–40 min up to 110, 40–60 min back to 100), a
 * settlement at 00:30, and a 10x isolated long of 1 BTC opened at 100 (liquidation near 90.4).
 */
function setUp(stop?: number) {
  const rows: Candle[] = [[100, 110, 96, 100]];
  const market = handMarket(T0, H, [{ symbol: "BTC", rows, funding: [[T0 + H / 2, 0.0001, 8]] }]);
  const state = new ReplayState({ market, venue: binance, strategy: idle, balance: 10000 }, "isolated", triggerSeries(market, "last", binance, []), false);
  state.account.trade(T0, "BTC", "long", 1, 100, { mode: "isolated", leverage: 10 });
  if (stop !== undefined) state.sl[0] = stop;
  const funding = new FundingClock(state);
  const walker = new IntrabarWalker(state, funding, "path", null, undefined);
  return { state, funding, walker };
}

describe("the replay's steps, each alone", () => {
  it("the walker splits the path at a settlement and the clock pays it on the path's price there", () => {
    const { state, funding, walker } = setUp();
    expect(funding.next).toBe(T0 + H / 2);
    walker.walkBar(0, T0, H);
    // at 00:30 the path is halfway from 96 to 110: 103; a long pays 1 × 103 × 0.0001 = 0.0103
    const paid = state.totals.events.find((e) => e.type === "funding")!;
    expect(paid.time).toBe(T0 + H / 2);
    expect(paid.price).toBeCloseTo(103, 10);
    expect(state.totals.funding).toBeCloseTo(0.0103, 10);
    expect(state.lastRate[0]).toBe(0.0001);
    expect(funding.next).toBe(Infinity);
    expect(Array.from(walker.C)).toEqual([100]);
  });

  it("the walker fires a stop where the path first crosses it, before the settlement it would have paid", () => {
    const { state, walker } = setUp(97);
    walker.walkBar(0, T0, H);
    // 100 → 96 over the first 20 minutes crosses 97 three quarters of the way: 00:15, filled at 97
    const stop = state.totals.events.find((e) => e.type === "stop")!;
    expect(stop).toMatchObject({ time: T0 + 15 * 60_000, price: 97, detail: "stop-loss" });
    expect(state.totals.realized).toBeCloseTo(-3, 10);
    expect(state.totals.funding).toBe(0); // flat by 00:30
    expect(state.pos.dir[0]).toBe(0);
    expect(Number.isNaN(state.sl[0])).toBe(true);
  });

  it("the recorder marks to the close and keeps the worst drawdown", () => {
    const { state } = setUp();
    const rec = new Recorder(state, 10000, true);
    rec.close(0, T0, Float64Array.of(95)); // the long is 5 down: equity 10,000 − 5 − the open fee
    const fee = 100 * binance.takerFee;
    expect(rec.equity).toBeCloseTo(10000 - 5 - fee, 8);
    expect(rec.maxDrawdownPct).toBeCloseTo(((5 + fee) / 10000) * 100, 8);
    expect(rec.trace()!.data[1]).toBe(rec.equity);
  });

  it("the order router fills at the open worsened by the slippage, sets a fresh position's stops from its fill, and rejects what the margin cannot carry", () => {
    const rows: Candle[] = [[100, 100, 100, 100], [200, 200, 200, 200], [200, 200, 200, 200]];
    const market = handMarket(T0, H, [{ symbol: "BTC", rows }]);
    const state = new ReplayState({ market, venue: binance, strategy: idle, balance: 10000, slippage: 0.001 }, "cross", triggerSeries(market, "last", binance, []), false);
    const router = new OrderRouter(state);
    router.execute(0, T0, { kind: "open", order: { symbol: "BTC", side: "long", size: 1, leverage: 10, stopLossPct: 5 } });
    // fill 100 × 1.001 = 100.1; the stop 5 % below it: 95.095
    expect(state.pos.dir[0]).toBe(1);
    expect(state.pos.entry[0]).toBeCloseTo(100.1, 12);
    expect(state.sl[0]).toBeCloseTo(95.095, 12);
    router.execute(1, T0 + H, { kind: "close", symbol: "BTC" });
    // closed at 200 × 0.999 = 199.8: realised 99.7
    expect(state.pos.dir[0]).toBe(0);
    expect(state.totals.realized).toBeCloseTo(99.7, 8);
    router.execute(2, T0 + 2 * H, { kind: "open", order: { symbol: "BTC", side: "short", size: 1, leverage: 10 } });
    expect(state.pos.dir[0]).toBe(-1);
    expect(Number.isNaN(state.sl[0])).toBe(true); // the old long's stop is not the new short's
    router.execute(2, T0 + 2 * H, { kind: "open", order: { symbol: "BTC", side: "short", size: 1000, leverage: 10 } });
    expect(state.totals.events.at(-1)).toMatchObject({ type: "reject", detail: "open short 1000: insufficient margin" });
    expect(state.pos.size[0]).toBe(1);
  });

  it("margin in use is integrated as a step function of the position store, and the result values open positions at the last close", () => {
    const rows: Candle[] = [[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 100]];
    const market = handMarket(T0, H, [{ symbol: "BTC", rows }]);
    const state = new ReplayState({ market, venue: binance, strategy: idle, balance: 10000 }, "isolated", triggerSeries(market, "last", binance, []), false);
    const { account, marginInUse } = state;
    account.trade(T0, "BTC", "long", 1, 100, { mode: "isolated", leverage: 10 }); // margin 100 / 10 = 10
    marginInUse.track(T0);
    account.addMargin(T0 + H, "BTC", 5); // 15 for the second hour
    marginInUse.track(T0 + H);
    marginInUse.track(T0 + 2 * H); // nothing changed: no new step
    state.px[0] = 104;
    const rec = new Recorder(state, 10000, false);
    const r = modeResult(state, rec, 10000, 0).run;
    // held the whole 3 h (market.to = T0 + 3 h): (10 × 1 h + 15 × 2 h) / 3 h
    expect(marginInUse.average()).toBeCloseTo((10 + 15 * 2) / 3, 12);
    expect(r.unrealizedPnl).toBeCloseTo(4, 12);
  });
});
