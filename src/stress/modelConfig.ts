import {
  correlationProblem, repairCorrelation, toRows, type BootstrapModelSpec, MIN_SETTLE_HOURS, kouMgf, assetPreset,
  DEFAULT_GARCH, DEFAULT_JUMPS, DEFAULT_JUMP_BETA, DEFAULT_NU, DEFAULT_REGIMES, defaultCorrelation, presetPairCorrelation,
  diffusionVolFor, jumpVariancePerYear, totalVol, type AssetSpec, type GarchSpec, type JumpSizeSpec, type JumpSpec,
  type RegimeSpec, type TGarchJumpAssetSpec,
} from "../paths/index.ts";
import { type ConfigReader, fieldPath as join } from "../errors/index.ts";
import type { StressFunding, StressModelSpec } from "./config.ts";

/**
 * The `model` and `funding` blocks of a stress config (config.ts reads the rest): each field checked,
 * defaulted from the asset presets, and named in a one-line InputError when wrong.
 */

const MODEL_TYPES = ["gbm", "t-garch-jump", "bootstrap"] as const;

export function parseFunding(r: ConfigReader, value: unknown, bootstrap: boolean, venueHours: number): StressFunding {
  if (value === undefined) return bootstrap ? { type: "history", settleEveryHours: venueHours } : { type: "none" };
  const f = r.object(value, "funding");
  const type = r.string(f, "type", "funding", { oneOf: ["none", "constant", "mean-reverting", "history"] });
  switch (type) {
    case "history":
      if (!bootstrap) r.fail("funding.type", "\"history\" is the funding of a bootstrap model's sampled hours; this model is not a bootstrap");
      r.onlyKeys(f, "funding", ["type", "settleEveryHours"], " for funding type history");
      return { type, settleEveryHours: r.number(f, "settleEveryHours", "funding", { ge: MIN_SETTLE_HOURS, default: venueHours }) };
    case "none":
      r.onlyKeys(f, "funding", ["type"], " for funding type none");
      return { type };
    case "constant":
      r.onlyKeys(f, "funding", ["type", "ratePer8h", "settleEveryHours"], " for funding type constant");
      return {
        type,
        ratePer8h: r.number(f, "ratePer8h", "funding", { gt: -1, lt: 1 }),
        settleEveryHours: r.number(f, "settleEveryHours", "funding", { ge: MIN_SETTLE_HOURS, default: venueHours }),
      };
    default: {
      r.onlyKeys(f, "funding", ["type", "mean", "halfLifeHours", "volPer8h", "momentumWeight", "lookbackHours", "capPer8h", "settleEveryHours"], " for funding type mean-reverting");
      const capPer8h = r.number(f, "capPer8h", "funding", { gt: 0, lt: 1, default: 0.003 });
      return {
        type: "mean-reverting",
        mean: r.number(f, "mean", "funding", { ge: -capPer8h, le: capPer8h, default: 0.0001 }),
        halfLifeHours: r.number(f, "halfLifeHours", "funding", { gt: 0, default: 72 }),
        volPer8h: r.number(f, "volPer8h", "funding", { ge: 0, default: 0.0002 }),
        momentumWeight: r.number(f, "momentumWeight", "funding", { default: 0.01 }),
        lookbackHours: r.number(f, "lookbackHours", "funding", { gt: 0, default: 24 }),
        capPer8h,
        settleEveryHours: r.number(f, "settleEveryHours", "funding", { ge: MIN_SETTLE_HOURS, default: venueHours }),
      };
    }
  }
}

