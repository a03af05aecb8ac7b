import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { getVenue } from "../../src/venues/index.ts";
import { Account, ExactLedger, FastLedger, type EngineEvent } from "../../src/margin/index.ts";

function randomRun(ledger: ExactLedger | FastLedger, seed: string) {
  const rng = seedrandom.alea(seed);
  const events: EngineEvent[] = [];
  const venue = getVenue("binance");
  const symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
  const acc = new Account({ venue, balance: 25_000, symbols, ledger, events: (e) => events.push(e), liquidationSlippage: 0.004 });
  const px = new Float64Array([50_000, 3_000, 150]);
  let liquidations = 0;
  for (let step = 0; step < 3_000; step++) {
    const t = step * 3_600_000;
    const from = Float64Array.from(px);
    // fat-tailed moves so liquidations and gaps happen
    for (let i = 0; i < 3; i++) px[i] *= Math.exp((rng() < 0.02 ? 0.15 : 0.012) * (rng() * 2 - 1));
    liquidations += acc.checkSegment(t, t + 3_600_000, from, px);
    if (acc.walletBalance < 5_000) acc.deposit(t, 10_000);
    const i = Math.floor(rng() * 3);
    const sym = symbols[i];
    const r = rng();
    const pos = acc.position(sym);
    if (r < 0.25) acc.trade(t, sym, rng() < 0.5 ? "long" : "short", (2_000 + rng() * 20_000) / px[i], px[i], { mode: rng() < 0.5 ? "cross" : "isolated", leverage: 2 + Math.floor(rng() * 18) });
    else if (r < 0.35 && pos) acc.reduce(t, sym, pos.size * rng(), px[i]);
    else if (r < 0.4 && pos) acc.close(t, sym, px[i]);
    else if (r < 0.45 && pos?.mode === "isolated") acc.addMargin(t, sym, 10 + rng() * 200);
    else if (r < 0.5 && pos) acc.flip(t, sym, px[i]);
    if (step % 8 === 0) for (let k = 0; k < 3; k++) acc.settleFunding(symbols[k], (rng() - 0.4) * 0.002, px[k], t);
  }
  return { acc, events, liquidations, px };
}

describe("ledger reconciliation", () => {
  it("initial + realised PnL − fees ± funding − liquidation losses = final, exactly in decimals", () => {
    const ledger = new ExactLedger(8);
    const { acc, events, liquidations, px } = randomRun(ledger, "reconcile");
    expect(liquidations).toBeGreaterThan(5);
    const t = ledger.totalsExact();
    expect(t.badDebt.gt(0)).toBe(true);
    const lhs = t.deposits.plus(t.realizedPnl).minus(t.fees).plus(t.funding).minus(t.liquidationFees.plus(t.forfeited).minus(t.badDebt));
    expect(lhs.eq(t.balance)).toBe(true);
    expect(t.deposits.mod(10_000).toString()).toBe("5000");
    // every posting is rounded to the settlement precision
    expect(t.balance.decimalPlaces()).toBeLessThanOrEqual(8);
    // the balance is the wallet plus the isolated margins the engine holds
    const held = acc.walletBalance + acc.positions().reduce((s, p) => s + p.margin, 0);
    expect(t.balance.toNumber()).toBeCloseTo(held, 6);
    // rebuilt from the events alone: the money-changing events sum to the change in balance
    const moved = events.filter((e) => e.type !== "margin" && e.type !== "leverage" && e.type !== "deposit").reduce((s, e) => s + e.amount, 0);
    expect(moved).toBeCloseTo(t.balance.minus(t.deposits).toNumber(), 4);
    expect(acc.equity(px)).toBeGreaterThanOrEqual(0);
  });

  it("the fast float ledger follows the exact one on the same run", () => {
    const exact = new ExactLedger(8);
    const fast = new FastLedger();
    randomRun(exact, "both");
    randomRun(fast, "both");
    const a = exact.totals();
    const b = fast.totals();
    // rounding to 1e-8 per posting may flip a few marginal decisions; on this seed it does not
    expect(b.balance).toBeCloseTo(a.balance, 4);
    expect(b.fees).toBeCloseTo(a.fees, 4);
    expect(b.funding).toBeCloseTo(a.funding, 4);
  });
});
