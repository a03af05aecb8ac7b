import { runBacktest } from "../backtest/index.ts";
import { InputError, type Bars, type FundingSeries, type MarketData, type SymbolData } from "../market/index.ts";
import { loadStrategy, type SetupContext, type Strategy, type StrategyContext } from "../strategy/index.ts";
import type { Venue } from "../venues/index.ts";
import { configVenue } from "./venue.ts";
import { sampleBridgeExtremes, settlementsBetween, RandomStream, streamKey, SUBSTREAM } from "../paths/index.ts";
import type { StressConfig } from "./config.ts";
import { PathDriver } from "./pathDriver.ts";
import { FIELD, MAX_LEG_SLOTS, PATH_FIELDS } from "./pathResult.ts";
import type { PathTrace } from "./simulate.ts";

/*
 * Stress runs of a strategy: each path's shocks become synthetic candles (open = the previous close,
 * close = the model's price, high/low = the exact joint extremes of the Brownian bridge between them,
 * a jump landing at the close), funding settlements come from the funding process, mark = these
 * candles, and the backtester replays the strategy on them under every mode: the same engine, the
 * same strategy file, the same market for every mode (common random numbers).
 */

const MS_PER_HOUR = 3_600_000;
/**
 * Candle extremes draw from their own substream (after market 0, bridge 1, funding 2 of
 * random/stream.ts), so path i's closes are the portfolio kernel's closes for the same seed.
 */
export const CANDLE_SUBSTREAM = 3;

// ------------------------------------------------------------------ loading the strategy

const loaded = new Map<string, Strategy>();

function strategySpec(config: StressConfig): { key: string; field: string } {
  if (config.book.kind !== "strategy") throw new Error("strategySpec: the config's book is a portfolio");
  return config.book.file !== null ? { key: config.book.file, field: "strategy.file" } : { key: config.book.name!, field: "strategy.name" };
}

/**
 * Load the config's strategy into this thread (a no-op for a portfolio book). Strategies are code,
 * not data: every worker loads the module itself from the file path or built-in name in the config
 * (relative paths resolve against the working directory, as `perpsim backtest --strategy` does).
 */
export async function prepareBook(config: StressConfig): Promise<void> {
  if (config.book.kind !== "strategy") return;
  const { key, field } = strategySpec(config);
  if (loaded.has(key)) return;
  try {
    loaded.set(key, await loadStrategy(key));
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message.replace(/^--strategy\b:?/, `${field}:`));
    throw err;
  }
}

function loadedStrategy(config: StressConfig): Strategy {
  const s = loaded.get(strategySpec(config).key);
  if (!s) throw new Error("StrategyPathSimulator: call prepareBook(config) first (strategies load asynchronously)");
  return s;
}

/** A message from a worker that carries a strategy failure (see StrategyPathSimulator.run), without the pool's prefix. */
export function strategyFailure(message: string): string | null {
  const at = message.search(/path \d+, hour [\d.]+: /);
  return at < 0 ? null : message.slice(at);
}

// ------------------------------------------------------------------ the synthetic market of one path

/**
 * One path's market, in buffers reused from path to path: `fill(pathIndex)` overwrites the candles
 * and funding settlements; `data` is the `MarketData` the backtester reads.
 */
export class SyntheticMarket {
  readonly data: MarketData;
  readonly symbols: readonly string[];
  /** the portfolio kernel's driver: the same closes and funding rates for the same (seed, path) */
  private readonly driver: PathDriver;
  private readonly bars: Bars[];
  private readonly fundingSeries: FundingSeries[];
  /** for each settlement, the step at whose end it falls (its rate is the one in force after that step) */
  private readonly settlementStep: Int32Array;
  private readonly candleRng = new RandomStream("0");
  private readonly extremes = new Float64Array(2);
  private readonly steps: number;