export function parseModel(r: ConfigReader, value: unknown, warnings: string[], bootstrap?: BootstrapModelSpec): StressModelSpec {
  if (value === undefined) r.fail("model", "is required (at least model.assets with each asset's price)");
  const m = r.object(value, "model");
  const type = m.type === undefined ? "t-garch-jump" : m.type;
  if (typeof type !== "string" || !MODEL_TYPES.includes(type as (typeof MODEL_TYPES)[number]))
    r.fail("model.type", `unknown model ${JSON.stringify(type)} (known: ${MODEL_TYPES.join(", ")})`);
  if (type === "bootstrap") {
    if (!bootstrap) r.fail("model.type", "\"bootstrap\" needs its history loaded first (loadStressConfig)");
    return bootstrap;
  }
  const isT = type === "t-garch-jump";
  r.onlyKeys(m, "model", isT ? ["type", "assets", "correlation", "nu", "garch", "regimes", "jumps"] : ["type", "assets", "correlation"], ` for model type ${type}`);

  const assetsObj = r.object(m.assets, "model.assets");
  const symbols = Object.keys(assetsObj);
  if (symbols.length === 0) r.fail("model.assets", "must name at least one asset");
  if (symbols.length > 20) r.fail("model.assets", `at most 20 assets, got ${symbols.length}`);
  const raw = symbols.map((symbol) => parseAsset(r, assetsObj[symbol], symbol, isT));
  const assets: TGarchJumpAssetSpec[] = raw.map(({ symbol, price, drift, jumpBeta, idiosyncraticJumpsPerYear }) => ({
    symbol, price, vol: NaN, totalVol: NaN, drift, jumpBeta, ...(idiosyncraticJumpsPerYear === undefined ? {} : { idiosyncraticJumpsPerYear }),
  }));

  let correlation = defaultCorrelation(symbols);
  if (m.correlation !== undefined) {
    const problem = correlationProblem(m.correlation, symbols.length, "model.correlation");
    if (problem) r.fail(problem[0], problem[1]);
    const repaired = repairCorrelation(m.correlation as number[][], `${r.source}: model.correlation`);
    if (repaired.warning) warnings.push(repaired.warning);
    correlation = repaired.warning ? toRows(repaired.matrix) : (m.correlation as number[][]).map((row) => [...row]);
  } else if (symbols.some((a, i) => symbols.some((b, j) => j < i && presetPairCorrelation(a, b) === undefined))) {
    warnings.push(`${r.source}: model.correlation not given; pairs without a preset use ${defaultCorrelation(["?", "!"])[0][1]}`);
  }

  if (!isT) {
    const gbmAssets: AssetSpec[] = raw.map(({ symbol, price, drift, vol }) => ({ symbol, price, vol: vol.value, totalVol: vol.value, drift }));
    return { type: "gbm", assets: gbmAssets, correlation };
  }
  const nu = r.number(m, "nu", "model", { gt: 2, le: 1000, default: DEFAULT_NU });
  const garch = parseGarch(r, r.switchable(m, "garch", "model", true));
  const regimes = parseRegimes(r, r.switchable(m, "regimes", "model", true), symbols.length);
  const jumps = parseJumps(r, r.switchable(m, "jumps", "model", true), assets);
  raw.forEach((a, i) => {
    const parts = { regimes, jumps };
    const idio = a.idiosyncraticJumpsPerYear;
    const diffusion = a.vol.kind === "total" ? diffusionVolFor(a.vol.value, a.jumpBeta, parts, idio) : a.vol.value;
    if (diffusion === null) {
      const jumpVol = Math.sqrt(jumpVariancePerYear(a.jumpBeta, parts, idio));
      r.fail(`model.assets.${a.symbol}.vol`, `total annual vol ${a.vol.value} is at or below what the jumps alone give (${jumpVol.toFixed(3)}): raise vol, lower jumpBeta or model.jumps, or give diffusionVol instead`);
    }
    assets[i].vol = diffusion;
    assets[i].totalVol = round6(a.vol.kind === "total" ? a.vol.value : totalVol(diffusion, a.jumpBeta, parts, idio));
  });
  return { type: "t-garch-jump", assets, correlation, nu, garch, regimes, jumps };
}

type ParsedVol = { kind: "total" | "diffusion"; value: number };

/**
 * One model asset. `vol` is the total annual volatility of log returns; `diffusionVol` (t-garch-jump
 * only) its diffusive part, what the model's σ is. At most one of them; neither takes the base coin's
 * preset diffusion vol.
 */
