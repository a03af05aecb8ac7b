import { blendCorrelation, cholesky, equicorrelation, toSquareMatrix } from "../correlation.ts";
import { ChiSquareSampler, exponential, poissonAtWithZero } from "../random/distributions.ts";
import type { RandomStream } from "../random/stream.ts";
import { compilePlainStudentTStep, inlinePlainStudentTStep, type CompiledStep, type InlineStep, type PlainStudentTConstants } from "./compiledStep.ts";
import { DAYS_PER_YEAR, type JumpSizeSpec, type PathModel, type TGarchJumpSpec } from "./types.ts";

const CALM = 0;
const STRESS = 1;

/**
 * The default realistic model. Per step:
 * 1. regime: a sticky two-state Markov chain (calm/stress), stay probabilities given per day;
 * 2. one shared chi-square draw W ~ χ²_ν scales every asset's normal shock by √((ν−2)/W): a
 *    multivariate Student-t with unit variance, so assets crash together (tail dependence);
 * 3. shocks correlated by the Cholesky factor of the regime's matrix (stress blends toward an
 *    equicorrelation, which stays valid);
 * 4. per-asset GARCH(1,1) on the normalised variance h (unconditional 1), so the long-run vol stays the
 *    asset's `vol`;
 * 5. Kou jumps: a market jump hits every asset by its beta, idiosyncratic jumps hit one asset.
 * Given W and the vol state the diffusive step is Gaussian with variance v, so the log drift −v/2
 * (plus the jump compensator) makes each price a martingale when `drift` is 0, and v is exactly the
 * bridge variance of the step.
 */
export class TGarchJumpModel implements PathModel {
  readonly symbols: readonly string[];
  readonly initialPrices: Float64Array;
  readonly lastJump: Float64Array;
  stressed = 0;
  stepCorrelation: Float64Array;

  private readonly n: number;
  private readonly spec: TGarchJumpSpec;
  private readonly vol: Float64Array;
  private readonly drift: Float64Array;
  private readonly jumpBeta: Float64Array;
  /** Cholesky factors of the calm and stress matrices, back to back */
  private readonly chol: Float64Array[];
  /** the calm and stress matrices themselves, row-major */
  private readonly correlation: Float64Array[];
  private readonly chi: ChiSquareSampler;
  private readonly tScale: number;
  /** the step's normals in [0, n), its chi-square draw in [n] */
  private readonly shocks: Float64Array;
  /** no GARCH, jumps or regimes: the plain multivariate Student-t step, compiled per step length (compiledStep.ts) */
  private readonly plain: boolean;
  private plainStep: CompiledStep | null = null;
  /** GARCH normalised variance per asset (1 = long-run level) */
  private readonly h: Float64Array;
  private regime = CALM;
  private rng: RandomStream | null = null;

  // per-dt constants
  private cachedDt = NaN;
  private garchOmega = 0;
  private garchAlpha = 0;
  private garchBeta = 0;
  private readonly leaveProbability = new Float64Array(2);
  private readonly marketJumpMean = new Float64Array(2);
  /** idioJumpMean[regime * n + i]: expected idiosyncratic jumps of asset i in one step */
  private readonly idioJumpMean: Float64Array;
  /** e^−mean of marketJumpMean and idioJumpMean: the probability of no jump, the Poisson draws' first term */
  private readonly marketNoJump = new Float64Array(2);
  private readonly idioNoJump: Float64Array;
  /** baseVariance[regime * n + i] = (σ_i·k_regime)²·dt */
  private readonly baseVariance: Float64Array;
  /** √baseVariance: the step's sd while GARCH is off (h stays exactly 1, so √(base·h) is this, bit for bit) */
  private readonly baseSd: Float64Array;
  /** logDrift[regime * n + i] = μ_i·dt − jump compensator */
  private readonly logDrift: Float64Array;

