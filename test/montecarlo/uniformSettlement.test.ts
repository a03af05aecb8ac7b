import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStressConfig } from "../../src/stress/config.ts";
import { FusedPathSimulator, uniformSettlement } from "../../src/stress/fusedKernel.ts";

/*
 * The compiled path loop writes a schedule the same at every step as two constants (compiledPath.ts): which
 * books have one. Funding settles on the clock (every `settleEveryHours` from hour 0), so a step of h hours
 * holds h / every settlements when that is a whole number, the last on the step's end, and a coarser
 * interval leaves some steps without one.
 */

const ssw = JSON.parse(readFileSync(new URL("../../bench/ssw.json", import.meta.url), "utf8"));

function simulator(stepMinutes: number, funding: unknown, horizonHours = 96): FusedPathSimulator {
  const raw = { ...ssw, stepMinutes, horizonHours, funding };
  return new FusedPathSimulator(parseStressConfig(raw, "test", { paths: 1 }).config);
}

const schedule = (sim: FusedPathSimulator) => uniformSettlement(sim.stepHours, sim.settleEvery, sim.settlementsAt, sim.settlesAtEnd);
const constant = (settleEveryHours: number) => ({ type: "constant", ratePer8h: 0.0001, settleEveryHours });

describe("uniformSettlement: a funding schedule the same at every step", () => {
  it("hourly steps, hourly funding: one settlement a step, on its end", () => {
    expect(schedule(simulator(60, constant(1)))).toEqual({ count: 1, atEnd: true });
  });

  it("4-hour steps, hourly funding: four a step, so not the step's only one at its end", () => {
    expect(schedule(simulator(240, constant(1)))).toEqual({ count: 4, atEnd: false });
  });

  it("8-hour steps, 8-hourly funding: one a step, on its end", () => {
    expect(schedule(simulator(480, constant(8)))).toEqual({ count: 1, atEnd: true });
  });

  it("no funding: no settlement in any step", () => {
    expect(schedule(simulator(60, { type: "none" }))).toEqual({ count: 0, atEnd: false });
  });

  it("hourly steps, 8-hourly funding, or 15-minute steps, hourly funding: steps differ, so none", () => {
    expect(schedule(simulator(60, constant(8)))).toBeNull();
    expect(schedule(simulator(15, constant(1)))).toBeNull();
  });

  it("tables that disagree with the interval are left to the loop's per-step reads", () => {
    const sim = simulator(60, constant(1));
    const tampered = Uint32Array.from(sim.settlementsAt);
    tampered[7] = 2;
    expect(uniformSettlement(sim.stepHours, sim.settleEvery, tampered, sim.settlesAtEnd)).toBeNull();
  });
});
