import { describe, expect, it } from "vitest";
import { runBacktest } from "../../src/backtest/index.ts";
import { defineStrategy, resolveParams, type FillInfo, type FundingInfo, type LiquidationInfo, type PendingOrder } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { bars, handMarket, type Candle } from "../backtest/hand.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const binance = getVenue("binance");

/** Four hourly BTC bars; mark candles 1 above the last-trade ones; one settlement at bar 2's open. */
function market() {
  const last: Candle[] = [[100, 101, 99, 100], [100, 102, 99, 101], [101, 103, 100, 102], [102, 104, 101, 103]];
  const m = handMarket(T0, H, [{ symbol: "BTC", rows: last, funding: [[T0 + 2 * H, 0.0001, 8]] }]);
  m.symbols[0].mark = bars(T0, H, last.map((r) => r!.map((x) => x + 1) as Candle));
  return m;
}

describe("the strategy context", () => {
  it("shows queued orders in pending (a close is visible in the bar it is asked), and names its prices", () => {
    const seen: { index: number; pending: PendingOrder[]; held: boolean; mark: number; last: number }[] = [];
    const probe = defineStrategy({
      name: "probe", description: "", params: {},
      init(ctx) {
        ctx.open({ symbol: "BTC", side: "long", size: 1, leverage: 5 });
        return { pendingAtInit: ctx.pending.length };
      },
      onBar(ctx) {
        if (ctx.index === 1) ctx.close("BTC");
        seen.push({ index: ctx.index, pending: [...ctx.pending], held: ctx.position("BTC") !== null, mark: ctx.markPrice("BTC"), last: ctx.lastPrice("BTC") });
        expect(ctx.state.pendingAtInit).toBe(1);
      },
    });
    runBacktest({ market: market(), venue: binance, strategy: probe, balance: 10000, modes: ["cross"] });
    expect(seen[1]).toEqual({ index: 1, pending: [{ kind: "close", symbol: "BTC" }], held: true, mark: 102, last: 101 });
    expect(seen[2]).toMatchObject({ index: 2, pending: [], held: false, mark: 103, last: 102 });
    expect(seen[0]).toMatchObject({ pending: [], held: true, mark: 101, last: 100 });
  });

  it("tells onFill and onFunding at the close of their bar, before onBar; state is fresh for every mode", () => {
    const told: { mode: string; at: number; what: string; info: FillInfo | FundingInfo }[] = [];
    const probe = defineStrategy({
      name: "probe", description: "", params: {},
      init(ctx) {
        ctx.open({ symbol: "BTC", side: "long", size: 2, leverage: 5 });
        return { bars: 0 };
      },
      onFill(ctx, fill) { told.push({ mode: ctx.mode, at: ctx.index, what: "fill", info: fill }); },
      onFunding(ctx, payment) { told.push({ mode: ctx.mode, at: ctx.index, what: "funding", info: payment }); },
      onBar(ctx) {
        ctx.state.bars++;
        if (ctx.index === 1) ctx.close("BTC");
        if (ctx.index === 3) told.push({ mode: ctx.mode, at: ctx.index, what: `bars ${ctx.state.bars}`, info: null as never });
      },
    });
    runBacktest({ market: market(), venue: binance, strategy: probe, balance: 10000, modes: ["cross", "isolated"] });
    for (const mode of ["cross", "isolated"]) {
      const mine = told.filter((t) => t.mode === mode);
      expect(mine.map((t) => [t.at, t.what])).toEqual([[0, "fill"], [2, "funding"], [2, "fill"], [3, "bars 4"]]);
      expect(mine[0].info).toMatchObject({ time: T0, kind: "open", side: "long", size: 2, price: 100, realizedPnl: 0 });
      // held before 02:00, paid on the mark open there (last-trade open 101 + 1): 2 × 102 × 0.0001 = 0.0204
      expect(mine[1].info).toMatchObject({ time: T0 + 2 * H, symbol: "BTC", side: "long", size: 2, price: 102 });
      expect((mine[1].info as FundingInfo).amount).toBeCloseTo(-0.0204, 10);
      // closed at bar 2's last-trade open 101: (101 − 100) × 2 = 2 realised
      expect(mine[2].info).toMatchObject({ time: T0 + 2 * H, kind: "close", price: 101, realizedPnl: 2 });
    }
  });

  it("tells onLiquidation what the venue took, the same record the run reports", () => {
    // a 10x isolated long on 1,000 of margin; bar 1's mark wick to 80 is far past its liquidation price (~90.4)
    const rows: Candle[] = [[100, 100, 100, 100], [100, 100, 80, 95], [95, 96, 94, 95]];
    const m = handMarket(T0, H, [{ symbol: "BTC", rows }]);
    const heard: LiquidationInfo[] = [];
    const probe = defineStrategy({
      name: "probe", description: "", params: {},
      init(ctx) { ctx.open({ symbol: "BTC", side: "long", margin: 1000, leverage: 10, mode: "isolated" }); },
      onLiquidation(_ctx, liq) { heard.push(liq); },
      onBar() {},
    });
    const r = runBacktest({ market: m, venue: binance, strategy: probe, balance: 10000, modes: ["isolated"], liqPrice: "last" }).runs[0];
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ symbol: "BTC", side: "long", time: r.firstLiquidation });
    expect(heard[0].loss).toBe(r.run.liquidations[0].loss);
    // isolated: the loss is the position's margin, never more (the gap past bankruptcy is the venue's bad debt)
    expect(heard[0].loss).toBeCloseTo(1000, 6);
  });

  it("declared params: typed, defaulted, range-checked", () => {
    const s = defineStrategy({
      name: "p", description: "",
      params: { leverage: { type: "number", default: 3, above: 0, max: 125 }, side: { type: "string", default: "long", oneOf: ["long", "short"] }, on: true },
      onBar(ctx) { const lev: number = ctx.params.leverage; const side: "long" | "short" = ctx.params.side; void lev; void side; },
    });
    expect(s.defaults).toEqual({ leverage: 3, side: "long", on: true });
    expect(resolveParams(s, { leverage: 125 })).toEqual({ leverage: 125, side: "long", on: true });
    expect(() => resolveParams(s, { leverage: 0 })).toThrow(/--params: 'leverage' must be in \(0, 125\] \(got 0\)/);
    expect(() => resolveParams(s, { side: "flat" })).toThrow(/'side' must be one of long, short/);
    expect(() => resolveParams(s, { on: 1 })).toThrow(/'on' must be a boolean/);
  });
});
