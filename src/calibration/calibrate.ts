import type { MarketData } from "../market/index.ts";
import {
  repairCorrelation, toRows, type MeanRevertingFunding, type JumpSizeSpec, type TGarchJumpSpec, correlationMatrix,
  jointReturns, kurtosis, mean, variance, type JointReturns,
} from "../paths/index.ts";
import { fitGarch, fitStudentNu } from "./garch.ts";

/** The rules calibration uses, stated in the model file it writes. */
export const RULES = {
  stress: "an hour is 'stress' when the first symbol's trailing 24-hour realised volatility is above its 90th percentile over the range",
  jumps: "a jump is an hourly return beyond 5 GARCH conditional standard deviations; a market jump is one in the first symbol (its beta is 1)",
  garch: "Gaussian QMLE with variance targeting at the data's step (hourly), averaged over symbols and written at that scale (`hours`)",
  vol: "each asset's diffusionVol is set so that the simulated total variance (diffusion in both regimes + jumps) equals the data's",
  idiosyncraticJumps: "a jump of an asset when the first asset (the market) has none in that hour; the first asset has none of its own, each other asset its own rate",
  funding: "rates normalised to 8 h; mean, AR(1) half-life and spread averaged over symbols; cap = largest |rate| seen",
} as const;

const STRESS_QUANTILE = 0.9;
const JUMP_SIGMAS = 5;

export interface AssetStats {
  symbol: string;
  annualVol: number;
  hourlyKurtosis: number;
  garchHourly: { alpha: number; beta: number };
  nu: number;
  jumps: number;
  jumpBeta: number;
}

export interface Calibration {
  model: TGarchJumpSpec;
  funding: MeanRevertingFunding | null;
  stats: {
    from: string;
    to: string;
    hours: number;
    assets: AssetStats[];
    calmCorrelation: number[][];
    stressCorrelation: number[][];
    stressShare: number;
    rules: typeof RULES;
  };
}

export function calibrate(market: MarketData): Calibration {
  const j = jointReturns(market);
  const T = j.time.length;
  if (T < 24 * 30) throw new RangeError(`calibration needs at least 30 days of joint hourly data, got ${T} hours`);
  const stepsPerYear = 8760 / j.hoursPerStep;
  const regimes = fitRegimes(j);
  const jumps = fitJumps(j, T / stepsPerYear);
  const diffusion = fitDiffusion(j, regimes, jumps, stepsPerYear);
  return {
    model: modelSpec(j, regimes, jumps, diffusion),
    funding: calibrateFunding(market),
    stats: calibrationStats(market, j, regimes, jumps, stepsPerYear),
  };
}

/** The calm and stress regimes: hours, correlations, how long each lasts, how much more volatile stress is. */
interface Regimes {
  calmRows: number[];
  stressRows: number[];
  calmCorrelation: number[][];
  stressCorrelation: number[][];
  stayCalmHour: number;
  stayStressHour: number;
  volMultiplier: number;
  /** mean off-diagonal correlation in stress */
  stressCorr: number;
}

