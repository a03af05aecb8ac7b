import type { StressConfig } from "./config.ts";
import { FusedPathSimulator } from "./fusedKernel.ts";
import type { PathTrace } from "./simulate.ts";
import { StrategyPathSimulator } from "./strategyPaths.ts";

/**
 * What the pool and the outputs use of a simulator: path i under every mode, into pathResult.ts's layout.
 * A traced path needs its rows at the steps whose number is a multiple of `traceEvery`, the last, and
 * those with a liquidation (outputs.ts); a runner may give it every step.
 */
export interface PathRunner {
  readonly modes: number;
  run(pathIndex: number, out: Float64Array, at: number, trace?: PathTrace, traceEvery?: number): void;
}

/**
 * The simulator for a config's book: the fused portfolio kernel (fusedKernel.ts) for static legs, the
 * backtester's replay on synthetic candles for a strategy (load it first with `prepareBook`, from
 * strategyPaths.ts). `PathSimulator` (simulate.ts) is the reference the fused kernel matches byte for byte.
 */
export function createSimulator(config: StressConfig): PathRunner {
  return config.book.kind === "strategy" ? new StrategyPathSimulator(config) : new FusedPathSimulator(config);
}
