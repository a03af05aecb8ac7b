import { readFile } from "node:fs/promises";
import { type BacktestJob, type BacktestResult, type IntrabarPolicy, type RunMode, type TriggerSource } from "../../backtest/index.ts";
import { parseTimeArg, type FundingSource } from "../../data/index.ts";
import { InputError } from "../../errors/index.ts";
import { isoTime, type Interval, INTERVALS } from "../../market/index.ts";
import { backtestVerdictSentence, preloadReportRenderer, RunFolder } from "../../report/index.ts";
import { grouped, money, signed, type BacktestSummary } from "../../results/index.ts";
import { describeParams, loadStrategy } from "../../strategy/index.ts";
import { getVenue } from "../../venues/index.ts";
import { numberFlag, parseFlags } from "../args.ts";
import { Interrupted, runIsolated } from "../isolate.ts";
import { commitRun } from "../commitRun.ts";
import { createProgress } from "../progress.ts";
import { readUserTables } from "../venueTables.ts";
import type { BacktestThreadResult } from "./backtestJob.ts";

const HELP = `usage: perpsim backtest --strategy NAME|FILE [--params JSON] --symbols A,B --from DATE --to DATE
  [--venue binance] [--balance 10000] [--modes MODES] [--data DIR] [--liq-price mark|last]
  [--interval 1h|4h|1d] [--intrabar path|worst] [--detail 5m|1h|none] [--funding binance-usdm|hyperliquid|none]
  [--slippage 0] [--ledger exact|fast] [--out DIR] [--force] [--timeout SECONDS] [--max-memory MB]
dates are UTC; --to is exclusive. --modes: cross, isolated, hybrid (both margin modes); default the venue's modes. --strategy NAME: a file strategies/NAME.ts (shipped: hold, scalper, swing, hedger, funding-carry, margin-keeper); with --help, its params.
--interval: the strategy's bar (default 1h; 4h and 1d are resampled from the 1h files); orders fill at the next bar's open.
--detail: finer candles walked inside each bar for liquidations, stops and funding (default: none for 1h, 1h for 4h/1d).
  With mark-price detail candles (1h) the walk triggers on them; with last-trade detail only (5m), those give the timing
  and the bar's mark candle the levels (clipped into its [low, high]; its low/high fall where the last-trade low/high did).
Funding settlements inside a bar are paid at their own time on the path's trigger price there.
--funding: whose funding history is settled (default: the venue's own where the data has it — Hyperliquid's hourly
  funding for --venue hyperliquid — else Binance's, and the run says so); none charges no funding (stated in the summary).
  An explicit source never falls back: where it has no data for a symbol, funding is unknown (null in summary.json).
Writes summary.json, equity.csv, events.csv, trades.csv, candles.csv and report.html.
--out: a new or empty folder, or an earlier perpsim run folder (replaced whole, in one step); --force writes into any
  other folder in place (files of the same names replaced, the rest kept).
The strategy runs in its own thread: Ctrl-C stops it (exit 130), so do --timeout SECONDS and --max-memory MB
  (its heap limit, default 4096); each is one line on stderr, exit 1, nothing written.`;

const MODES = new Set(["cross", "isolated", "hybrid"]);
const STRATEGY_INTERVALS: readonly Interval[] = ["1h", "4h", "1d"];

/** The flags of `perpsim backtest`: a job with its params still JSON text, and the output folder. */
export type BacktestCliOptions = Omit<BacktestJob, "params" | "version"> & {
  params?: string;
  out?: string;
  /** write into a non-empty --out that is not a perpsim run folder */
  force?: boolean;
  /** stop the run after this many seconds */
  timeout?: number;
  /** heap limit of the thread the strategy runs in, MB (default DEFAULT_MEMORY_MB) */
  maxMemoryMb?: number;
};

/** The backtest thread's default heap limit: a full 2019–2026 hourly run of three symbols needs well under half of it. */
export const DEFAULT_MEMORY_MB = 4096;