/** Regimes: the first symbol's trailing 24-step realised variance against its 90th percentile. */
function fitRegimes(j: JointReturns): Regimes {
  const n = j.symbols.length;
  const T = j.time.length;
  const trailing = new Float64Array(T);
  let acc = 0;
  const r0 = j.returns[0];
  for (let t = 0; t < T; t++) {
    acc += r0[t] * r0[t];
    if (t >= 24) acc -= r0[t - 24] * r0[t - 24];
    trailing[t] = t >= 23 ? acc : NaN;
  }
  const sorted = Float64Array.from(trailing.filter((x) => x === x)).sort();
  const threshold = sorted[Math.floor(STRESS_QUANTILE * sorted.length)];
  const stress = Uint8Array.from(trailing, (x) => (x > threshold ? 1 : 0));
  const calmRows: number[] = [], stressRows: number[] = [];
  for (let t = 0; t < T; t++) (stress[t] ? stressRows : calmRows).push(t);
  const calmCorrelation = correlationMatrix(j.returns, calmRows);
  const stressCorrelation = correlationMatrix(j.returns, stressRows);
  let cc = 0, cs = 0, sc = 0, ss = 0;
  for (let t = 1; t < T; t++) {
    if (stress[t - 1]) (stress[t] ? ss++ : sc++);
    else (stress[t] ? cs++ : cc++);
  }
  const stayCalmHour = cc / Math.max(1, cc + cs), stayStressHour = ss / Math.max(1, ss + sc);
  const volMultiplier = Math.sqrt(mean(j.returns.map((r) => variance(r, stressRows) / variance(r, calmRows))));
  let offDiag = 0;
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) offDiag += stressCorrelation[a][b];
  const stressCorr = n > 1 ? offDiag / ((n * (n - 1)) / 2) : 0.9;
  return { calmRows, stressRows, calmCorrelation, stressCorrelation, stayCalmHour, stayStressHour, volMultiplier, stressCorr };
}

/** Per asset: its GARCH fit, which hours jumped, its jump beta and idiosyncratic rate; the Kou sizes and the tail index. */
interface Jumps {
  garch: ReturnType<typeof fitGarch>[];
  isJump: Uint8Array[];
  jumpBeta: number[];
  marketJumps: JumpSizeSpec;
  idioRate: number[];
  idiosyncratic: JumpSizeSpec;
  nus: number[];
  nu: number;
}

/** GARCH, jumps and the tail index per asset. */
function fitJumps(j: JointReturns, years: number): Jumps {
  const n = j.symbols.length;
  const T = j.time.length;
  const r0 = j.returns[0];
  const garch = j.returns.map((r) => fitGarch(r));
  const isJump = j.returns.map((r, a) => Uint8Array.from(r, (x, t) => (Math.abs(x) > JUMP_SIGMAS * garch[a].conditionalSd[t] ? 1 : 0)));
  const marketRows: number[] = [];
  for (let t = 0; t < T; t++) if (isJump[0][t]) marketRows.push(t);
  const meanAbs = (r: Float64Array, rows: number[]) => mean(Float64Array.from(rows, (t) => Math.abs(r[t])));
  const btcJump = marketRows.length ? meanAbs(r0, marketRows) : 1;
  const jumpBeta = j.returns.map((r, a) => (a === 0 || marketRows.length === 0 ? 1 : Math.max(0.2, meanAbs(r, marketRows) / btcJump)));
  const marketJumps = jumpSizes(marketRows.map((t) => r0[t]), years);
  // Idiosyncratic jumps as the data attributes them: the first asset stands for the market, so none of its
  // jumps is idiosyncratic; each other asset gets its own rate (sizes are pooled, in units of its beta).
  const idioSizes: number[] = [];
  const idioRate = j.returns.map((r, a) => {
    if (a === 0) return 0;
    let count = 0;
    for (let t = 0; t < T; t++) if (isJump[a][t] && !isJump[0][t]) { idioSizes.push(r[t] / jumpBeta[a]); count++; }
    return round(count / years, 3);
  });
  const idiosyncratic = jumpSizes(idioSizes, years * Math.max(1, n - 1));
  const nus = j.returns.map((r, a) => fitStudentNu(Float64Array.from(r, (x, t) => x / garch[a].conditionalSd[t]).filter((_, t) => !isJump[a][t])));
  const nu = Math.max(2.5, Math.min(30, mean(nus)));
  return { garch, isJump, jumpBeta, marketJumps, idioRate, idiosyncratic, nus, nu };
}

/** The diffusion left once regimes and jumps take their share: its variance per asset and its calm correlation. */
interface Diffusion {
  diffusiveVar: number[];
  diffusionCorrelation: number[][];
}