  constructor(private readonly config: StressConfig, venue: Venue) {
    const driver = (this.driver = new PathDriver(config, venue));
    this.symbols = driver.model.symbols;
    this.steps = config.steps;
    const stepHours = driver.stepHours;

    const intervalMs = config.stepMinutes * 60_000;
    const time = Float64Array.from({ length: this.steps }, (_, s) => s * intervalMs);
    const field = () => new Float64Array(this.steps);
    this.bars = this.symbols.map(() => ({ intervalMs, length: this.steps, time, open: field(), high: field(), low: field(), close: field(), volume: field() }));

    // Settlements strictly inside the horizon: the backtester pays one at the open of the bar at its
    // time, by what was held before it; one falling exactly at the horizon has no bar and is not paid.
    const every = driver.funding.settleEveryHours;
    const steps: number[] = [];
    const times: number[] = [];
    for (let s = 0; s < this.steps; s++) {
      const k = settlementsBetween(s * stepHours, (s + 1) * stepHours, every);
      const first = Math.floor((s * stepHours) / every + 1e-9) + 1;
      for (let j = 0; j < k; j++) {
        const hour = (first + j) * every;
        if (hour * MS_PER_HOUR >= this.steps * intervalMs - 1e-6) continue;
        steps.push(s);
        times.push(Math.round(hour * MS_PER_HOUR));
      }
    }
    this.settlementStep = Int32Array.from(steps);
    const fundingTime = Float64Array.from(times);
    this.fundingSeries = this.symbols.map(() => ({
      length: times.length, time: fundingTime, rate: new Float64Array(times.length), intervalHours: new Float64Array(times.length).fill(every),
    }));

    const info = { file: "synthetic", rows: this.steps, first: 0, last: (this.steps - 1) * intervalMs, gaps: { missingBars: 0, holes: 0, first: [] } };
    const hasFunding = Number.isFinite(every);
    const symbols: SymbolData[] = this.symbols.map((symbol, i) => ({
      symbol, bars: this.bars[i], mark: this.bars[i], funding: hasFunding ? this.fundingSeries[i] : undefined, info: { bars: info },
    }));
    this.data = { intervalMs, from: 0, to: this.steps * intervalMs, length: this.steps, time, symbols, warnings: [] };
  }

  /** Overwrite the buffers with path `pathIndex` (streams of (seed, pathIndex); the same for any worker). */
  fill(pathIndex: number): void {
    const { driver, extremes, bars } = this;
    const { r, jump, variance, x0, s0, s1, rates } = driver;
    const n = this.symbols.length;
    driver.reset(pathIndex);
    this.candleRng.reseed(streamKey(this.config.seed, pathIndex, CANDLE_SUBSTREAM));
    const every = driver.funding.settleEveryHours;
    let settlement = 0;
    for (let s = 0; s < this.steps; s++) {
      driver.step(s);
      for (let i = 0; i < n; i++) {
        const b = bars[i];
        const open = s0[i];
        const close = s1[i];
        sampleBridgeExtremes(r[i] - jump[i], variance[i], this.candleRng, extremes);
        const high = Math.exp(x0[i] + extremes[1]);
        const low = Math.exp(x0[i] + extremes[0]);
        b.open[s] = open;
        b.close[s] = close;
        b.high[s] = Math.max(high, open, close);
        b.low[s] = Math.min(low, open, close);
      }
      while (settlement < this.settlementStep.length && this.settlementStep[settlement] === s) {
        for (let i = 0; i < n; i++) (this.fundingSeries[i].rate as Float64Array)[settlement] = (rates[i] * every) / 8;
        settlement++;
      }
    }
  }
}

// ------------------------------------------------------------------ the replay

/**
 * The simulator of a strategy book: the same `modes` / `run(pathIndex, out, at, trace?)` as
 * `PathSimulator`, writing the same per-path fields (pathResult.ts), so the pool, the aggregation
 * and the outputs work unchanged. Build one per worker after `prepareBook(config)`.
 *
 * Min equity is the lowest of the initial balance and the equity at each bar's close (what the
 * strategy sees), like the portfolio kernel's step-end minimum.
 */
export class StrategyPathSimulator {
  readonly modes: number;
  private readonly market: SyntheticMarket;
  private readonly venue: Venue;
  private readonly strategy: Strategy;
  /** per mode, in the order runBacktest runs them */
  private readonly minEquity: Float64Array;
  private modeCursor = -1;
  private lastTime = 0;

  constructor(private readonly config: StressConfig) {
    if (config.book.kind !== "strategy") throw new Error("StrategyPathSimulator: the config's book is a portfolio");
    this.venue = configVenue(config);
    this.market = new SyntheticMarket(config, this.venue);
    this.modes = config.modes.length;
    this.minEquity = new Float64Array(this.modes);
    this.strategy = this.observed(loadedStrategy(config));
  }

