import { InputError } from "../market/index.ts";
import type { Venue } from "../venues/index.ts";
import { bootstrapModel, createFunding, type FundingProcess, createModel, type PathModel } from "../paths/index.ts";
import type { StressConfig } from "./config.ts";
import { applyScenario } from "../scenarios/index.ts";

/** What drives one path's prices and funding: the config's model and funding with its scenario applied. */
export interface MarketModel {
  model: PathModel;
  funding: FundingProcess;
  /** the rate changes from step to step (else the runner sets it once, at the first step) */
  fundingMoves: boolean;
}

/**
 * Build the market of a stress config (one per worker; `reset` per path). A bootstrap model samples the
 * history carried by the config (loaded once in the main thread), never files. Scenario problems that
 * depend on the venue (a squeeze "at the cap" of a venue without one) are one-line InputErrors.
 */
export function buildMarketModel(config: StressConfig, venue: Venue): MarketModel {
  const spec = config.model;
  const n = spec.assets.length;
  let model: PathModel;
  let funding: FundingProcess;
  let fundingMoves: boolean;
  if (spec.type === "bootstrap") {
    const b = bootstrapModel(spec);
    model = b;
    funding = config.funding.type === "history" ? b.funding(config.funding.settleEveryHours) : createFunding(config.funding, n);
    fundingMoves = config.funding.type === "history" || config.funding.type === "mean-reverting";
  } else {
    if (config.funding.type === "history") throw new InputError("funding.type: \"history\" needs a bootstrap model");
    model = createModel(spec);
    funding = createFunding(config.funding, n);
    fundingMoves = config.funding.type === "mean-reverting";
  }
  if (!config.scenario) return { model, funding, fundingMoves };
  let applied;
  try {
    applied = applyScenario(config.scenario, spec, model, venue);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(`scenario: ${err.message}`);
    throw err;
  }
  return applied.funding
    ? { model: applied.model, funding: applied.funding, fundingMoves: true }
    : { model: applied.model, funding, fundingMoves };
}