function parseAsset(r: ConfigReader, value: unknown, symbol: string, isT: boolean) {
  const field = `model.assets.${symbol}`;
  const a = r.object(value, field);
  r.onlyKeys(a, field, isT ? ["price", "vol", "diffusionVol", "drift", "jumpBeta", "idiosyncraticJumpsPerYear"] : ["price", "vol", "drift"]);
  const price = r.number(a, "price", field, { gt: 0 });
  const preset = assetPreset(symbol);
  if (a.vol !== undefined && a.diffusionVol !== undefined) r.fail(`${field}.diffusionVol`, "give vol (the total) or diffusionVol (its diffusive part), not both");
  let vol: ParsedVol;
  if (a.vol !== undefined || !isT) vol = { kind: "total", value: r.number(a, "vol", field, { gt: 0, le: 20, default: preset?.diffusionVol }) };
  else vol = { kind: "diffusion", value: r.number(a, "diffusionVol", field, { gt: 0, le: 20, default: preset?.diffusionVol }) };
  return {
    symbol,
    price,
    vol,
    drift: r.number(a, "drift", field, { gt: -10, lt: 10, default: 0 }),
    jumpBeta: isT ? r.number(a, "jumpBeta", field, { gt: 0, default: preset?.jumpBeta ?? DEFAULT_JUMP_BETA }) : 1,
    idiosyncraticJumpsPerYear: isT && a.idiosyncraticJumpsPerYear !== undefined ? r.number(a, "idiosyncraticJumpsPerYear", field, { ge: 0, le: 10000 }) : undefined,
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function parseGarch(r: ConfigReader, g: Record<string, unknown> | false): GarchSpec | false {
  if (!g) return false;
  r.onlyKeys(g, "model.garch", ["alpha", "beta", "hours"]);
  const alpha = r.number(g, "alpha", "model.garch", { ge: 0, lt: 1, default: DEFAULT_GARCH.alpha });
  const beta = r.number(g, "beta", "model.garch", { ge: 0, lt: 1, default: DEFAULT_GARCH.beta });
  if (!(alpha + beta < 1)) r.fail("model.garch", `alpha + beta must be < 1 (stationary), got ${alpha + beta}`);
  if (!(alpha + beta > 0)) r.fail("model.garch", "alpha + beta must be > 0 (use \"garch\": false to switch it off)");
  const hours = r.number(g, "hours", "model.garch", { gt: 0, default: DEFAULT_GARCH.hours });
  return { alpha, beta, hours };
}

function parseRegimes(r: ConfigReader, g: Record<string, unknown> | false, n: number): RegimeSpec | false {
  if (!g) return false;
  const f = "model.regimes";
  const d = DEFAULT_REGIMES;
  r.onlyKeys(g, f, Object.keys(d));
  return {
    stayCalmPerDay: r.number(g, "stayCalmPerDay", f, { gt: 0, le: 1, default: d.stayCalmPerDay }),
    stayStressPerDay: r.number(g, "stayStressPerDay", f, { gt: 0, le: 1, default: d.stayStressPerDay }),
    volMultiplier: r.number(g, "volMultiplier", f, { gt: 0, default: d.volMultiplier }),
    stressCorrelation: r.number(g, "stressCorrelation", f, { ge: n > 1 ? -1 / (n - 1) : -1, le: 1, default: d.stressCorrelation }),
    blend: r.number(g, "blend", f, { ge: 0, le: 1, default: d.blend }),
    jumpIntensityMultiplier: r.number(g, "jumpIntensityMultiplier", f, { ge: 0, default: d.jumpIntensityMultiplier }),
    start: r.string(g, "start", f, { oneOf: ["calm", "stress"], default: d.start }) as "calm" | "stress",
  };
}

function parseJumps(r: ConfigReader, g: Record<string, unknown> | false, assets: TGarchJumpAssetSpec[]): JumpSpec | false {
  if (!g) return false;
  r.onlyKeys(g, "model.jumps", ["market", "idiosyncratic"]);
  const part = (key: "market" | "idiosyncratic"): JumpSizeSpec => {
    const field = join("model.jumps", key);
    const d = DEFAULT_JUMPS[key];
    const o = g[key] === undefined ? {} : r.object(g[key], field);
    r.onlyKeys(o, field, Object.keys(d));
    const spec = {
      ratePerYear: r.number(o, "ratePerYear", field, { ge: 0, default: d.ratePerYear }),
      upProbability: r.number(o, "upProbability", field, { ge: 0, le: 1, default: d.upProbability }),
      meanUp: r.number(o, "meanUp", field, { gt: 0, default: d.meanUp }),
      meanDown: r.number(o, "meanDown", field, { gt: 0, default: d.meanDown }),
    };
    for (const a of assets) {
      if (!(a.jumpBeta * spec.meanUp < 1) || !Number.isFinite(kouMgf(spec, a.jumpBeta)))
        r.fail(`${field}.meanUp`, `times model.assets.${a.symbol}.jumpBeta must be < 1 (else the jump compensator is infinite)`);
    }
    return spec;
  };
  return { market: part("market"), idiosyncratic: part("idiosyncratic") };
}
