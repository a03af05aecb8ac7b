import { describe, expect, it } from "vitest";
import seedrandom from "seedrandom";
import { getVenue } from "../../src/venues/index.ts";
import { Decimal } from "decimal.js";
import { Account, ExactLedger, FastLedger, type EngineEvent } from "../../src/margin/index.ts";

const SEED = "reconcile";

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
    // now and then the market opens away from where it closed: a gap the walk cannot stop inside
    if (rng() < 0.01) for (let i = 0; i < 3; i++) px[i] *= Math.exp(0.25 * (rng() * 2 - 1));
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
  it("initial + realised PnL − fees ± funding − liquidation losses = final, summed from the events alone, exactly", () => {
    const ledger = new ExactLedger(8);
    const { acc, events, liquidations } = randomRun(ledger, SEED);
    expect(liquidations).toBeGreaterThan(5);
    // every event amount is a posting rounded to 8 decimals, so summing them as decimals is exact
    const sum = (keep: (e: EngineEvent) => boolean) => events.filter(keep).reduce((a, e) => a.plus(e.amount), new Decimal(0));
    const deposits = sum((e) => e.type === "deposit");
    const realised = sum((e) => e.type === "fill");
    const fees = sum((e) => e.type === "fee").neg();
    const funding = sum((e) => e.type === "funding");
    const liquidationPnl = sum((e) => e.type === "liquidation" && e.detail !== "forfeit");
    const forfeited = sum((e) => e.type === "liquidation" && e.detail === "forfeit").neg();
    const badDebt = sum((e) => e.type === "bad-debt");
    expect(badDebt.gt(0)).toBe(true);
    expect(sum((e) => e.type === "fee" && e.detail === "liquidation").lt(0)).toBe(true);
    // margin and leverage events only move money between the wallet and isolated margins
    const final = new Decimal(25_000).plus(deposits).plus(realised).plus(liquidationPnl).minus(fees).plus(funding).minus(forfeited).plus(badDebt);
    // the account's own balances: the cross wallet plus the isolated margins it holds
    const held = acc.positions().reduce((a, p) => a.plus(p.margin), new Decimal(acc.walletBalance));
    expect(final.toString()).toBe(held.toString());
    expect(held.decimalPlaces()).toBeLessThanOrEqual(8);
    // the walletBalance carried by the last event is the wallet the account reports
    expect(events.at(-1)!.walletBalance).toBe(acc.walletBalance);
    // and the ledger's own category sums agree with the events'
    const t = ledger.totalsExact();
    expect(t.realizedPnl.toString()).toBe(realised.plus(liquidationPnl).toString());
    expect(t.fees.plus(t.liquidationFees).toString()).toBe(fees.toString());
    expect(t.badDebt.toString()).toBe(badDebt.toString());
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
