import type { RandomStream } from "../random/stream.ts";
import type { InlineStep } from "./compiledStep.ts";

/** One asset of a model, fully defaulted. Vol and drift are annualised over 365 days. */
export interface AssetSpec {
  symbol: string;
  /** starting price (> 0) */
  price: number;
  /** annual volatility of the diffusive part of log returns (> 0): the model's σ; all of it for gbm */
  vol: number;
  /**
   * the long-run annual volatility of log returns, jumps and stress regimes included (models/volatility.ts);
   * set when a config is parsed, for the terminal and the report
   */
  totalVol?: number;
  /** annual drift of the price (0 = martingale price, log drift −σ²/2) */
  drift: number;
}

export interface GbmSpec {
  type: "gbm";
  assets: AssetSpec[];
  /** rows in the order of `assets`; already validated and, if needed, repaired */
  correlation: number[][];
}

export interface GarchSpec {
  /** ARCH weight α at the scale of `hours` */
  alpha: number;
  /** GARCH weight β at the scale of `hours` (α + β < 1) */
  beta: number;
  /**
   * the time scale α and β are stated at, in hours: 24 for daily parameters (the literature's), 1 for an
   * hourly fit. A step of exactly that length uses α and β as they are; other steps are carried over.
   */
  hours: number;
}

export interface RegimeSpec {
  /** probability of staying calm over one day */
  stayCalmPerDay: number;
  /** probability of staying stressed over one day */
  stayStressPerDay: number;
  /** volatility multiplier in stress */
  volMultiplier: number;
  /** stress correlation = (1 − blend)·calm + blend·equicorrelation(stressCorrelation) */
  stressCorrelation: number;
  blend: number;
  /** jump intensity multiplier in stress */
  jumpIntensityMultiplier: number;
  /** regime of every path at t = 0 */
  start: "calm" | "stress";
}

/** Kou double-exponential jumps of log price. */
export interface JumpSizeSpec {
  /** jumps per year (calm regime) */
  ratePerYear: number;
  /** probability that a jump is up */
  upProbability: number;
  /** mean log size of an up jump (> 0) */
  meanUp: number;
  /** mean log size of a down jump, as a positive number */
  meanDown: number;
}

export interface JumpSpec {
  /** market jumps: hit every asset at once, scaled by the asset's jumpBeta */
  market: JumpSizeSpec;
  /** idiosyncratic jumps: each asset on its own, scaled by its jumpBeta */
  idiosyncratic: JumpSizeSpec;
}

export interface TGarchJumpAssetSpec extends AssetSpec {
  /** how hard jumps hit this asset (BTC 1, ETH 1.3, SOL 2) */
  jumpBeta: number;
  /**
   * this asset's own idiosyncratic jump rate per year (calm regime), when it differs from
   * `jumps.idiosyncratic.ratePerYear`: a calibration sees none on the asset that stands for the market
   */
  idiosyncraticJumpsPerYear?: number;
}

export interface TGarchJumpSpec {
  type: "t-garch-jump";
  assets: TGarchJumpAssetSpec[];
  correlation: number[][];
  /** Student-t degrees of freedom of the shared chi-square mixing draw (> 2) */
  nu: number;
  garch: GarchSpec | false;
  regimes: RegimeSpec | false;
  jumps: JumpSpec | false;
}

export type ModelSpec = GbmSpec | TGarchJumpSpec;

/**
 * A path model the runner drives one step at a time. One instance per worker; `reset` starts a path
 * (from the path's own stream), `step` writes that step's per-asset log returns and the diffusive
 * variance of each log return over the step (what the Brownian bridge needs), allocating nothing.
 */
export interface PathModel {
  readonly symbols: readonly string[];
  /** starting prices, in the order of `symbols` */
  readonly initialPrices: Float64Array;
  reset(rng: RandomStream): void;
  /**
   * Advance by `dtYears` (365-day years). `logReturnOut[i]` gets asset i's log return over the step
   * (diffusion + drift + any jumps), `stepVarianceOut[i]` the variance of its diffusive part given
   * this step's volatility state — the σ²Δt of the bridge formulas.
   */
  step(dtYears: number, logReturnOut: Float64Array, stepVarianceOut: Float64Array): void;
  /** the jump part of each asset's last log return (0 when none): lets the runner test a jump on its own */
  readonly lastJump: Float64Array;
  /** 1 when the last step was in the stress regime, else 0 */
  readonly stressed: number;
  /**
   * The correlation of the last step's diffusive shocks, row-major n × n: the Σ in force for that step
   * (calm or stress regime, a scenario's spike), which the cross-margin bridge check needs for
   * σ_D² = gᵀΣg. Read it after `step`; callers must not write to it.
   */
  readonly stepCorrelation: Float64Array;
  /**
   * The step at `dtYears` as source for a caller's compiled loop, when the model has one (compiledStep.ts):
   * the same draws and bits as `step`, with no jumps and a constant `stepCorrelation`. Null or absent: call `step`.
   */
  inlineStep?(dtYears: number): InlineStep | null;
}

export const DAYS_PER_YEAR = 365;
export const HOURS_PER_YEAR = 365 * 24;
