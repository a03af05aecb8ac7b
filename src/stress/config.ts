import { InputError, type MarketData } from "../market/index.ts";
import { getVenue, type CustomVenueSpec } from "../venues/index.ts";
import { grouped, type MarginMode, type Side } from "../results/index.ts";
import { bootstrapModelSpec, type BootstrapModelSpec, type BootstrapRequest, type FundingSpec, type ModelSpec } from "../paths/index.ts";
import { ConfigReader } from "../errors/index.ts";
import { parseFunding, parseModel } from "./modelConfig.ts";
import { parseScenario, type ScenarioSpec, type GridSpec } from "../scenarios/index.ts";

/** One leg of a static book, the same legs as the `hold` strategy. `weight` = share of the balance used as margin. */
export interface PortfolioLeg {
  symbol: string;
  side: Side;
  leverage: number;
  weight: number;
}

export type Book =
  | { kind: "portfolio"; legs: PortfolioLeg[] }
  | { kind: "strategy"; file: string | null; name: string | null; params: Record<string, unknown> };

/** As written in the config: a venue name, or an object the margin engine's venue lookup validates. */
export type VenueChoice = string | ({ name: string } & Record<string, unknown>);

/** A model the config describes: a parametric one, or the bootstrap of a loaded history. */
export type StressModelSpec = ModelSpec | BootstrapModelSpec;

/** Funding of the bootstrap's sampled history hours (the rate then in force), settled every `settleEveryHours`. */
export interface HistoryFunding {
  type: "history";
  settleEveryHours: number;
}
export type StressFunding = FundingSpec | HistoryFunding;

/** A scenario that shapes the paths; the SPAN grid is evaluated without paths (`perpsim scenarios grid`). */
export type PathScenarioSpec = Exclude<ScenarioSpec, GridSpec>;

export interface StressConfig {
  venue: VenueChoice;
  /** the user's dated venue tables (`perpsim venues update` files), carried to every worker; none = the shipped tables */
  venueTables?: readonly { file: string; data: unknown }[];
  initialBalance: number;
  book: Book;
  model: StressModelSpec;
  funding: StressFunding;
  /** applied on top of the model and funding (issue 7); null = none */
  scenario: PathScenarioSpec | null;
  horizonHours: number;
  stepMinutes: number;
  /** horizonHours × 60 / stepMinutes, a whole number */
  steps: number;
  paths: number;
  seed: number;
  modes: MarginMode[];
  /** "default" when the config had no funding block and `funding` is the stated assumption (warned, recorded in settings) */
  fundingSource: "config" | "default";
}

export interface ParsedStressConfig {
  config: StressConfig;
  /** one line each, e.g. a repaired correlation matrix */
  warnings: string[];
}

/** Command-line overrides applied before validation (`--paths`, `--seed`, `--scenario`, `--data`). */
export interface ConfigOverrides {
  paths?: number;
  seed?: number;
  /** a preset name or a parsed JSON object; replaces the config's `scenario` */
  scenario?: unknown;
  /** data root for a bootstrap model; replaces the config's `model.data` */
  dataDir?: string;
}

/** Loads the 1h history a bootstrap model samples (the CLI passes the data layer's loader). */
export type HistoryLoader = (request: BootstrapRequest) => Promise<MarketData>;

const TOP_KEYS = ["description", "venue", "initialBalance", "portfolio", "strategy", "model", "funding", "scenario", "horizonHours", "stepMinutes", "paths", "seed", "modes"];
const BOOTSTRAP_KEYS = ["type", "symbols", "from", "to", "meanBlockHours", "targetVol", "data"];
const MODES: readonly MarginMode[] = ["cross", "isolated"];

/**
 * Memory each path costs the run per mode: its compact result (8 float64 fields) plus its paths.csv
 * row (~100 bytes). A run may use a quarter of the machine's memory for them.
 */
export const BYTES_PER_PATH_AND_MODE = 8 * 8 + 100;
/** Steps a path may have: a year of one-minute steps (per-step tables and sample traces grow with it). */
export const MAX_STEPS = 525_600;
/** bytes held per step before any path runs (settlement counts, schedule, strategy bars per asset): a rough floor for the message */
const STEP_BYTES = 64;

export function maxPathsInMemory(modes: number, memoryBytes: number): number {
  return Math.floor(memoryBytes / 4 / (BYTES_PER_PATH_AND_MODE * Math.max(1, modes)));
}

/** What the calling machine allows (the CLI passes os.totalmem()); without memoryBytes the path count is not limited. */
export interface ConfigLimits {
  memoryBytes?: number;
}

