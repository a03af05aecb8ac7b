/**
 * Stress scenarios (issue 7): model wrappers (correlation spike, crash replay), funding paths (squeeze,
 * crash funding) and the instant SPAN-style grid. `applyScenario` is what the runner plugs in.
 */
import { baseAsset, type Venue } from "../venues/index.ts";
import type { FundingProcess, ModelSpec, PathModel } from "../paths/index.ts";
import { CrashReplayModel } from "./replay.ts";
import type { ScenarioSpec } from "./spec.ts";
import { CorrelationSpikeModel } from "./spike.ts";
import { scheduledFunding, squeezeRate } from "./squeeze.ts";

export { evaluateGrid, type GridSpec } from "./grid.ts";
export { parseScenario, describeScenario, SCENARIO_PRESETS, type ScenarioSpec } from "./spec.ts";

export interface AppliedScenario {
  model: PathModel;
  /** replaces the config's funding process when the scenario sets funding, else null */
  funding: FundingProcess | null;
}

/**
 * Wrap a run's model (and funding) with a path scenario. The grid is not a path scenario: call
 * `evaluateGrid` instead (it needs no simulation).
 */
export function applyScenario(scenario: ScenarioSpec, spec: Pick<ModelSpec, "correlation">, model: PathModel, venue: Venue): AppliedScenario {
  switch (scenario.type) {
    case "correlation-spike":
      return { model: new CorrelationSpikeModel(model, spec.correlation, scenario), funding: null };
    case "crash-replay": {
      const c = scenario.crash;
      return {
        model: new CrashReplayModel(model, model.symbols.map(baseAsset), scenario),
        funding: crashFunding(scenario.startHour, c.fundingPer8h, c.fundingHours, venue.funding.intervalHours),
      };
    }
    case "funding-squeeze":
      return { model, funding: scheduledFunding(squeezeRate(scenario, venue), scenario.hours, scenario.afterPer8h, scenario.settleEveryHours) };
    case "grid":
      throw new RangeError("the grid scenario is evaluated without simulation: use evaluateGrid");
  }
}

/** 0.01 %/8h before the crash, the recorded rate during it, the base rate after. */
function crashFunding(startHour: number, ratePer8h: number, hours: number, settleEveryHours: number): FundingProcess {
  let hour = 0;
  return {
    settleEveryHours,
    reset() {
      hour = 0;
    },
    step(dtHours, _r, out) {
      out.fill(hour >= startHour - 1e-9 && hour < startHour + hours - 1e-9 ? ratePer8h : 0.0001);
      hour += dtHours;
    },
  };
}
