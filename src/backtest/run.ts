import { existsSync } from "node:fs";
import { DEFAULT_DATA_DIR, datasetPath, loadMarket, parseTimeArg, type FundingSource } from "../data/index.ts";
import { InputError } from "../errors/index.ts";
import { INTERVALS, type Interval, type MarketData } from "../market/index.ts";
import type { BacktestSummary } from "../results/index.ts";
import { loadStrategy, resolveParams } from "../strategy/index.ts";
import { getVenue, withTableFiles, type VenueTableFile } from "../venues/index.ts";
import { loadMarkDetail } from "./detail.ts";
import { tradesCsv } from "./analysis.ts";
import { fundingCoverage } from "./fundingGaps.ts";
import { analyseRuns, buildSummary, candlesCsv, equityCsv, eventsCsv } from "./output.ts";
import { defaultTrigger, triggerSeries } from "./series.ts";
import { observedStrategy, type BacktestProgress } from "./observe.ts";
import { runBacktest } from "./replay.ts";
import type { BacktestResult, IntrabarPolicy, RunMode, TriggerSource } from "./types.ts";

/** A backtest as a user asks for it: names and dates, not loaded data. Defaults are picked by `runBacktestJob`. */
export interface BacktestJob {
  /** a strategy's name (a file in strategies/) or a path to a strategy file */
  strategy: string;
  /** user params, merged over the strategy's declared ones */
  params?: unknown;
  symbols: string[];
  venue: string;
  from?: string;
  to?: string;
  balance: number;
  modes: RunMode[];
  dataDir?: string;
  liqPrice?: TriggerSource;
  intrabar: IntrabarPolicy;
  /** the strategy's bar; default 1h */
  interval?: Interval;
  /** detail candles; default none for 1h bars, 1h (mark) for 4h and 1d; "none" turns it off */
  detail?: Interval | "none";
  /** whose funding history to settle; default by venue (see `defaultFunding`) */
  funding?: FundingSource | "none";
  slippage: number;
  ledger: "exact" | "fast";
  /** the package version written into summary.settings */
  version?: string;
  /** told every few hundred bars how far the replay has got (the CLI's progress line) */
  progress?: BacktestProgress;
  /** a user's dated venue tables (`perpsim venues update` files, parsed by the caller) beside the shipped ones */
  venueTables?: readonly VenueTableFile[];
}

export interface BacktestJobResult {
  summary: BacktestSummary;
  /** file name → contents: summary.json, equity.csv, events.csv, trades.csv, candles.csv */
  files: Record<string, string>;
  result: BacktestResult;
}

/**
 * The backtest runner, beside the stress runner (stress/run.ts): load the strategy and check its
 * params (before any data is read), pick the defaults (detail for coarse bars, the venue's funding),
 * load the market, replay every mode, and return the summary and the output files' contents.
 * Warnings (the data's and the run's) go to `warn`; writing is the caller's.
 */
export async function runBacktestJob(job: BacktestJob, warn: (s: string) => void): Promise<BacktestJobResult> {
  const venue = withTableFiles(getVenue(job.venue), job.venueTables ?? []);
  const strategy = await loadStrategy(job.strategy);
  resolveParams(strategy, job.params); // bad params fail before any data is read
  if (job.from !== undefined && job.to !== undefined && parseTimeArg(job.from, "from") >= parseTimeArg(job.to, "to")) {
    throw new InputError(`--from ${job.from} is not before --to ${job.to}`);
  }
  const interval = job.interval ?? "1h";
  const detail = job.detail === "none" ? undefined : (job.detail ?? (interval === "1h" ? undefined : "1h"));
  if (detail !== undefined && INTERVALS[detail] >= INTERVALS[interval]) throw new InputError(`--detail ${detail} must be finer than --interval ${interval}`);
  const useMark = job.liqPrice === "last" ? false : undefined;
  let funding = job.funding ?? defaultFunding(venue.name, job.symbols, job.dataDir ?? DEFAULT_DATA_DIR, warn);
  const load = () => loadMarket({
    dataDir: job.dataDir, symbols: job.symbols, from: job.from, to: job.to, interval, detail, mark: useMark, funding: funding === "none" ? false : funding,
    fundingRequired: job.funding !== undefined,
  });
  let market = await load();
  // the default may fall back to Binance's history where the venue's own has nothing in the range; an explicit source never does
  if (job.funding === undefined && funding === "hyperliquid" && fundingUnknown(market).length > 0) {
    warn(`warning: no Hyperliquid funding in the range for ${fundingUnknown(market).join(", ")}; settling Binance's funding history instead`);
    funding = "binance-usdm";
    market = await load();
  }
  const detailMark = detail !== undefined && useMark !== false ? await loadMarkDetail(market, detail, job.dataDir) : undefined;
  const result = runBacktest({
    market, venue, strategy: job.progress ? observedStrategy(strategy, market.length, job.modes.length, job.progress) : strategy, params: job.params ?? {}, modes: job.modes, balance: job.balance, intrabar: job.intrabar,
    liqPrice: job.liqPrice, detail: detail !== undefined, detailMark, slippage: job.slippage, ledger: job.ledger,
  });
  for (const w of [...market.warnings, ...result.warnings]) warn(`warning: ${w}`);
  const symbols = market.symbols.map((s) => s.symbol);
  const unknown = funding === "none" ? [] : fundingUnknown(market);
  const fundingNote = job.funding === undefined && funding !== "none" && funding !== venueFunding(venue.name) ? `${funding} (default; the venue's own history is not in the data)` : funding;
  const header = {
    venue: venue.name, strategy: strategy.name, symbols, from: market.from, to: market.to, initialBalance: job.balance,
    settings: { version: job.version ?? "unknown", interval, funding: fundingNote }, fundingUnknown: unknown,
  };
  const analyses = analyseRuns(header, result);
  const summary = buildSummary(header, result, analyses);
  const trig = triggerSeries(market, job.liqPrice ?? defaultTrigger(venue), venue, []);
  const files = {
    "summary.json": JSON.stringify(summary, null, 2) + "\n",
    "equity.csv": equityCsv(result.runs, symbols),
    "events.csv": eventsCsv(result.runs),
    "trades.csv": tradesCsv(analyses, unknown.length === 0),
    "candles.csv": candlesCsv(market.time, symbols, trig),
  };
  return { summary, files, result };
}

/** Symbols whose funding series has no settlement in the run (no file, or none in range): their funding is unknown. */
function fundingUnknown(market: MarketData): string[] {
  const c = fundingCoverage(market);
  return market.symbols.filter((s) => c.withoutFunding.includes(s.symbol) || (s.funding?.length ?? 0) === 0).map((s) => s.symbol);
}

/** The venue's own funding history, where the data has one. */
const venueFunding = (venue: string): FundingSource => (venue === "hyperliquid" ? "hyperliquid" : "binance-usdm");

/**
 * Funding follows the venue: Hyperliquid settles its own hourly funding (on the oracle price), so a
 * Hyperliquid run uses Hyperliquid's funding history where the data folder has it for every symbol.
 */
export function defaultFunding(venue: string, symbols: readonly string[], dataDir: string, log: (s: string) => void): FundingSource {
  if (venue !== "hyperliquid") return "binance-usdm";
  const missing = symbols.filter((s) => !existsSync(datasetPath(dataDir, "hyperliquid", "funding", s)));
  if (missing.length === 0) return "hyperliquid";
  log(`warning: no Hyperliquid funding for ${missing.join(", ")} in ${dataDir}; settling Binance's funding history instead`);
  return "binance-usdm";
}
