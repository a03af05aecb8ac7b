/**
 * A stress run's model spec (summary.json `model`, any shape) as one readable line for the header:
 * type · per-asset price and volatility · correlation range · tail index ν · which of GARCH, regimes and
 * jumps are on. Whatever the line cannot read is still in the full spec the page keeps beside it.
 */

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const num = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** A price with thousands separators and no more decimals than it needs (60,000; 3,300; 0.85; 0.00001234, never 0). */
function price(x: number): string {
  const digits = x >= 100 ? 0 : x >= 1 ? 2 : x > 0 ? Math.min(20, Math.max(4, 3 - Math.floor(Math.log10(x)))) : 4;
  const [int, frac] = x.toFixed(digits).split(".");
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac && Number(frac) !== 0 ? `.${frac.replace(/0+$/, "")}` : "");
}

const percent = (x: number) => `${Number((x * 100).toPrecision(4))} %`;

function assetText(name: string, a: Obj): string {
  const parts = [name];
  if (num(a.price)) parts.push(price(a.price));
  // `vol` in a summary is the diffusive part; `totalVol` adds jumps and stress regimes (what returns realise)
  if (num(a.totalVol) && num(a.vol) && Math.abs(a.totalVol - a.vol) > 5e-4) parts.push(`at ${percent(a.totalVol)} vol (diffusion ${percent(a.vol)})`);
  else if (num(a.vol)) parts.push(`at ${percent(a.vol)} vol`);
  else if (num(a.diffusionVol)) parts.push(`at ${percent(a.diffusionVol)} diffusion vol`);
  if (num(a.drift) && a.drift !== 0) parts.push(`drift ${percent(a.drift)}`);
  return parts.join(" ");
}

/** `assets` is an array of {symbol, …} in summaries and an object keyed by symbol in config files. */
function assets(model: Obj): string[] {
  const a = model.assets;
  if (Array.isArray(a)) return a.filter(isObj).map((x, i) => assetText(typeof x.symbol === "string" ? x.symbol : `asset ${i + 1}`, x));
  if (isObj(a)) return Object.entries(a).map(([k, v]) => (isObj(v) ? assetText(k, v) : k));
  return [];
}

/** The off-diagonal correlations as "0.7–0.8 (mean 0.75)", or one figure when they are all equal. */
function correlation(model: Obj): string | null {
  const m = model.correlation;
  if (!Array.isArray(m) || m.length < 2) return null;
  const off: number[] = [];
  m.forEach((row, i) => {
    if (Array.isArray(row)) row.forEach((v, j) => { if (j > i && num(v)) off.push(v); });
  });
  if (off.length === 0) return null;
  const lo = Math.min(...off), hi = Math.max(...off);
  const mean = off.reduce((s, v) => s + v, 0) / off.length;
  const f = (x: number) => String(Number(x.toFixed(3)));
  return lo === hi ? `correlation ${f(lo)}` : `correlation ${f(lo)}–${f(hi)} (mean ${f(mean)})`;
}

/** A feature is on when its block is present and not switched off (`false`, `null`, `{ enabled: false }`). */
function on(x: unknown): boolean {
  if (x === undefined || x === null || x === false) return false;
  if (isObj(x) && x.enabled === false) return false;
  return true;
}

export function modelLine(model: unknown): string {
  if (typeof model === "string") return model;
  if (!isObj(model)) return model === undefined ? "not recorded" : JSON.stringify(model);
  const parts: string[] = [typeof model.type === "string" ? model.type : typeof model.name === "string" ? model.name : "model"];
  const a = assets(model);
  if (a.length > 0) parts.push(a.join(", "));
  const c = correlation(model);
  if (c) parts.push(c);
  if (num(model.nu)) parts.push(`ν = ${model.nu}`);
  const features = (["garch", "regimes", "jumps"] as const).filter((k) => on(model[k]));
  const names = { garch: "GARCH", regimes: "regimes", jumps: "jumps" };
  parts.push(features.length === 0 ? "no GARCH, regimes or jumps" : `with ${features.map((k) => names[k]).join(", ")}`);
  return parts.join(" · ");
}
