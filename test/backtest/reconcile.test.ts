/**
 * DESIGN §3.6: summary.json reconciles to the ledger's last decimal —
 * initialBalance + realizedPnl + unrealizedPnl − feesPaid − fundingPaid − liquidationLosses = finalEquity —
 * on a real run with a liquidation: the 10x isolated BTC hold through 2020-03 (liquidated 2020-03-09).
 */
import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { buildSummary, runBacktest } from "../../src/backtest/index.ts";
import { loadMarket } from "../../src/data/index.ts";
import { loadStrategy } from "../../src/strategy/index.ts";
import { getVenue } from "../../src/venues/index.ts";
import { candles } from "./csv.ts";

const market = await loadMarket({ symbols: ["BTCUSDT"], from: "2020-03-01", to: "2020-04-01" });
const result = runBacktest({ market, venue: getVenue("binance"), strategy: await loadStrategy("hold"), balance: 10000 });
const summary = JSON.parse(JSON.stringify(buildSummary({ venue: "binance", strategy: "hold", symbols: ["BTCUSDT"], from: market.from, to: market.to, initialBalance: 10000 }, result)));
const entry = candles("data/binance-usdm/klines-1h/BTCUSDT-1h.csv.gz").get(market.from)!.open;
const size = 10000 / entry;

const reconciled = (r: Record<string, number>) =>
  new Decimal(summary.initialBalance).plus(r.realizedPnl).plus(r.unrealizedPnl).minus(r.feesPaid).minus(r.fundingPaid).minus(r.liquidationLosses);

describe("summary.json reconciles exactly (hold 10x BTC, 2020-03, real data)", () => {
  it("isolated: liquidated, nothing realised by the strategy, the loss is the 1,000 margin net of the funding it paid", () => {
    const iso = summary.runs.find((r: { mode: string }) => r.mode === "isolated");
    expect(iso.liquidations).toHaveLength(1);
    expect(iso.realizedPnl).toBe(0);
    expect(iso.unrealizedPnl).toBe(0);
    expect(iso.feesPaid).toBe(5); // the open: 0.05 % of 10,000
    // the margin is gone: what funding did not take, liquidation did
    expect(new Decimal(iso.liquidationLosses).plus(iso.fundingPaid).toNumber()).toBe(1000);
    expect(iso.liquidationLosses).toBe(iso.liquidations[0].loss);
    expect(reconciled(iso).equals(iso.finalEquity)).toBe(true);
  });

  it("cross: survives; the open position's PnL at the last mark close closes the identity", () => {
    const cross = summary.runs.find((r: { mode: string }) => r.mode === "cross");
    expect(cross.liquidationLosses).toBe(0);
    const lastMark = candles("data/binance-usdm/mark-1h/BTCUSDT-1h-mark.csv.gz").get(market.to - 3_600_000)!.close;
    expect(cross.unrealizedPnl).toBeCloseTo(size * (lastMark - entry), 6);
    expect(reconciled(cross).minus(cross.finalEquity).abs().toNumber()).toBeLessThanOrEqual(1e-8);
  });
});
