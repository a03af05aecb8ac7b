import type { MarketData } from "../../market/index.ts";
import { correlationMatrix, variance } from "../returns.ts";
import type { AssetSpec } from "../models/types.ts";
import { BootstrapModel, bootstrapSpec } from "./bootstrap.ts";

/** `model` of a stress config with `"type": "bootstrap"`, as the user wrote it (validated). */
export interface BootstrapRequest {
  symbols: string[];
  /** ISO date or time, inclusive */
  from: string;
  /** ISO date or time, exclusive */
  to: string;
  meanBlockHours: number;
  /** annual volatility to rescale to: one for every asset, or per symbol; null = as recorded */
  targetVol: number | Record<string, number> | null;
  /** data root (`--data` wins over the config's `data`); null = the shipped `data/` */
  data: string | null;
}

/**
 * The joint history a bootstrap run samples, loaded once in the main thread. The arrays live on
 * SharedArrayBuffers, so handing the config to a worker shares them instead of copying; `toJSON`
 * keeps them out of summary.json and the pool's config key.
 */
export class BootstrapHistory {
  constructor(
    /** returns[a][k]: log return of asset a over history hour k */
    readonly returns: Float64Array[],
    /** funding per 8h in force at hour k, per asset */
    readonly fundingPer8h: Float64Array[],
    /** per-asset factor applied to every return (target volatility / recorded; 1 = as recorded) */
    readonly scale: number[],
    readonly firstHour: string,
    readonly lastHour: string,
  ) {}

  toJSON(): Record<string, unknown> {
    return { hours: this.returns[0]?.length ?? 0, firstHour: this.firstHour, lastHour: this.lastHour, scale: this.scale };
  }
}

/** The resolved model of a bootstrap config: the request plus what the history says. */
export interface BootstrapModelSpec extends BootstrapRequest {
  type: "bootstrap";
  /** per asset: today's price (the last close of the history) and the annual volatility sampled (after rescaling) */
  assets: AssetSpec[];
  /** the history's correlation of hourly returns (the bridge's cross-margin variance uses it) */
  correlation: number[][];
  history: BootstrapHistory;
}

function shared(a: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** Resolve a bootstrap request against the loaded 1h history. Symbols are the market's (normalised) names. */
export function bootstrapModelSpec(request: BootstrapRequest, market: MarketData): BootstrapModelSpec {
  const symbols = market.symbols.map((s) => s.symbol);
  const targetVol = typeof request.targetVol === "number"
    ? Object.fromEntries(symbols.map((s) => [s, request.targetVol as number]))
    : request.targetVol ?? undefined;
  const spec = bootstrapSpec(market, { meanBlockHours: request.meanBlockHours, targetVol });
  const hours = spec.returns[0].length;
  if (hours < 2) throw new RangeError(`bootstrap: ${hours} joint hourly returns in ${request.from} → ${request.to}; need more history`);
  const rows = Array.from({ length: hours }, (_, k) => k);
  const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
  const assets = symbols.map((symbol, a) => ({
    symbol,
    price: spec.prices[a],
    vol: round(Math.sqrt(variance(spec.returns[a]) * 8760) * spec.scale[a], 6),
    drift: 0,
  }));
  const correlation = correlationMatrix(spec.returns, rows).map((row) => row.map((c) => round(c, 6)));
  const iso = (ms: number) => new Date(ms).toISOString();
  const t0 = market.time[0];
  const t1 = market.time[market.length - 1];
  const history = new BootstrapHistory(spec.returns.map(shared), spec.fundingPer8h.map(shared), spec.scale.map((s) => round(s, 9)), iso(t0), iso(t1));
  return { ...request, symbols, type: "bootstrap", assets, correlation, history };
}

/** The path model of a resolved spec (one per worker). */
export function bootstrapModel(spec: BootstrapModelSpec): BootstrapModel {
  const h = spec.history;
  return new BootstrapModel({
    type: "bootstrap",
    symbols: spec.symbols,
    prices: spec.assets.map((a) => a.price),
    returns: h.returns,
    fundingPer8h: h.fundingPer8h,
    meanBlockHours: spec.meanBlockHours,
    scale: h.scale,
    correlation: spec.correlation,
  });
}