/** Run a backtest, write summary.json, equity.csv, events.csv, trades.csv, candles.csv and report.html; returns the folder. Warnings go to `warn` (stderr). */
export async function backtestToFolder(o: BacktestCliOptions, warn: (s: string) => void = (s) => console.error(s)): Promise<{ dir: string; result: BacktestResult; report: string; summary: BacktestSummary }> {
  const params = parseParams(o.params);
  const folder = await RunFolder.open(o.out, "backtest", { force: o.force }); // before any work: a bad --out fails first
  const line = createProgress({ title: "backtest" });
  try {
    const { out: _out, force: _force, timeout: _timeout, maxMemoryMb: _memory, ...rest } = o;
    const venueTables = readUserTables(getVenue(o.venue).name).map((u) => u.parsed);
    const job: BacktestJob = { ...rest, params, version: await packageVersion(), venueTables };
    // the strategy runs in a worker thread: Ctrl-C, --timeout and the memory limit can stop it; its progress comes back as messages.
    // Meanwhile this thread, otherwise idle, loads the report's renderer (vega): the other core runs the backtest
    const running = runIsolated<BacktestThreadResult>("backtest", job, {
      what: "the backtest", timeoutSeconds: o.timeout, memoryMb: o.maxMemoryMb ?? DEFAULT_MEMORY_MB,
      onProgress: (done, total, mode, modes) =>
        line.update({ fraction: done / total, counters: { bars: `${grouped(done)}/${grouped(total)}` }, label: `mode ${mode} of ${modes}` }),
    });
    preloadReportRenderer();
    const { files, result, warnings } = await running;
    line.finish();
    for (const w of warnings) warn(w);
    const report = (await commitRun(folder, files, { report: true }))!;
    return { dir: folder.dir, result, report, summary: JSON.parse(files["summary.json"]) as BacktestSummary };
  } finally {
    line.finish();
    await folder.release();
  }
}