/**
 * `parseStressConfig` for any model: a bootstrap model's history is loaded once, here, in the calling
 * thread, and travels with the config (shared memory) to the workers.
 */
export async function loadStressConfig(raw: unknown, source = "config", overrides: ConfigOverrides = {}, loadHistory?: HistoryLoader, limits: ConfigLimits = {}): Promise<ParsedStressConfig> {
  const request = bootstrapRequest(raw, source, overrides);
  if (!request) return parseStressConfig(raw, source, overrides, undefined, limits);
  if (!loadHistory) throw new InputError(`${source}: model.type: "bootstrap" samples recorded history, which this command does not load (use perpsim stress)`);
  const market = await loadHistory(request);
  let bootstrap: BootstrapModelSpec;
  try {
    bootstrap = bootstrapModelSpec(request, market);
  } catch (err) {
    if (err instanceof RangeError) throw new InputError(`${source}: model: ${err.message}`);
    throw err;
  }
  return parseStressConfig(raw, source, overrides, bootstrap, limits);
}

/** The validated `model` of a bootstrap config, or null for any other model type. */
function bootstrapRequest(raw: unknown, source: string, overrides: ConfigOverrides): BootstrapRequest | null {
  const r = new ConfigReader(source);
  const top = r.object(raw, "(top level)");
  if (typeof top.model !== "object" || top.model === null || (top.model as Record<string, unknown>).type !== "bootstrap") return null;
  const m = top.model as Record<string, unknown>;
  const f = "model";
  r.onlyKeys(m, f, BOOTSTRAP_KEYS, " for model type bootstrap");
  if (!Array.isArray(m.symbols) || m.symbols.length === 0 || m.symbols.some((s) => typeof s !== "string" || !s))
    r.fail("model.symbols", "must be a non-empty array of symbols, e.g. [\"BTCUSDT\", \"ETHUSDT\"]");
  const symbols = m.symbols as string[];
  if (new Set(symbols).size !== symbols.length) r.fail("model.symbols", "a symbol appears twice");
  if (symbols.length > 20) r.fail("model.symbols", `at most 20 assets, got ${symbols.length}`);
  const date = (key: "from" | "to") => {
    const v = r.string(m, key, f);
    if (!Number.isFinite(Date.parse(/^\d{4}-\d\d-\d\d$|Z$|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`))) r.fail(`model.${key}`, `'${v}' is not a date (use 2024-01-01 or 2024-01-01T00:00Z)`);
    return v;
  };
  const from = date("from");
  const to = date("to");
  const meanBlockHours = r.number(m, "meanBlockHours", f, { ge: 1, default: 48 });
  let targetVol: BootstrapRequest["targetVol"] = null;
  if (typeof m.targetVol === "number" || m.targetVol === undefined) {
    if (m.targetVol !== undefined) targetVol = r.number(m, "targetVol", f, { gt: 0, le: 20 });
  } else {
    const t = r.object(m.targetVol, "model.targetVol");
    r.onlyKeys(t, "model.targetVol", symbols);
    targetVol = Object.fromEntries(Object.keys(t).map((s) => [s, r.number(t, s, "model.targetVol", { gt: 0, le: 20 })]));
  }
  const data = overrides.dataDir ?? (m.data === undefined ? null : r.string(m, "data", f));
  return { symbols, from, to, meanBlockHours, targetVol, data };
}

/** JSON.parse with the error turned into `file:line:column: message`. */
export function parseJson(text: string, source: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark, as editors on Windows write (CSVs accept it too)
  try {
    return JSON.parse(text);
  } catch (err) {
    const full = (err as Error).message;
    const message = full.split("\n")[0];
    const at = errorOffset(text, full);
    if (at !== null) {
      const before = text.slice(0, at).split("\n");
      throw new InputError(`${source}:${before.length}:${before[before.length - 1].length + 1}: invalid JSON: ${message}`);
    }
    throw new InputError(`${source}: invalid JSON: ${message}`);
  }
}

/** Where JSON.parse failed: its "position N", or Node 20's quoted context located in the text. */
function errorOffset(text: string, message: string): number | null {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const context = /(?:\.\.\.)?"([\s\S]*)"(?:\.\.\.)? is not valid JSON/.exec(message);
  const token = /Unexpected token '(.)'/.exec(message);
  if (!context || !context[1]) return null;
  const start = text.indexOf(context[1]);
  if (start < 0) return null;
  const within = token ? context[1].indexOf(token[1]) : 0;
  return start + Math.max(0, within);
}

/** Validate a parsed config (the CLI reads the file: src/cli/stressConfigFile.ts) into a typed, fully defaulted object; the first problem is a one-line InputError. */
export function parseStressConfig(raw: unknown, source = "config", overrides: ConfigOverrides = {}, bootstrap?: BootstrapModelSpec, limits: ConfigLimits = {}): ParsedStressConfig {
  const r = new ConfigReader(source);
  const top = { ...r.object(raw, "(top level)") };
  if (overrides.paths !== undefined) top.paths = overrides.paths;
  if (overrides.seed !== undefined) top.seed = overrides.seed;
  r.onlyKeys(top, "", TOP_KEYS);
  const warnings: string[] = [];

  const venue = parseVenue(r, top.venue);
  const fundingHours = venueFundingHours(r, venue);
  const initialBalance = r.number(top, "initialBalance", "", { gt: 0 });
  const model = parseModel(r, top.model, warnings, bootstrap);
  const symbols = model.assets.map((a) => a.symbol);
  const modes = parseModes(r, top.modes);
  const book = parseBook(r, top, symbols, modes);
  const funding = parseFunding(r, top.funding, model.type === "bootstrap", fundingHours);
  const fundingSource = top.funding === undefined ? "default" : "config";
  const horizonHours = r.number(top, "horizonHours", "", { gt: 0, default: 720 });
  const stepMinutes = r.number(top, "stepMinutes", "", { gt: 0, default: 60 });
  const stepsExact = (horizonHours * 60) / stepMinutes;
  const steps = Math.round(stepsExact);
  if (steps < 1 || Math.abs(steps - stepsExact) > 1e-9 * stepsExact) r.fail("stepMinutes", `must divide the horizon (${horizonHours} h = ${horizonHours * 60} min) into whole steps`);
  // a step under a minute is the odd value to blame; at one minute or more, the horizon is too long for it
  if (steps > MAX_STEPS) r.fail(stepMinutes < 1 ? "stepMinutes" : "horizonHours", `${horizonHours} h in ${stepMinutes}-minute steps is ${grouped(steps)} steps (per-step tables alone about ${gib(steps * STEP_BYTES)}); at most ${grouped(MAX_STEPS)} steps per path`);
  const paths = r.number(top, "paths", "", { gt: 0, integer: true, default: 10000 });
  const limit = limits.memoryBytes === undefined ? Infinity : maxPathsInMemory(modes.length, limits.memoryBytes);
  if (paths > limit) r.fail("paths", `${paths} paths need about ${gib(paths * modes.length * BYTES_PER_PATH_AND_MODE)} for per-path results; at most ${limit} fit in this machine's memory`);
  const seed = r.number(top, "seed", "", { ge: 0, integer: true, default: 1 });
  if (model.type === "bootstrap" && stepMinutes % 60 !== 0) r.fail("stepMinutes", `the bootstrap model samples whole history hours: use a multiple of 60, got ${stepMinutes}`);
  const scenario = overrides.scenario !== undefined ? pathScenario(overrides.scenario, "--scenario", stepMinutes) : top.scenario !== undefined ? pathScenario(top.scenario, source, stepMinutes) : null;
  // funding squeezes and crash replays bring their own funding path: no assumption to warn about
  const scenarioFunding = scenario !== null && scenario.type !== "correlation-spike";
  if (fundingSource === "default" && !scenarioFunding) warnings.push(fundingAssumption(source, funding));

  return { config: { venue, initialBalance, book, model, funding, fundingSource, scenario, horizonHours, stepMinutes, steps, paths, seed, modes }, warnings };
}

/** A scenario for the paths; the grid and a crash off the step clock are refused in one line. */
function pathScenario(value: unknown, source: string, stepMinutes: number): PathScenarioSpec {
  const spec = parseScenario(value, source);
  const field = source === "--scenario" ? "" : "scenario: ";
  if (spec.type === "grid") {
    const name = typeof value === "string" ? value : "<grid JSON>";
    throw new InputError(`${source}: ${field}${JSON.stringify(name)} is a deterministic SPAN-style grid, evaluated without simulation: run perpsim scenarios grid --config FILE --scenario ${typeof value === "string" ? value : "'<grid JSON>'"}`);
  }
  if (spec.type === "crash-replay" && Math.abs(Math.round((spec.startHour * 60) / stepMinutes) - (spec.startHour * 60) / stepMinutes) > 1e-9)
    throw new InputError(`${source}: scenario.startHour: ${spec.startHour} is not on a step boundary (steps of ${stepMinutes} min)`);
  return spec;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function parseVenue(r: ConfigReader, value: unknown): VenueChoice {
  if (value === undefined) r.fail("venue", "is required (a venue name such as \"binance\", or { \"name\": \"custom\", ... })");
  if (typeof value === "string") {
    if (!value) r.fail("venue", "must not be empty");
    return value;
  }
  const v = r.object(value, "venue");
  const name = r.string(v, "name", "venue");
  if (name === "custom") {
    r.number(v, "maintenanceMarginRate", "venue", { gt: 0, lt: 1 });
    // the defaults are written into the choice: the venue registry requires both fees
    const takerFee = r.number(v, "takerFee", "venue", { ge: 0, lt: 1, default: 0 });
    const liquidationFee = r.number(v, "liquidationFee", "venue", { ge: 0, lt: 1, default: 0 });
    return { ...v, name, takerFee, liquidationFee };
  }
  return { ...v, name };
}

function parseModes(r: ConfigReader, value: unknown): MarginMode[] {
  if (value === undefined) return [...MODES];
  if (!Array.isArray(value) || value.length === 0) r.fail("modes", "must be a non-empty array of \"cross\" and/or \"isolated\"");
  const seen = new Set<MarginMode>();
  value.forEach((m, i) => {
    if (!MODES.includes(m as MarginMode)) r.fail(`modes[${i}]`, `must be "cross" or "isolated", got ${JSON.stringify(m)}`);
    if (seen.has(m as MarginMode)) r.fail(`modes[${i}]`, `"${m}" appears twice`);
    seen.add(m as MarginMode);
  });
  return [...seen];
}

function parseBook(r: ConfigReader, top: Record<string, unknown>, symbols: string[], modes: MarginMode[]): Book {
  if (top.portfolio !== undefined && top.strategy !== undefined) r.fail("strategy", "give either portfolio or strategy, not both");
  if (top.strategy !== undefined) {
    const s = r.object(top.strategy, "strategy");
    r.onlyKeys(s, "strategy", ["file", "name", "params"]);
    const file = s.file === undefined ? null : r.string(s, "file", "strategy");
    const name = s.name === undefined ? null : r.string(s, "name", "strategy");
    if ((file === null) === (name === null)) r.fail("strategy", "needs exactly one of file or name");
    const params = s.params === undefined ? {} : r.object(s.params, "strategy.params");
    return { kind: "strategy", file, name, params };
  }
  if (top.portfolio === undefined) r.fail("portfolio", "is required (or give a strategy)");
  if (!Array.isArray(top.portfolio) || top.portfolio.length === 0) r.fail("portfolio", "must be a non-empty array of legs");
  const legs: PortfolioLeg[] = [];
  const seen = new Set<string>();
  top.portfolio.forEach((item, i) => {
    const field = `portfolio[${i}]`;
    const leg = r.object(item, field);
    r.onlyKeys(leg, field, ["symbol", "side", "leverage", "weight"]);
    const symbol = r.string(leg, "symbol", field);
    if (!symbols.includes(symbol)) r.fail(`${field}.symbol`, `"${symbol}" is not an asset of model.assets (${symbols.join(", ")})`);
    if (seen.has(symbol)) r.fail(`${field}.symbol`, `"${symbol}" appears twice`);
    seen.add(symbol);
    const side = r.string(leg, "side", field, { oneOf: ["long", "short"] }) as Side;
    const leverage = r.number(leg, "leverage", field, { gt: 0 });
    const weight = r.number(leg, "weight", field, { gt: 0, le: 1 });
    legs.push({ symbol, side, leverage, weight });
  });
  const total = legs.reduce((s, l) => s + l.weight, 0);
  if (modes.includes("isolated") && total > 1 + 1e-9)
    r.fail("portfolio", `weights sum to ${+total.toFixed(6)}, above 1: in isolated mode the legs' margin cannot exceed the balance`);
  return { kind: "portfolio", legs };
}

/** The venue's funding interval: what `settleEveryHours` defaults to (Hyperliquid 1 h, Binance 8 h, custom its own). */
function venueFundingHours(r: ConfigReader, venue: VenueChoice): number {
  try {
    return getVenue(venue as string | CustomVenueSpec).funding.intervalHours;
  } catch (err) {
    if (err instanceof InputError) r.fail("venue", err.message);
    throw err;
  }
}

/** The one-line warning that a config without a funding block runs on an assumption. */
function fundingAssumption(source: string, funding: StressFunding): string {
  const assumed = funding.type === "history"
    ? `the recorded rate of each sampled history hour, settled every ${funding.settleEveryHours} h (the venue's interval)`
    : "no funding at all (funding type \"none\"); add e.g. \"funding\": { \"type\": \"mean-reverting\" } to charge it";
  return `${source}: funding: no funding block; assuming ${assumed}`;
}
