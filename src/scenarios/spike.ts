import { blendCorrelation, cholesky, equicorrelation, toSquareMatrix, type PathModel, type RandomStream } from "../paths/index.ts";

/**
 * Correlation spike: from `startHour` (or a uniform random hour in [0, latestStartHour) drawn per path)
 * the correlation of every pair moves to `target` for `durationHours`, volatility × `volMultiplier`, with
 * an optional drift shock; afterwards both relax linearly back to the model over `relaxHours`.
 */
export interface CorrelationSpikeSpec {
  type: "correlation-spike";
  target: number;
  start: { hour: number } | { randomBeforeHour: number };
  durationHours: number;
  volMultiplier: number;
  /** annual log drift added during the spike (−3 ≈ −0.8 %/day), 0 for none */
  driftShock: number;
  relaxHours: number;
}

/**
 * A model wrapper: the inner model's diffusive shocks are whitened with the Cholesky factor of the matrix
 * that coloured them (the inner model's `stepCorrelation`: calm, or its own stress regime's) and re-coloured
 * with that of (1 − w)·R + w·equicorrelation(target), so the inner model's fat tails, GARCH state and jumps
 * are kept and only the dependence and the scale change. The target is the correlation of the diffusive
 * shocks: jumps keep their own structure (a market jump hits every asset by its beta, an idiosyncratic one a
 * single asset), so with jumps on, the total returns' correlation inside the window lands near the target,
 * not on it (0.93–0.95 for a 0.95 target with the default jumps), which the scenario's description says.
 */
export class CorrelationSpikeModel implements PathModel {
  readonly symbols: readonly string[];
  readonly initialPrices: Float64Array;
  private readonly n: number;
  /** Cholesky factors of the inner model's step matrices met so far, by identity (a model has one or two) */
  private readonly whitenings = new Map<Float64Array, Float64Array>();
  private readonly colour: Float64Array;
  private readonly calm: ReturnType<typeof toSquareMatrix>;
  private readonly u: Float64Array;
  private readonly z: Float64Array;
  /** the spike's correlation at `cachedWeight`, row-major */
  private readonly spiked: Float64Array;
  private hour = 0;
  private startHour = 0;
  private cachedWeight = 0;
  /** spike weight of the last step (0: the inner model's dependence was left alone) */
  private lastWeight = 0;

  constructor(private readonly inner: PathModel, calmCorrelation: number[][], private readonly spec: CorrelationSpikeSpec) {
    this.symbols = inner.symbols;
    this.initialPrices = inner.initialPrices;
    this.n = inner.symbols.length;
    this.calm = toSquareMatrix(calmCorrelation);
    const l = cholesky(this.calm);
    if (!l) throw new RangeError("correlation spike: the model's correlation matrix is not positive semi-definite");
    this.colour = l.slice();
    this.spiked = Float64Array.from(this.calm.data);
    this.u = new Float64Array(this.n);
    this.z = new Float64Array(this.n);
  }

  get lastJump(): Float64Array {
    return this.inner.lastJump;
  }

  /** The spike's blended matrix on a step inside the spike or its relaxation, else the inner model's. */
  get stepCorrelation(): Float64Array {
    return this.lastWeight > 0 ? this.spiked : this.inner.stepCorrelation;
  }

  get stressed(): number {
    return this.weightAt(this.hour) > 0 ? 1 : this.inner.stressed;
  }

  /** First hour of the spike on the current path. */
  get spikeStartHour(): number {
    return this.startHour;
  }

  reset(rng: RandomStream): void {
    const s = this.spec.start;
    this.startHour = "hour" in s ? s.hour : Math.floor(rng.next() * s.randomBeforeHour);
    this.hour = 0;
    this.lastWeight = 0;
    this.inner.reset(rng);
  }

  /** Spike weight w at an hour: 1 inside the window, falling linearly to 0 over the relaxation. */
  weightAt(hour: number): number {
    const t = hour - this.startHour;
    const { durationHours, relaxHours } = this.spec;
    if (t < 0) return 0;
    if (t < durationHours) return 1;
    if (relaxHours > 0 && t < durationHours + relaxHours) return 1 - (t - durationHours) / relaxHours;
    return 0;
  }

  step(dtYears: number, logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    const mid = this.hour; // the step is in the regime of its start
    this.inner.step(dtYears, logReturnOut, stepVarianceOut);
    this.hour += dtYears * 8760;
    const w = this.weightAt(mid);
    this.lastWeight = w;
    if (w === 0) return;
    const n = this.n;
    if (w !== this.cachedWeight) this.prepare(w);
    const jump = this.inner.lastJump;
    const u = this.u, z = this.z;
    for (let i = 0; i < n; i++) {
      const v = stepVarianceOut[i];
      u[i] = v > 0 ? (logReturnOut[i] - jump[i] + 0.5 * v) / Math.sqrt(v) : 0;
    }
    // z = L_inner⁻¹ u (forward substitution), then u' = L_spike z
    const l = this.whiteningFor(this.inner.stepCorrelation);
    for (let i = 0; i < n; i++) {
      let s = u[i];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
      const d = l[i * n + i];
      z[i] = d > 0 ? s / d : 0;
    }
    const k = 1 + (this.spec.volMultiplier - 1) * w;
    const drift = this.spec.driftShock * w * dtYears;
    const c = this.colour;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j <= i; j++) e += c[i * n + j] * z[j];
      const v = stepVarianceOut[i] * k * k;
      logReturnOut[i] = drift - 0.5 * v + Math.sqrt(v) * e + jump[i];
      stepVarianceOut[i] = v;
    }
  }

  /** The Cholesky factor of an inner step matrix (row-major n × n), computed once per matrix. */
  private whiteningFor(matrix: Float64Array): Float64Array {
    let l = this.whitenings.get(matrix);
    if (!l) {
      const rows = Array.from({ length: this.n }, (_, i) => Array.from(matrix.subarray(i * this.n, (i + 1) * this.n)));
      const f = cholesky(toSquareMatrix(rows));
      if (!f) throw new RangeError("correlation spike: the model's step correlation matrix is not positive semi-definite");
      l = f;
      this.whitenings.set(matrix, l);
    }
    return l;
  }

  private prepare(w: number): void {
    const target = blendCorrelation(this.calm, equicorrelation(this.n, Math.min(this.spec.target, 0.995)), w);
    const l = cholesky(target);
    if (!l) throw new RangeError("correlation spike: blended matrix is not positive semi-definite");
    this.colour.set(l);
    this.spiked.set(target.data);
    this.cachedWeight = w;
  }
}
