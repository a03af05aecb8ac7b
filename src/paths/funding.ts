import type { RandomStream } from "./random/stream.ts";
import { normal } from "./random/ziggurat.ts";

/*
 * Funding paths. Rates are per 8 hours (the convention venues quote); a settlement every
 * `settleEveryHours` charges notional × ratePer8h × settleEveryHours / 8, longs paying when positive.
 */

export interface NoFunding {
  type: "none";
}

export interface ConstantFunding {
  type: "constant";
  ratePer8h: number;
  settleEveryHours: number;
}

/**
 * An Ornstein–Uhlenbeck rate pulled toward mean + momentumWeight × (recent log return of the asset),
 * where the recent return is an exponentially weighted sum with time constant lookbackHours; clamped
 * to ±capPer8h (the venue's cap).
 */
export interface MeanRevertingFunding {
  type: "mean-reverting";
  /** long-run rate per 8h (0.0001 = the common 0.01 % base) */
  mean: number;
  halfLifeHours: number;
  /** stationary standard deviation of the rate around its target, per 8h */
  volPer8h: number;
  momentumWeight: number;
  lookbackHours: number;
  capPer8h: number;
  settleEveryHours: number;
}

export type FundingSpec = NoFunding | ConstantFunding | MeanRevertingFunding;

/** A funding rate path per asset, driven alongside the price model. */
export interface FundingProcess {
  /** hours between settlements (Infinity when there is no funding) */
  readonly settleEveryHours: number;
  reset(rng: RandomStream): void;
  /** Advance by one step of `dtHours` given that step's log returns; write each asset's rate per 8h now in force. */
  step(dtHours: number, logReturns: Float64Array, ratePer8hOut: Float64Array): void;
}

export function createFunding(spec: FundingSpec, assetCount: number): FundingProcess {
  switch (spec.type) {
    case "none":
      return { settleEveryHours: Infinity, reset() {}, step: (_dt, _r, out) => out.fill(0) };
    case "constant":
      return { settleEveryHours: spec.settleEveryHours, reset() {}, step: (_dt, _r, out) => out.fill(spec.ratePer8h) };
    case "mean-reverting":
      return new MeanRevertingProcess(spec, assetCount);
  }
}

class MeanRevertingProcess implements FundingProcess {
  readonly settleEveryHours: number;
  private readonly rate: Float64Array;
  private readonly momentum: Float64Array;
  private rng: RandomStream | null = null;
  // per step length: the rate's persistence, its noise sd and the momentum's decay (two exp a step before)
  private cachedDt = NaN;
  private keep = 0;
  private noise = 0;
  private decay = 0;

  constructor(private readonly spec: MeanRevertingFunding, assetCount: number) {
    this.settleEveryHours = spec.settleEveryHours;
    this.rate = new Float64Array(assetCount);
    this.momentum = new Float64Array(assetCount);
  }

  reset(rng: RandomStream): void {
    this.rng = rng;
    this.rate.fill(this.spec.mean);
    this.momentum.fill(0);
  }

  step(dtHours: number, logReturns: Float64Array, out: Float64Array): void {
    const { spec, rate, momentum } = this;
    if (dtHours !== this.cachedDt) this.prepare(dtHours);
    const keep = this.keep, noise = this.noise, decay = this.decay;
    for (let i = 0; i < rate.length; i++) {
      momentum[i] = momentum[i] * decay + logReturns[i];
      const target = spec.mean + spec.momentumWeight * momentum[i];
      const r = target + (rate[i] - target) * keep + noise * normal(this.rng!);
      rate[i] = r > spec.capPer8h ? spec.capPer8h : r < -spec.capPer8h ? -spec.capPer8h : r;
      out[i] = rate[i];
    }
  }

  private prepare(dtHours: number): void {
    const spec = this.spec;
    this.keep = Math.exp((-Math.LN2 * dtHours) / spec.halfLifeHours);
    this.noise = spec.volPer8h * Math.sqrt(1 - this.keep * this.keep);
    this.decay = Math.exp(-dtHours / spec.lookbackHours);
    this.cachedDt = dtHours;
  }
}

/**
 * The shortest funding interval a config may set: 0.01 h (36 s). No venue settles more often than
 * hourly; below this the count of settlements per step grows without bound for no real case.
 */
export const MIN_SETTLE_HOURS = 0.01;

/** Settlements falling in (fromHours, toHours]: how many times funding is charged over a step. */
export function settlementsBetween(fromHours: number, toHours: number, settleEveryHours: number): number {
  if (!Number.isFinite(settleEveryHours)) return 0;
  const eps = 1e-9;
  return Math.floor(toHours / settleEveryHours + eps) - Math.floor(fromHours / settleEveryHours + eps);
}

/** The funding a position pays at one settlement (negative = received): side × notional × rate × interval/8h. */
export function fundingPayment(signedNotional: number, ratePer8h: number, settleEveryHours: number): number {
  return (signedNotional * ratePer8h * settleEveryHours) / 8;
}
