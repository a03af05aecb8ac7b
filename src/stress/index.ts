/**
 * The stress room (DESIGN.md §5): the stress config, the per-path kernel that runs a book in both margin
 * modes over the paths room's prices, the strategy-book paths, the worker pool, shards, aggregation and
 * statistics, sweeps, and the runner `runStress`. This index exports what other rooms use; tests reach
 * the files themselves.
 */
export {
  parseJson, loadStressConfig, type ConfigOverrides, type StressConfig, type HistoryLoader, type ParsedStressConfig,
} from "./config.ts";
export { PathSimulator, stressVenue } from "./simulate.ts";
export { createSimulator } from "./simulators.ts";
export { prepareBook } from "./strategyPaths.ts";
export { PATH_FIELDS } from "./pathResult.ts";
export { type ChunkTask } from "./worker.ts";
export { RunCancelled, simulateRange, StressPool, WORKER_MEMORY_MB } from "./pool.ts";
export { stressSummary } from "./aggregate.ts";
export { openSamples, traceRest, runStress, runStressWithSweep, type StressResult, stressTableWarnings, stressOutputs, stressSettings } from "./run.ts";
export { type SampleWriter } from "./outputs.ts";
export {
  MAX_SWEEP_CELLS, parseSweep, resolveSweeps, runSweep, sweepCells, type CellModeResult, type SweepArg, type SweepAxis, type SweepRow, sweepCsv,
} from "./sweep.ts";
export { SHARD_FILE_PATTERN, parseShard, type ShardSpec } from "./shard.ts";
export { configFingerprint } from "./fingerprint.ts";
export { decodeShard, encodeShard } from "./shardFile.ts";
export { mergeShards, type NamedShard } from "./shardMerge.ts";
export { mergedOutputs, runShard } from "./shardRun.ts";
