/**
 * Monte Carlo core (DESIGN.md §5): per-path random streams, path models, funding paths, Brownian-bridge
 * maths, statistics and the stress config. The runner (pool, worker, CLI) builds on these.
 */
export { RandomStream, pathStream, streamKey, SUBSTREAM } from "./random/stream.ts";
export { normal, fillNormals } from "./random/ziggurat.ts";
export { GammaSampler, ChiSquareSampler, poisson, exponential } from "./random/distributions.ts";
export {
  type SquareMatrix, toSquareMatrix, toRows, correlationProblem, cholesky, symmetricEigen, minEigenvalue,
  isPositiveSemiDefinite, nearestCorrelation, blendCorrelation, equicorrelation, repairCorrelation,
} from "./correlation.ts";
export {
  crossingProbability, bridgeCrossed, lowerBarrierProbability, upperBarrierProbability,
  sampleBridgeMin, sampleBridgeMax, sampleBridgeExtremes, sampleCrossingFraction,
} from "./bridge.ts";
export type {
  ModelSpec, GbmSpec, TGarchJumpSpec, AssetSpec, TGarchJumpAssetSpec, GarchSpec, RegimeSpec, JumpSpec, JumpSizeSpec, PathModel,
} from "./models/types.ts";
export { DAYS_PER_YEAR, HOURS_PER_YEAR } from "./models/types.ts";
export { createModel } from "./models/create.ts";
export { GbmModel } from "./models/gbm.ts";
export { TGarchJumpModel } from "./models/tGarchJump.ts";
export * as modelDefaults from "./models/defaults.ts";
export { totalVol, diffusionVolFor, jumpVariancePerYear, stressShare } from "./models/volatility.ts";
export {
  type FundingSpec, type FundingProcess, type NoFunding, type ConstantFunding, type MeanRevertingFunding,
  createFunding, settlementsBetween, fundingPayment,
} from "./funding.ts";
export { wilsonInterval, Z95 } from "./stats/wilson.ts";
export { pairedDifference, type PairedDifference } from "./stats/paired.ts";
export { type EquityQuantiles, equityQuantiles, lowerQuantile, lowerTailMean, meanAndUpper } from "./stats/tail.ts";
export { type SurvivalSample, kaplanMeier, survivalAt, survivalOnGrid, timeToShare } from "./stats/survival.ts";
export { FixedHistogram } from "./stats/histogram.ts";
export {
  type StressConfig, type ParsedStressConfig, type PortfolioLeg, type Book, type VenueChoice, type ConfigOverrides,
  type StressModelSpec, type StressFunding, type PathScenarioSpec, type HistoryLoader,
  type ConfigLimits, loadStressConfig, parseStressConfig, parseJson, maxPathsInMemory,
} from "./config.ts";
export { buildMarketModel } from "./marketModel.ts";
export { BootstrapHistory } from "./bootstrap/index.ts";
export { normCdf, normInv, normPdf, studentTCdf } from "./math.ts";
export { FIELD, PATH_FIELDS, resultIndex } from "./pathResult.ts";
export { ModeKernel, type BookLeg, type StepContext } from "./modeKernel.ts";
export { PathSimulator, bookLegs, stressVenue, createSimulator, type PathRunner, type PathTrace } from "./simulate.ts";
export { PathDriver } from "./pathDriver.ts";
export { StrategyPathSimulator, SyntheticMarket, prepareBook, strategyFailure, CANDLE_SUBSTREAM } from "./strategyPaths.ts";
export { simulateChunk, type ChunkTask, type ChunkInputError } from "./worker.ts";
export { simulateAll, simulateRange, StressPool, defaultWorkers, defaultChunkSize, RunCancelled, WorkerFailed, CHUNK_RETRIES, WORKER_MEMORY_MB, type PoolOptions } from "./pool.ts";
export { stressSummary, modeRun, pairedCounts, survivalGrid, column, WIPEOUT_SHARE } from "./aggregate.ts";
export { pathsCsv, samplesCsv, SAMPLE_PATHS } from "./outputs.ts";
export { runStress, stressOutputs, stressSettings, stressTableWarnings, type StressResult, type RunOptions } from "./run.ts";
export { type ShardSpec, type PathRange, shardRange, parseShard, shardFileName, SHARD_FILE_PATTERN, SHARD_INDEX_VARIABLES } from "./shard.ts";
export { configFingerprint, canonicalJson, type StrategySourceReader } from "./fingerprint.ts";
export { encodeShard, decodeShard, SHARD_MAGIC, SHARD_FORMAT_VERSION, type ShardHeader, type ShardHeaderInput, type ShardConfigSource, type ShardFile } from "./shardFile.ts";
export { mergeShards, type NamedShard, type MergedShards } from "./shardMerge.ts";
export { runShard, mergedOutputs, type ShardRun } from "./shardRun.ts";
// the scenarios and the calibration have their own public index inside this room; other rooms reach them here
export * from "./scenarios/index.ts";
export * from "./calibrate/index.ts";