  run(pathIndex: number, out: Float64Array, at: number, trace?: PathTrace): void {
    const config = this.config;
    this.market.fill(pathIndex);
    this.modeCursor = -1;
    this.minEquity.fill(config.initialBalance); // the equity at time 0, before any order fills
    let result;
    try {
      result = runBacktest({
        market: this.market.data, venue: this.venue, strategy: this.strategy, params: (config.book as { params: unknown }).params,
        modes: config.modes, balance: config.initialBalance, ledger: "fast", recordEvents: false, recordEquity: trace !== undefined,
      });
    } catch (err) {
      if (!(err instanceof InputError) || !/^strategy '/.test(err.message)) throw err;
      throw new InputError(`path ${pathIndex}, hour ${+(this.lastTime / MS_PER_HOUR).toFixed(6)}: ${err.message}`);
    }
    for (let m = 0; m < this.modes; m++) {
      const { run, firstLiquidation, equity } = result.runs[m];
      const o = at + m * PATH_FIELDS;
      out[o + FIELD.liquidated] = firstLiquidation === null ? 0 : 1;
      out[o + FIELD.liquidationHour] = firstLiquidation === null ? NaN : firstLiquidation / MS_PER_HOUR;
      out[o + FIELD.terminalEquity] = run.finalEquity;
      out[o + FIELD.minEquity] = Math.min(this.minEquity[m], run.finalEquity);
      out[o + FIELD.fundingPaid] = run.fundingPaid;
      out[o + FIELD.badDebt] = run.badDebt;
      for (let k = 0; k < MAX_LEG_SLOTS; k++) out[o + FIELD.legHour + k] = NaN;
      for (const l of run.liquidations) {
        const k = this.market.symbols.indexOf(l.symbol);
        if (k >= 0 && k < MAX_LEG_SLOTS && Number.isNaN(out[o + FIELD.legHour + k])) out[o + FIELD.legHour + k] = Date.parse(l.time) / MS_PER_HOUR;
      }
      if (trace && equity) this.replayTrace(m, equity, run.liquidations.map((l) => Date.parse(l.time)), trace);
    }
  }

  /** Hand a recorded equity trace to a PathTrace, as the portfolio kernel does step by step. */
  private replayTrace(m: number, e: NonNullable<ReturnType<typeof runBacktest>["runs"][number]["equity"]>, liquidations: number[], trace: PathTrace): void {
    const n = e.symbols.length;
    const prices = new Float64Array(n);
    const liqs = new Float64Array(n).fill(NaN);
    const liqPrices = () => liqs;
    let equityNow = this.config.initialBalance;
    const equity = () => equityNow;
    for (let i = 0; i < n; i++) prices[i] = this.market.data.symbols[i].bars.open[0];
    trace(m, 0, equity, prices, false, liqPrices);
    const iv = this.market.data.intervalMs;
    for (let row = 0; row < e.rows; row++) {
      const r = row * e.stride;
      const t0 = e.data[r];
      for (let i = 0; i < n; i++) {
        prices[i] = e.data[r + 5 + 3 * i];
        const lp = e.data[r + 6 + 3 * i];
        liqs[i] = lp > 0 ? lp : NaN;
      }
      const liquidatedNow = liquidations.some((t) => t >= t0 && t < t0 + iv);
      equityNow = e.data[r + 1];
      trace(m, (t0 + iv) / MS_PER_HOUR, equity, prices, liquidatedNow, liqPrices);
    }
  }

  /** The strategy with its calls observed: the lowest close equity per mode and the time of the last call. */
  private observed(strategy: Strategy): Strategy {
    return {
      ...strategy,
      init: (ctx: SetupContext) => {
        this.modeCursor++;
        this.lastTime = ctx.time;
        return strategy.init?.(ctx); // what init returns is the run's ctx.state
      },
      onBar: (ctx: StrategyContext) => {
        this.lastTime = ctx.time;
        const m = this.modeCursor;
        if (ctx.equity < this.minEquity[m]) this.minEquity[m] = ctx.equity;
        strategy.onBar(ctx);
      },
    };
  }
}