function parseParams(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`--params: not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
}

let version: Promise<string> | undefined;
/** perpsim's version from package.json, read once */
function packageVersion(): Promise<string> {
  version ??= readFile(new URL("../../../package.json", import.meta.url), "utf8").then((t) => (JSON.parse(t) as { version?: string }).version ?? "unknown");
  return version;
}

/** thousands separators and a true minus sign, as the report and the stress command print them */
const fixed = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? "–" : signed(x, d));

/** The verdict and the side-by-side table printed after a run (money in the quote currency, percentages with %). */
export function formatRuns(summary: BacktestSummary): string {
  const runs = summary.runs;
  type Run = (typeof runs)[number];
  const rows: [string, (r: Run) => string][] = [
    ["survived", (r) => (r.survived ? "yes" : "NO")],
    ["first liquidation", (r) => (r.liquidations[0] ? `${r.liquidations[0].time.slice(0, 16)}Z ${r.liquidations[0].symbol}` : "–")],
    ["liquidations", (r) => grouped(r.liquidations.length)],
    ["final equity", (r) => money(r.finalEquity)],
    ["return", (r) => `${fixed(r.returnPct)} %`],
    ["max drawdown", (r) => `${fixed(r.maxDrawdownPct)} %`],
    ["funding paid", (r) => (r.fundingPaid === null ? "unknown" : money(r.fundingPaid))],
    ["fees paid", (r) => money(r.feesPaid)],
    ["bad debt", (r) => money(r.badDebt)],
    ["fills", (r) => grouped(r.trades)],
    ["liq price drift (funding)", (r) => `${fixed(r.fundingErosion.maxLiqPriceDriftPct, 3)} %`],
    ["CAGR", (r) => (r.stats?.cagrPct == null ? "–" : `${fixed(r.stats.cagrPct)} %`)],
    ["Sharpe / Sortino", (r) => `${fixed(r.stats?.sharpe)} / ${fixed(r.stats?.sortino)}`],
    ["win rate", (r) => (r.stats?.winRatePct == null ? "–" : `${fixed(r.stats.winRatePct, 1)} %`)],
    ["profit factor", (r) => fixed(r.stats?.profitFactor)],
    ["exposure", (r) => (r.stats ? `${fixed(r.stats.exposurePct, 1)} %` : "–")],
  ];
  const w0 = Math.max(...rows.map(([k]) => k.length));
  const cells = rows.map(([, f]) => runs.map(f));
  const widths = runs.map((r, j) => Math.max(r.mode.length, ...cells.map((c) => c[j].length)));
  const line = (k: string, vs: string[]) => `  ${k.padEnd(w0)}  ${vs.map((v, j) => v.padStart(widths[j])).join("  ")}`;
  const unknown = runs.some((r) => r.fundingPaid === null) ? [`funding: unknown — ${summary.settings?.fundingUnknown ?? "no funding data for the run"}`] : [];
  return [
    backtestVerdictSentence(summary),
    ...unknown,
    `initial balance ${money(summary.initialBalance)} ${quote(summary.symbols)}`,
    line("", runs.map((r) => r.mode)),
    ...rows.map(([k], i) => line(k, cells[i])),
    "  (Sharpe/Sortino: daily returns × √365, risk-free 0; win rate and profit factor on trades.csv rows net of fees and funding)",
  ].join("\n");
}

/** The quote currency of the symbols (USDT, USDC…), or "" when they differ or none is recognised. */
function quote(symbols: readonly string[]): string {
  const q = new Set(symbols.map((s) => /(USDT|USDC|USD|BUSD)$/.exec(s)?.[1] ?? ""));
  return q.size === 1 ? [...q][0] : "";
}

export function parseBacktestArgs(argv: string[]): BacktestCliOptions | null {
  const { values: v } = parseFlags(argv, {
    strategy: { type: "string" }, params: { type: "string" }, symbols: { type: "string" }, venue: { type: "string" },
    from: { type: "string" }, to: { type: "string" }, balance: { type: "string" }, modes: { type: "string" },
    data: { type: "string" }, "liq-price": { type: "string" }, intrabar: { type: "string" }, detail: { type: "string" }, interval: { type: "string" },
    slippage: { type: "string" }, ledger: { type: "string" }, out: { type: "string" }, force: { type: "boolean" }, timeout: { type: "string" }, "max-memory": { type: "string" }, funding: { type: "string" }, help: { type: "boolean", short: "h" },
  });
  if (v.help) return null;
  if (!v.strategy) throw new InputError("--strategy is required (a built-in name or a file)");
  if (!v.symbols) throw new InputError("--symbols is required (e.g. BTCUSDT,ETHUSDT)");
  const symbols = v.symbols.split(",").map((s) => s.trim()).filter(Boolean);
  if (symbols.length === 0) throw new InputError("--symbols: no symbol given");
  const venue = getVenue(v.venue ?? "binance");
  const modes = v.modes === undefined ? [...venue.modes] : v.modes.split(",").map((m) => m.trim());
  for (const m of modes) {
    if (!MODES.has(m)) throw new InputError(`--modes: unknown mode '${m}' (cross, isolated, hybrid)`);
    const needs = m === "hybrid" ? (["cross", "isolated"] as const) : [m as "cross" | "isolated"];
    const lacking = needs.filter((x) => !venue.modes.includes(x));
    if (lacking.length > 0) throw new InputError(`--modes: ${venue.label} has no ${lacking.join(" or ")} margin (its modes: ${venue.modes.join(", ")})`);
  }
  if (new Set(modes).size !== modes.length) throw new InputError("--modes: a mode is listed twice");
  const liq = v["liq-price"];
  if (liq !== undefined && liq !== "mark" && liq !== "last") throw new InputError(`--liq-price: '${liq}' must be mark or last`);
  const intrabar = v.intrabar ?? "path";
  if (intrabar !== "path" && intrabar !== "worst") throw new InputError(`--intrabar: '${intrabar}' must be path or worst`);
  if (v.detail !== undefined && v.detail !== "none" && !(v.detail in INTERVALS)) throw new InputError(`--detail: '${v.detail}' is not an interval (e.g. 5m, 1h) or none`);
  const interval = v.interval ?? "1h";
  if (!(STRATEGY_INTERVALS as readonly string[]).includes(interval)) throw new InputError(`--interval: '${interval}' must be one of ${STRATEGY_INTERVALS.join(", ")}`);
  const funding = v.funding;
  if (funding !== undefined && funding !== "binance-usdm" && funding !== "hyperliquid" && funding !== "none") {
    throw new InputError(`--funding: '${funding}' must be binance-usdm, hyperliquid or none`);
  }
  const ledger = v.ledger ?? "exact";
  if (ledger !== "exact" && ledger !== "fast") throw new InputError(`--ledger: '${ledger}' must be exact or fast`);
  const balance = numberFlag("balance", v.balance) ?? 10000;
  if (!(balance > 0)) throw new InputError(`--balance ${balance} must be positive`);
  if (v.from !== undefined) parseTimeArg(v.from, "from");
  if (v.to !== undefined) parseTimeArg(v.to, "to");
  const timeout = numberFlag("timeout", v.timeout);
  if (timeout !== undefined && !(timeout > 0 && timeout <= 2_147_483)) throw new InputError(`--timeout ${v.timeout}: must be a number of seconds > 0`);
  const maxMemoryMb = numberFlag("max-memory", v["max-memory"]);
  if (maxMemoryMb !== undefined && !(Number.isSafeInteger(maxMemoryMb) && maxMemoryMb >= 64)) throw new InputError(`--max-memory ${v["max-memory"]}: must be a whole number of MB ≥ 64`);
  return {
    timeout, maxMemoryMb, force: v.force,
    strategy: v.strategy, params: v.params, symbols, venue: v.venue ?? "binance", from: v.from, to: v.to, balance,
    modes: modes as RunMode[], dataDir: v.data, liqPrice: liq as TriggerSource | undefined, intrabar, interval: interval as Interval, detail: v.detail as Interval | "none" | undefined,
    slippage: numberFlag("slippage", v.slippage) ?? 0, ledger, out: v.out, funding: funding as FundingSource | "none" | undefined,
  };
}

export async function run(argv: string[]): Promise<number> {
  const o = parseBacktestArgs(argv);
  if (!o) {
    console.log(HELP);
    const named = strategyFlag(argv);
    if (named) console.log(await strategyHelp(named));
    return 0;
  }
  let done;
  try {
    done = await backtestToFolder(o);
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    console.error("perpsim backtest: interrupted; nothing written");
    return 130;
  }
  const { dir, summary, report } = done;
  console.log(`backtest ${o.strategy} on ${o.venue}, ${o.symbols.join(", ")}, ${isoTime(parseTimeArg(o.from ?? 0, "from"))}`.replace(/, 1970.*$/, ""));
  console.log(formatRuns(summary));
  console.log(`outputs: ${dir}`);
  console.log(`report: ${report}`);
  return 0;
}

/** The `--strategy` value among the flags, if any (for `--help`). */
function strategyFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === "--strategy" || a.startsWith("--strategy="));
  if (i < 0) return undefined;
  return argv[i].includes("=") ? argv[i].slice(argv[i].indexOf("=") + 1) : argv[i + 1];
}

/** A strategy's description and its params (type, default, range) for `--help`. */
async function strategyHelp(nameOrPath: string): Promise<string> {
  const s = await loadStrategy(nameOrPath);
  const params = describeParams(s.params);
  const sweeps = params.some((l) => l.includes(", sweep ")) ? "; sweep: the values perpsim stress --sweep NAME runs" : "";
  return [`\nstrategy ${s.name}: ${s.description}`, params.length ? `params (--params JSON${sweeps}):` : "no params", ...params].join("\n");
}