function fitDiffusion(j: JointReturns, regimes: Regimes, jumps: Jumps, stepsPerYear: number): Diffusion {
  const { stayCalmHour, stayStressHour, volMultiplier, calmRows, calmCorrelation } = regimes;
  const { garch, jumpBeta, marketJumps, idioRate, idiosyncratic } = jumps;
  const piStress = (1 - stayCalmHour) / Math.max(1e-12, 2 - stayCalmHour - stayStressHour);
  const regimeUplift = 1 - piStress + piStress * volMultiplier * volMultiplier;
  const kouSecond = (s: JumpSizeSpec) => 2 * (s.upProbability * s.meanUp ** 2 + (1 - s.upProbability) * s.meanDown ** 2);

  const marketSecond = marketJumps.ratePerYear * kouSecond(marketJumps);
  const jumpVar = jumpBeta.map((b, a) => b * b * (marketSecond + idioRate[a] * kouSecond(idiosyncratic)));
  const diffusiveVar = j.returns.map((r, a) => {
    const total = variance(r) * stepsPerYear;
    return Math.max(0.25 * total, total - jumpVar[a]) / regimeUplift;
  });
  // The diffusion's calm correlation is set so that diffusion + jumps reproduce the data's calm correlation:
  // market jumps add β_a·β_b·λ·E[J²] of covariance, idiosyncratic jumps only variance. Each asset's own
  // GARCH variance moves apart from the others', which lowers the correlation of returns below that of the
  // shocks by E[σ_a σ_b]/√(E[σ_a²] E[σ_b²]); that factor is measured on the fitted conditional sds.
  const garchDispersion = (a: number, b: number): number => {
    const sa = garch[a].conditionalSd, sb = garch[b].conditionalSd;
    let ab = 0, aa = 0, bb = 0;
    for (const t of calmRows) { ab += sa[t] * sb[t]; aa += sa[t] * sa[t]; bb += sb[t] * sb[t]; }
    return ab / Math.sqrt(aa * bb);
  };
  const diffusionCorrelation = calmCorrelation.map((row, a) =>
    row.map((rho, b) => {
      if (a === b) return 1;
      const target = rho * Math.sqrt((diffusiveVar[a] + jumpVar[a]) * (diffusiveVar[b] + jumpVar[b])) - jumpBeta[a] * jumpBeta[b] * marketSecond;
      return round(Math.max(-0.99, Math.min(0.99, target / Math.sqrt(diffusiveVar[a] * diffusiveVar[b]) / garchDispersion(a, b))), 4);
    }),
  );
  return { diffusiveVar, diffusionCorrelation };
}

/** The t-garch-jump model the fits describe, rounded as the model file states it. */
function modelSpec(j: JointReturns, regimes: Regimes, jumps: Jumps, diffusion: Diffusion): TGarchJumpSpec {
  const { garch, jumpBeta, idioRate } = jumps;
  const { diffusiveVar, diffusionCorrelation } = diffusion;
  const perDay = 24 / j.hoursPerStep;
  const stayCalmPerDay = Math.pow(regimes.stayCalmHour, perDay), stayStressPerDay = Math.pow(regimes.stayStressHour, perDay);
  const assets = j.symbols.map((symbol, a) => ({
    symbol, price: j.lastPrice[a], vol: round(Math.sqrt(diffusiveVar[a]), 4), drift: 0, jumpBeta: round(jumpBeta[a], 3), idiosyncraticJumpsPerYear: idioRate[a],
  }));
  const repaired = repairCorrelation(diffusionCorrelation, "calibrated correlation");

  const persistence = garch.map((g) => g.alpha + g.beta);
  const hAlpha = mean(garch.map((g) => g.alpha)), hPersist = mean(persistence);

  return {
    type: "t-garch-jump",
    assets,
    correlation: repaired.warning ? toRows(repaired.matrix).map((row) => row.map((x) => round(x, 4))) : diffusionCorrelation,
    nu: round(jumps.nu, 2),
    garch: { alpha: round(hAlpha, 4), beta: round(hPersist - hAlpha, 4), hours: j.hoursPerStep },
    regimes: {
      stayCalmPerDay: round(stayCalmPerDay, 4),
      stayStressPerDay: round(stayStressPerDay, 4),
      volMultiplier: round(regimes.volMultiplier, 3),
      stressCorrelation: round(regimes.stressCorr, 4),
      blend: 1,
      jumpIntensityMultiplier: 1,
      start: "calm",
    },
    jumps: { market: jumps.marketJumps, idiosyncratic: jumps.idiosyncratic },
  };
}

