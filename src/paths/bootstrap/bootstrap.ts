import type { MarketData } from "../../market/index.ts";
import { correlationMatrix, jointReturns, variance } from "../returns.ts";
import type { FundingProcess } from "../funding.ts";
import type { PathModel } from "../models/types.ts";
import type { RandomStream } from "../random/stream.ts";

/**
 * Stationary block bootstrap (Politis & Romano 1994) of the real joint hourly history: blocks start at
 * uniform rows, their lengths are geometric with mean `meanBlockHours`, the index wraps around, and whole
 * rows are taken (every asset at the same hour, with the funding then in force), so the real correlation,
 * fat tails and volatility clustering come for free. Optionally each asset is rescaled to a target
 * annual volatility (filtered historical simulation).
 */
export interface BootstrapSpec {
  type: "bootstrap";
  symbols: string[];
  /** starting prices (default: the last closes of the history) */
  prices: number[];
  /** returns[a][k]: log return of asset a over history row k (one hour) */
  returns: Float64Array[];
  /** funding per 8h in force at each row, per asset (NaN-free; 0 where the data had none) */
  fundingPer8h: Float64Array[];
  meanBlockHours: number;
  /** per-asset scale applied to every return (1 = as recorded) */
  scale: number[];
  /** the history's correlation of hourly returns (default: computed from `returns`) */
  correlation?: number[][];
}

export function bootstrapSpec(market: MarketData, opts: { meanBlockHours?: number; targetVol?: Record<string, number> } = {}): BootstrapSpec {
  const j = jointReturns(market);
  if (j.hoursPerStep !== 1) throw new RangeError("bootstrap: load the history at 1h");
  const scale = j.symbols.map((s, a) => {
    const target = opts.targetVol?.[s];
    return target === undefined ? 1 : target / Math.sqrt(variance(j.returns[a]) * 8760);
  });
  const fundingPer8h = market.symbols.map((sym) => {
    const out = new Float64Array(j.time.length);
    const f = sym.funding;
    if (!f) return out;
    let k = -1;
    for (let t = 0; t < j.time.length; t++) {
      while (k + 1 < f.length && f.time[k + 1] <= j.time[t]) k++;
      out[t] = k >= 0 ? (f.rate[k] * 8) / f.intervalHours[k] : 0;
    }
    return out;
  });
  return { type: "bootstrap", symbols: j.symbols, prices: j.lastPrice, returns: j.returns, fundingPer8h, meanBlockHours: opts.meanBlockHours ?? 48, scale };
}

export class BootstrapModel implements PathModel {
  readonly symbols: readonly string[];
  readonly initialPrices: Float64Array;
  readonly lastJump: Float64Array;
  readonly stressed = 0;
  /** whole rows of history keep its correlation: the bridge uses the history's */
  readonly stepCorrelation: Float64Array;
  /** the history row the last step took */
  row = -1;
  private readonly rows: number;
  private readonly variance: Float64Array;
  private readonly restart: number;
  private rng: RandomStream | null = null;

  constructor(private readonly spec: BootstrapSpec) {
    this.symbols = spec.symbols;
    this.initialPrices = Float64Array.from(spec.prices);
    this.lastJump = new Float64Array(spec.symbols.length);
    this.rows = spec.returns[0].length;
    this.variance = Float64Array.from(spec.returns, (r, a) => variance(r) * spec.scale[a] ** 2);
    this.restart = 1 / spec.meanBlockHours;
    const correlation = spec.correlation ?? correlationMatrix(spec.returns, Array.from({ length: this.rows }, (_, k) => k));
    this.stepCorrelation = Float64Array.from(correlation.flat());
  }

  reset(rng: RandomStream): void {
    this.rng = rng;
    this.row = -1;
  }

  /** One history row per hour of the step (the step must be whole hours). */
  step(dtYears: number, logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    const hours = Math.round(dtYears * 8760);
    if (hours < 1 || Math.abs(hours - dtYears * 8760) > 1e-6) throw new RangeError("bootstrap: steps must be whole hours");
    const rng = this.rng!;
    const n = this.symbols.length;
    logReturnOut.fill(0);
    for (let h = 0; h < hours; h++) {
      this.row = this.row < 0 || rng.next() < this.restart ? Math.floor(rng.next() * this.rows) : (this.row + 1) % this.rows;
      for (let a = 0; a < n; a++) logReturnOut[a] += this.spec.returns[a][this.row] * this.spec.scale[a];
    }
    for (let a = 0; a < n; a++) stepVarianceOut[a] = this.variance[a] * hours;
  }

  /** Funding that follows the sampled rows: each step reports the rate in force at the row just taken. */
  funding(settleEveryHours = 8): FundingProcess {
    return {
      settleEveryHours,
      reset: () => {},
      step: (_dt, _r, out) => {
        for (let a = 0; a < out.length; a++) out[a] = this.row >= 0 ? this.spec.fundingPer8h[a][this.row] : 0;
      },
    };
  }
}
