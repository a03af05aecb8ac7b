import type { PathModel, RandomStream } from "../paths/index.ts";
import { type CrashPreset, crashMove } from "./crashes.ts";

export interface CrashReplaySpec {
  type: "crash-replay";
  crash: CrashPreset;
  /** hour of the simulation at which the crash starts */
  startHour: number;
}

/**
 * A model wrapper pinning each asset's log price to the crash's anchors by Brownian bridges: between
 * anchors the step is the bridge step toward the next anchor, drift (X_b − x)·Δt/T plus the model's own
 * centred shock scaled by √((T − Δt)/T), so every path lands exactly on each anchor and carries the
 * model's noise (fat tails, GARCH, jumps) in between. Before the start and after the last anchor the
 * model runs free. Prices start at the model's (today's) prices.
 */
export class CrashReplayModel implements PathModel {
  readonly symbols: readonly string[];
  readonly initialPrices: Float64Array;
  /** anchor times (hours from the path start) and log levels relative to the crash start, per asset */
  private readonly times: Float64Array;
  private readonly levels: Float64Array[];
  private readonly x: Float64Array;
  private readonly atStart: Float64Array;
  private hour = 0;

  constructor(private readonly inner: PathModel, baseAssets: readonly string[], private readonly spec: CrashReplaySpec) {
    this.symbols = inner.symbols;
    this.initialPrices = inner.initialPrices;
    const anchors = spec.crash.anchors;
    this.times = Float64Array.from(anchors, (a) => spec.startHour + a.hour);
    this.levels = anchors.map((a) => Float64Array.from(baseAssets, (b) => Math.log1p(crashMove(a, b))));
    this.x = new Float64Array(inner.symbols.length);
    this.atStart = new Float64Array(inner.symbols.length);
  }

  get lastJump(): Float64Array {
    return this.inner.lastJump;
  }

  /** the bridge to the anchors rescales each asset's shock, so the dependence stays the inner model's */
  get stepCorrelation(): Float64Array {
    return this.inner.stepCorrelation;
  }

  get stressed(): number {
    return this.hour >= this.spec.startHour && this.hour < this.times[this.times.length - 1] ? 1 : this.inner.stressed;
  }

  reset(rng: RandomStream): void {
    this.hour = 0;
    this.x.fill(0);
    this.atStart.fill(0);
    this.inner.reset(rng);
  }

  step(dtYears: number, logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    this.inner.step(dtYears, logReturnOut, stepVarianceOut);
    const dtHours = dtYears * 8760;
    const t0 = this.hour;
    const t1 = t0 + dtHours;
    this.hour = t1;
    const n = this.x.length;
    const start = this.spec.startHour;
    const last = this.times[this.times.length - 1];
    if (t1 <= start + 1e-9 || t0 >= last - 1e-9) {
      for (let i = 0; i < n; i++) this.x[i] += logReturnOut[i];
      if (Math.abs(t1 - start) < 1e-9) this.atStart.set(this.x);
      return;
    }
    if (t0 < start - 1e-9) throw new RangeError(`crash replay: start hour ${start} is not on a step boundary`);
    let a = 0;
    while (this.times[a] < t1 - 1e-9) a++;
    const remaining = this.times[a] - t0;
    const shrink = Math.sqrt(Math.max(0, (remaining - dtHours) / remaining));
    const level = this.levels[a];
    for (let i = 0; i < n; i++) {
      const v = stepVarianceOut[i];
      const noise = logReturnOut[i] + 0.5 * v; // the centred shock (jumps included)
      const target = this.atStart[i] + level[i];
      const r = ((target - this.x[i]) * dtHours) / remaining + shrink * noise;
      logReturnOut[i] = r;
      stepVarianceOut[i] = v * shrink * shrink;
      this.x[i] += r;
    }
  }
}
