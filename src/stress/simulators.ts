import type { StressConfig } from "./config.ts";
import { FusedPathSimulator } from "./fusedKernel.ts";
import type { PathSimulator } from "./simulate.ts";
import { StrategyPathSimulator } from "./strategyPaths.ts";

/** What the pool and the outputs use of a simulator: path i under every mode, into pathResult.ts's layout. */
export type PathRunner = Pick<PathSimulator, "modes" | "run">;

/**
 * The simulator for a config's book: the fused portfolio kernel (fusedKernel.ts) for static legs, the
 * backtester's replay on synthetic candles for a strategy (load it first with `prepareBook`, from
 * strategyPaths.ts). `PathSimulator` (simulate.ts) is the reference the fused kernel matches byte for byte.
 */
export function createSimulator(config: StressConfig): PathRunner {
  return config.book.kind === "strategy" ? new StrategyPathSimulator(config) : new FusedPathSimulator(config);
}
