/**
 * The paths room (DESIGN.md §5): what a Monte Carlo path is made of. Per-path random streams, the
 * price models (GBM, t-GARCH-jump, the stationary block bootstrap of a real joint hourly history),
 * correlation matrices, Brownian-bridge extremes between steps, funding processes, and the returns of a
 * history. It knows nothing of books, venues' margin or runs: the stress room drives these.
 * This index exports what other rooms use; tests reach the files themselves.
 */
export { RandomStream, streamKey, SUBSTREAM } from "./random/stream.ts";
export { drawBothTails, fnPairs, knwn } from "./random/ziggurat.ts";
export { logGamma } from "./math.ts";
export {
  repairCorrelation, toRows, blendCorrelation, cholesky, equicorrelation, toSquareMatrix, correlationProblem,
} from "./correlation.ts";
export {
  sampleCrossingFraction, sampleBridgeExtremes, bridgeTouches, crossVariance, farFromBarrier, farFromBarrierBound,
  crossAccountCrossingProbability, crossAccountTouches, crossBarrierDistance, NEGLIGIBLE_EXPONENT, type CrossBarrier,
} from "./bridge.ts";
export {
  type JumpSizeSpec, type TGarchJumpSpec, type ModelSpec, type PathModel, type AssetSpec, type GarchSpec,
  type JumpSpec, type RegimeSpec, type TGarchJumpAssetSpec, HOURS_PER_YEAR,
} from "./models/types.ts";
export { createModel } from "./models/create.ts";
export {
  literal, compileGbmStep, compilePlainStudentTStep, type InlineStep, type StepNames, type CompiledStep, type GbmConstants, type PlainStudentTConstants, type PlainStep,
} from "./models/compiledStep.ts";
export {
  assetPreset, DEFAULT_GARCH, DEFAULT_JUMPS, DEFAULT_JUMP_BETA, DEFAULT_NU, DEFAULT_REGIMES, defaultCorrelation,
  presetPairCorrelation,
} from "./models/defaults.ts";
export { kouMgf } from "./models/tGarchJump.ts";
export { totalVol, diffusionVolFor, jumpVariancePerYear } from "./models/volatility.ts";
export {
  type MeanRevertingFunding, type FundingProcess, MIN_SETTLE_HOURS, type FundingSpec, createFunding,
  settlementsBetween, fundingPayment,
} from "./funding.ts";
export { correlationMatrix, jointReturns, kurtosis, mean, variance, type JointReturns } from "./returns.ts";
export { BootstrapHistory, bootstrapModelSpec, type BootstrapModelSpec, type BootstrapRequest, bootstrapModel } from "./bootstrap/spec.ts";