/** What the data showed, written beside the model so a reader can check the fit. */
function calibrationStats(market: MarketData, j: JointReturns, regimes: Regimes, jumps: Jumps, stepsPerYear: number): Calibration["stats"] {
  const T = j.time.length;
  const { garch, isJump, jumpBeta, nus } = jumps;
  return {
    from: new Date(market.from).toISOString(),
    to: new Date(market.to).toISOString(),
    hours: T * j.hoursPerStep,
    assets: j.symbols.map((symbol, a) => ({
      symbol,
      annualVol: round(Math.sqrt(variance(j.returns[a]) * stepsPerYear), 4),
      hourlyKurtosis: round(kurtosis(j.returns[a]), 2),
      garchHourly: { alpha: round(garch[a].alpha, 4), beta: round(garch[a].beta, 4) },
      nu: nus[a],
      jumps: isJump[a].reduce((s, x) => s + x, 0),
      jumpBeta: round(jumpBeta[a], 3),
    })),
    calmCorrelation: regimes.calmCorrelation.map((row) => row.map((x) => round(x, 4))),
    stressCorrelation: regimes.stressCorrelation.map((row) => row.map((x) => round(x, 4))),
    stressShare: round(regimes.stressRows.length / T, 4),
    rules: RULES,
  };
}

/** Kou parameters from a sample of jump log sizes. */
function jumpSizes(sizes: number[], years: number): JumpSizeSpec {
  const up = sizes.filter((x) => x > 0), down = sizes.filter((x) => x < 0);
  return {
    ratePerYear: round(sizes.length / years, 3),
    upProbability: sizes.length ? round(up.length / sizes.length, 3) : 0.3,
    meanUp: round(up.length ? mean(up) : 0.03, 5),
    meanDown: round(down.length ? -mean(down) : 0.05, 5),
  };
}

function calibrateFunding(market: MarketData): MeanRevertingFunding | null {
  const fits: { mean: number; halfLife: number; sd: number; cap: number }[] = [];
  for (const s of market.symbols) {
    const f = s.funding;
    if (!f || f.length < 30) continue;
    const r8 = Float64Array.from(f.rate, (x, i) => (x * 8) / f.intervalHours[i]);
    const m = mean(r8);
    let sxy = 0, sxx = 0;
    for (let i = 1; i < r8.length; i++) {
      sxy += (r8[i] - m) * (r8[i - 1] - m);
      sxx += (r8[i - 1] - m) ** 2;
    }
    const phi = Math.min(0.9999, Math.max(0.01, sxy / sxx));
    const interval = mean(f.intervalHours);
    fits.push({ mean: m, halfLife: (-Math.LN2 * interval) / Math.log(phi), sd: Math.sqrt(variance(r8)), cap: r8.reduce((c, x) => Math.max(c, Math.abs(x)), 0) });
  }
  if (fits.length === 0) return null;
  const cap = Math.max(...fits.map((x) => x.cap));
  return {
    type: "mean-reverting",
    mean: round(Math.max(-cap, Math.min(cap, mean(fits.map((x) => x.mean)))), 7),
    halfLifeHours: round(mean(fits.map((x) => x.halfLife)), 1),
    volPer8h: round(mean(fits.map((x) => x.sd)), 7),
    momentumWeight: 0.01,
    lookbackHours: 24,
    capPer8h: round(cap, 6),
    settleEveryHours: 8,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