  constructor(spec: TGarchJumpSpec) {
    if (!(spec.nu > 2)) throw new RangeError("t-garch-jump: nu must be > 2");
    this.spec = spec;
    const n = (this.n = spec.assets.length);
    this.symbols = spec.assets.map((a) => a.symbol);
    this.initialPrices = Float64Array.from(spec.assets, (a) => a.price);
    this.vol = Float64Array.from(spec.assets, (a) => a.vol);
    this.drift = Float64Array.from(spec.assets, (a) => a.drift);
    this.jumpBeta = Float64Array.from(spec.assets, (a) => a.jumpBeta);
    const calm = toSquareMatrix(spec.correlation);
    const stress = spec.regimes ? blendCorrelation(calm, equicorrelation(n, spec.regimes.stressCorrelation), spec.regimes.blend) : calm;
    const lc = cholesky(calm);
    const ls = cholesky(stress);
    if (!lc || !ls) throw new RangeError("t-garch-jump: correlation matrix is not positive semi-definite");
    this.chol = [lc, ls];
    this.correlation = [Float64Array.from(calm.data), Float64Array.from(stress.data)];
    this.stepCorrelation = this.correlation[CALM];
    this.chi = new ChiSquareSampler(spec.nu);
    this.tScale = spec.nu - 2;
    this.shocks = new Float64Array(n + 1);
    this.plain = spec.garch === false && spec.jumps === false && spec.regimes === false;
    this.h = new Float64Array(n).fill(1);
    this.lastJump = new Float64Array(n);
    this.baseVariance = new Float64Array(2 * n);
    this.baseSd = new Float64Array(2 * n);
    this.idioJumpMean = new Float64Array(2 * n);
    this.idioNoJump = new Float64Array(2 * n);
    this.logDrift = new Float64Array(2 * n);
  }

  reset(rng: RandomStream): void {
    this.rng = rng;
    this.h.fill(1);
    this.regime = this.spec.regimes && this.spec.regimes.start === "stress" ? STRESS : CALM;
    this.stressed = this.regime;
    this.stepCorrelation = this.correlation[this.regime];
  }

  step(dtYears: number, logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    if (dtYears !== this.cachedDt) this.prepare(dtYears);
    if (this.plain) this.stepPlain(logReturnOut, stepVarianceOut);
    else this.stepFull(logReturnOut, stepVarianceOut);
  }

  inlineStep(dtYears: number): InlineStep | null {
    if (!this.plain) return null;
    if (dtYears !== this.cachedDt) this.prepare(dtYears);
    return inlinePlainStudentTStep(this.plainConstants());
  }

  private stepPlain(logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    this.plainStep!(this.rng!, logReturnOut, stepVarianceOut);
  }

  private stepFull(logReturnOut: Float64Array, stepVarianceOut: Float64Array): void {
    const rng = this.rng!;
    const n = this.n;
    const spec = this.spec;

    if (spec.regimes && rng.next() < this.leaveProbability[this.regime]) this.regime = 1 - this.regime;
    const regime = this.regime;
    this.stressed = regime;
    this.stepCorrelation = this.correlation[regime];

    const z = this.shocks;
    this.chi.drawThenNormals(rng, z, n); // the same draws as chi.draw then n calls of normal(rng), none returned boxed
    const mix = this.tScale / z[n]; // (ν−2)/W: the variance multiplier of this step
    const sqrtMix = Math.sqrt(mix);

    const l = this.chol[regime];
    const h = this.h;
    const garch = spec.garch !== false;
    const offset = regime * n;
    const base = this.baseVariance, baseSd = this.baseSd, logDrift = this.logDrift;
    for (let i = 0; i < n; i++) {
      let e = 0;
      const row = i * n;
      for (let k = 0; k <= i; k++) e += l[row + k] * z[k];
      const hi = h[i];
      const v = base[offset + i] * hi * mix;
      const sd = garch ? Math.sqrt(base[offset + i] * hi) : baseSd[offset + i];
      logReturnOut[i] = logDrift[offset + i] - 0.5 * v + sd * sqrtMix * e;
      stepVarianceOut[i] = v;
      if (garch) {
        const u = sqrtMix * e; // the unit-variance shock
        h[i] = this.garchOmega + (this.garchAlpha * u * u + this.garchBeta) * hi;
      }
    }

    if (spec.jumps) this.addJumps(rng, spec.jumps.market, spec.jumps.idiosyncratic, logReturnOut);
  }

