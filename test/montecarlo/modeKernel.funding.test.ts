import { describe, expect, it } from "vitest";
import type { EngineEvent } from "../../src/margin/index.ts";
import { ModeKernel, type StepContext } from "../../src/stress/modeKernel.ts";
import { PATH_FIELDS } from "../../src/stress/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { RandomStream } from "../../src/paths/index.ts";
import { getVenue } from "../../src/venues/index.ts";

const H = 3_600_000;

/** One step of a one-asset book: from price a to price b over [t0, t1] hours, no diffusion noise, `settlements` at the end. */
function step(t0: number, t1: number, a: number, b: number, settlements: number, rate: number): StepContext {
  const f = (x: number) => Float64Array.of(x);
  return {
    t0Ms: t0 * H, t1Ms: t1 * H, x0: f(Math.log(a)), xPre: f(Math.log(b)), s0: f(a), sPre: f(b), s1: f(b),
    variance: f(1e-12), correlation: f(1), jumped: false, settlements, settleEveryHours: 8, rates: f(rate),
  };
}

describe("ModeKernel posts its accrued funding at the settlement's time and price", () => {
  it("an isolated 10x long pays 1 × 52000 × 0.001 = 52 at hour 8, posted as such before it is liquidated at hour 8–16", () => {
    const venue = getVenue({ name: "custom", maintenanceMarginRate: 0.005, takerFee: 0, liquidationFee: 0 });
    const events: EngineEvent[] = [];
    const kernel = new ModeKernel("isolated", venue, ["BTC"], [{ slot: 0, dir: 1, size: 1, leverage: 10 }], 10000, new RandomStream("k"), (e) => events.push(e));
    kernel.begin(Float64Array.of(50000));
    kernel.step(step(0, 8, 50000, 52000, 1, 0.001));
    kernel.step(step(8, 16, 52000, 40000, 0, 0.001));
    const funding = events.filter((e) => e.type === "funding");
    expect(funding).toHaveLength(1);
    expect(funding[0]).toMatchObject({ time: 8 * H, symbol: "BTC", price: 52000 });
    expect(funding[0].amount).toBeCloseTo(-52, 9);
    const liquidation = events.find((e) => e.type === "liquidation")!;
    expect(liquidation.time).toBeGreaterThan(8 * H);
    expect(liquidation.time).toBeLessThan(16 * H);
    const out = new Float64Array(PATH_FIELDS);
    kernel.finish(Float64Array.of(40000), out, 0);
    expect(out[FIELD.fundingPaid]).toBeCloseTo(52, 9);
    // margin 5000 − 52 funding: liq = (5000 − 52 − 50000)/(0.005 − 1) = 45278.39; what is left is maintenance there
    expect(out[FIELD.terminalEquity]).toBeCloseTo(5000 + 0.005 * (45052 / 0.995), 6);
  });
});
