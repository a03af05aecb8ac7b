import seedrandom from "seedrandom";
import { crossAccountCrossingProbability, type CrossBarrier } from "../../src/paths/index.ts";

/**
 * A fine-step reference for a cross account of several positions under correlated GBM (log drift
 * −σ²/2, no funding, no fees), written independently of the stress kernel: exact coarse-step ends; on
 * each coarse step near the barrier, `fine` points of the joint Brownian bridge of the log prices
 * between those ends, with the flat bridge on D = equity − maintenance inside each fine step (its
 * linearisation error shrinks like the step). The same coarse ends feed the two coarse tests — the
 * flat bridge on D (g at the step's start, σ_D² = gᵀΣg: the kernel before) and bridge.ts's curved one —
 * so their differences from the fine reference are paired. Survival products, not 0/1 outcomes, keep
 * the sampling error small. Used by test/montecarlo/crossCurvature.test.ts and bench/mcbias.bench.ts.
 */
export interface CrossBook {
  prices: number[];
  /** annual volatility of each log price */
  vols: number[];
  correlation: number[][];
  /** units held, negative for a short */
  sizes: number[];
  mmr: number;
  balance: number;
}

export interface ReferenceRun {
  paths: number;
  steps: number;
  stepYears: number;
  /** fine steps per coarse step */
  fine: number;
  /** independent fine bridges averaged on each coarse step near the barrier (default 1): the paired differences' error falls like 1/√replicates */
  replicates?: number;
  seed: string;
}

/** Per path: survival over the horizon by the fine bridges, by the curved and by the flat coarse tests. */
export interface Survival {
  fine: Float64Array;
  curved: Float64Array;
  flat: Float64Array;
}

/** Beyond this exponent the coarse step's crossing probability is below e^-80 by any test: not refined. */
const FAR = 80;

export function crossReference(book: CrossBook, run: ReferenceRun): Survival {
  const n = book.prices.length;
  const slope = book.sizes.map((q) => q - book.mmr * Math.abs(q));
  const constant = book.balance - book.sizes.reduce((s, q, i) => s + q * book.prices[i], 0);
  /** D at log prices x; leaves the prices in `px` */
  const px = new Float64Array(n);
  const excessLog = (x: ArrayLike<number>) => {
    let d = constant;
    for (let i = 0; i < n; i++) d += slope[i] * (px[i] = Math.exp(x[i]));
    return d;
  };
  const corr = book.correlation.flat();
  const chol = cholesky(book.correlation);
  const coarseVar = book.vols.map((s) => s * s * run.stepYears);
  const coarseSd = coarseVar.map(Math.sqrt);
  const fineSd = coarseVar.map((v) => Math.sqrt(v / run.fine));
  const barrier: CrossBarrier = {
    slope,
    excess: (p) => {
      let d = constant;
      for (let i = 0; i < n; i++) d += slope[i] * p[i];
      return d;
    },
  };
  const g = new Float64Array(n);
  /** the flat bridge from prices s0 (D = d0) to D = d1, with log variances whose roots are `sd` */
  const flat = (d0: number, d1: number, s0: ArrayLike<number>, sd: number[]) => {
    if (d0 <= 0 || d1 <= 0) return 1;
    for (let i = 0; i < n; i++) g[i] = slope[i] * s0[i] * sd[i];
    let varD = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) varD += g[i] * corr[i * n + j] * g[j];
    return Math.exp(-Math.min(700, (2 * d0 * d1) / varD));
  };
  const z = normals(run.seed);
  const w = new Float64Array(n);
  const e = new Float64Array(n);
  /** correlated standard normals into `e` */
  const shock = () => {
    for (let i = 0; i < n; i++) w[i] = z();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += chol[i][j] * w[j];
      e[i] = s;
    }
  };
  const work = new Float64Array(2 * n);
  const next = new Float64Array(n);
  const result: Survival = { fine: new Float64Array(run.paths), curved: new Float64Array(run.paths), flat: new Float64Array(run.paths) };
  for (let p = 0; p < run.paths; p++) {
    const x = Float64Array.from(book.prices, Math.log);
    const s0 = new Float64Array(n);
    const x1 = new Float64Array(n);
    const fa = new Float64Array(n);
    const sa = new Float64Array(n);
    let d = excessLog(x);
    s0.set(px);
    let sFine = 1, sCurved = 1, sFlat = 1;
    for (let step = 0; step < run.steps && d > 0; step++) {
      shock();
      for (let i = 0; i < n; i++) x1[i] = x[i] - 0.5 * coarseVar[i] + coarseSd[i] * e[i];
      const d1 = excessLog(x1);
      const pFlat = flat(d, d1, s0, coarseSd);
      if (d1 > 0 && pFlat > Math.exp(-FAR)) {
        const replicates = run.replicates ?? 1;
        let stepFine = 0;
        for (let r = 0; r < replicates; r++) {
          fa.set(x);
          sa.set(s0);
          let fd = d, survived = 1;
          for (let k = 1; k <= run.fine; k++) {
            const left = run.fine - k + 1;
            const shrink = Math.sqrt((left - 1) / left);
            shock();
            for (let i = 0; i < n; i++) next[i] = fa[i] + (x1[i] - fa[i]) / left + shrink * fineSd[i] * e[i];
            const nd = excessLog(next);
            survived *= 1 - flat(fd, nd, sa, fineSd);
            fa.set(next);
            sa.set(px);
            fd = nd;
          }
          stepFine += survived / replicates;
        }
        sFine *= stepFine;
        sCurved *= 1 - crossAccountCrossingProbability(x, d, x1, d1, barrier, coarseVar, corr, work);
        sFlat *= 1 - pFlat;
      }
      x.set(x1);
      s0.set(x1.map(Math.exp));
      d = d1;
    }
    if (d <= 0) sFine = sCurved = sFlat = 0;
    result.fine[p] = sFine;
    result.curved[p] = sCurved;
    result.flat[p] = sFlat;
  }
  return result;
}

export const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;

/** P_coarse(liquidated) − P_fine(liquidated) on the same paths, with its standard error. */
export function pairedBias(coarse: Float64Array, fine: Float64Array): { bias: number; se: number } {
  const diff = coarse.map((c, i) => fine[i] - c);
  const m = mean(diff);
  return { bias: m, se: Math.sqrt(diff.reduce((s, x) => s + (x - m) ** 2, 0) / (diff.length - 1) / diff.length) };
}

/** Box–Muller normals from seedrandom's alea: not the kernel's generator. */
function normals(seed: string): () => number {
  const u = seedrandom.alea(seed);
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const a = 2 * Math.PI * u();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

function cholesky(m: number[][]): number[][] {
  const n = m.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = m[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(s) : s / l[j][j];
    }
  return l;
}