  private addJumps(rng: RandomStream, market: JumpSizeSpec, idio: JumpSizeSpec, out: Float64Array): void {
    const n = this.n;
    const jump = this.lastJump;
    jump.fill(0);
    const marketCount = poissonAtWithZero(rng, this.marketJumpMean, this.marketNoJump, this.regime);
    if (marketCount > 0) {
      let size = 0;
      for (let j = 0; j < marketCount; j++) size += kouJump(rng, market);
      for (let i = 0; i < n; i++) jump[i] += this.jumpBeta[i] * size;
    }
    const offset = this.regime * n;
    for (let i = 0; i < n; i++) {
      const count = poissonAtWithZero(rng, this.idioJumpMean, this.idioNoJump, offset + i);
      for (let j = 0; j < count; j++) jump[i] += this.jumpBeta[i] * kouJump(rng, idio);
      out[i] += jump[i];
    }
  }

  private prepare(dt: number): void {
    const { spec, n } = this;
    const dtDays = dt * DAYS_PER_YEAR;
    if (spec.garch) {
      // α, β stated at `hours` carried to the step: persistence compounds, one period's worth of shocks
      // weighs α. A step of exactly that period uses α and β unchanged.
      const periods = (dtDays * 24) / spec.garch.hours;
      const persistence = spec.garch.alpha + spec.garch.beta;
      const stepPersistence = Math.pow(persistence, periods);
      this.garchAlpha = Math.min(spec.garch.alpha * periods, (stepPersistence * spec.garch.alpha) / persistence);
      this.garchBeta = stepPersistence - this.garchAlpha;
      this.garchOmega = 1 - stepPersistence;
    }
    if (spec.regimes) {
      this.leaveProbability[CALM] = 1 - Math.pow(spec.regimes.stayCalmPerDay, dtDays);
      this.leaveProbability[STRESS] = 1 - Math.pow(spec.regimes.stayStressPerDay, dtDays);
    }
    for (let r = 0; r < 2; r++) {
      const regimes = r === STRESS ? spec.regimes : false;
      const volScale = regimes ? regimes.volMultiplier : 1;
      const jumpScale = regimes ? regimes.jumpIntensityMultiplier : 1;
      if (spec.jumps) {
        this.marketJumpMean[r] = spec.jumps.market.ratePerYear * jumpScale * dt;
        this.marketNoJump[r] = Math.exp(-this.marketJumpMean[r]);
        for (let i = 0; i < n; i++) {
          const rate = spec.assets[i].idiosyncraticJumpsPerYear ?? spec.jumps.idiosyncratic.ratePerYear;
          this.idioJumpMean[r * n + i] = rate * jumpScale * dt;
          this.idioNoJump[r * n + i] = Math.exp(-this.idioJumpMean[r * n + i]);
        }
      }
      for (let i = 0; i < n; i++) {
        const s = this.vol[i] * volScale;
        this.baseVariance[r * n + i] = s * s * dt;
        this.baseSd[r * n + i] = Math.sqrt(this.baseVariance[r * n + i]);
        let compensator = 0;
        if (spec.jumps) {
          const b = this.jumpBeta[i];
          compensator =
            this.marketJumpMean[r] * (kouMgf(spec.jumps.market, b) - 1) + this.idioJumpMean[r * n + i] * (kouMgf(spec.jumps.idiosyncratic, b) - 1);
        }
        this.logDrift[r * n + i] = this.drift[i] * dt - compensator;
      }
    }
    if (this.plain) this.compilePlain();
    this.cachedDt = dt;
  }

  /**
   * GARCH, jumps and regimes off: h stays exactly 1 and the regime calm, so v = base·1·mix = base·mix and the
   * sd is baseSd, bit for bit; the step of these constants is compiled once per step length.
   */
  private compilePlain(): void {
    this.plainStep = compilePlainStudentTStep(this.plainConstants());
  }

  private plainConstants(): PlainStudentTConstants {
    const gamma = this.chi.gammaConstants();
    return {
      n: this.n, chol: this.chol[CALM], baseVariance: this.baseVariance, baseSd: this.baseSd, logDrift: this.logDrift,
      tScale: this.tScale, gammaD: gamma.d, gammaC: gamma.c,
    };
  }
}

/** One Kou double-exponential log jump. */
function kouJump(rng: RandomStream, spec: JumpSizeSpec): number {
  return rng.next() < spec.upProbability ? spec.meanUp * exponential(rng) : -spec.meanDown * exponential(rng);
}

/** E[exp(β·J)] for a Kou jump (needs β·meanUp < 1). */
export function kouMgf(spec: JumpSizeSpec, beta: number): number {
  return spec.upProbability / (1 - beta * spec.meanUp) + (1 - spec.upProbability) / (1 + beta * spec.meanDown);
}
