import { InputError } from "../errors/index.ts";
import { formatDuration, isoTime, type MarketData } from "../market/index.ts";
import { resolveParams, typedParams } from "../strategy/index.ts";
import type { Venue } from "../venues/index.ts";
import { recordTables, TableClock } from "./tables.ts";
import { ReplayContext } from "./context.ts";
import { DETAIL_RULE_TEXT, planDetail, type DetailPlan } from "./detail.ts";
import { FundingClock } from "./fundingClock.ts";
import { describeFundingHoles, fundingCoverage } from "./fundingGaps.ts";
import { IntrabarWalker } from "./intrabar.ts";
import { OrderRouter } from "./orderRouter.ts";
import { Recorder } from "./recorder.ts";
import { modeResult } from "./result.ts";
import { defaultTrigger, triggerSeries, type TriggerBars } from "./series.ts";
import { ReplayState } from "./state.ts";
import { hasHooks, StrategyCalls } from "./strategyCalls.ts";
import type { BacktestOptions, BacktestResult, IntrabarPolicy, ModeResult, RunMode } from "./types.ts";

/**
 * Replay a strategy over a market once per mode, on the same data and the same decision rule.
 *
 * Each step i (bar i opens at t_i): settle the funding due at t_i (positions held before t_i pay) →
 * fill the orders the strategy queued at the close of bar i−1 at bar i's last-trade open (± slippage)
 * → walk bar i's intrabar path on the trigger series (open → nearer extreme → farther extreme →
 * close per symbol; `worst`: every position at its adverse extreme at once; detail sub-bars when
 * asked and present, see detail.ts), liquidating and firing stops in the order the path reaches
 * them, and settling each funding due inside the bar at its own time on the path's price there →
 * mark to market at the close and record → hand the closed bar to the strategy. No step reads a
 * later bar.
 */
export function runBacktest(o: BacktestOptions): BacktestResult {
  if (!(o.balance > 0) || !Number.isFinite(o.balance)) throw new InputError(`--balance ${o.balance} must be a positive number`);
  const slippage = o.slippage ?? 0;
  if (!(slippage >= 0 && slippage < 0.5)) throw new InputError(`--slippage ${slippage} must be in [0, 0.5)`);
  const params = resolveParams(o.strategy, o.params);
  const modes = o.modes ?? ["cross", "isolated"];
  const trigger = o.liqPrice ?? defaultTrigger(o.venue);
  const intrabar = o.intrabar ?? "path";
  const warnings: string[] = [];
  const series = triggerSeries(o.market, trigger, o.venue, warnings);
  const plan = o.detail === true ? planDetail(o.market, trigger === "mark", o.detailMark) : null;
  if (o.detail && !plan) warnings.push("--detail: no detail candles in the data; bars are replayed on their 4-point path");
  const values = typedParams(o.strategy, params);
  const runs = modes.map((mode) => runMode({ ...o, slippage }, values, mode, series, intrabar, plan));
  const settings: Record<string, string | number | boolean> = {
    intrabar: intrabar === "path" ? "path (open → nearer extreme → farther extreme → close)" : "worst (every position at its adverse extreme at once)",
    trigger: trigger === "mark" ? "mark (last where mark is missing)" : "last",
    detail: plan ? describePlan(plan, warnings) : "none",
    slippage,
    ledger: o.ledger ?? "exact",
    fundingRule:
      "a settlement at t is paid by positions held before t: at a bar's open on the trigger open; inside a bar at its own time, " +
      "on the trigger price of the intrabar path there, before the rest of the bar's checks",
    stopRule: "stops trigger on the trigger series along the intrabar path; a gap fills at the gap price",
  };
  for (const r of runs) settings[`barsWherePathAndWorstDiffer:${r.run.mode}`] = r.intrabarDifferingBars;
  const coverage = fundingCoverage(o.market);
  settings.fundingGaps = coverage.missing;
  settings.fundingComplete = coverage.complete;
  const holes = describeFundingHoles(coverage);
  if (holes) warnings.push(holes);
  recordTables(o.venue, o.market.symbols.map((s) => s.symbol), o.market.from, o.market.to, settings, warnings);
  return { params, runs, settings, warnings };
}

/** The settings line for the detail walk, and one warning per rule used. */
function describePlan(plan: DetailPlan, warnings: string[]): string {
  const iv = formatDuration(plan.intervalMs);
  const used = plan.rules.filter((r) => plan.counts[r] > 0);
  for (const r of used) {
    const what = r === "mark" ? `${iv} mark-price candles` : r === "clip" ? `${iv} last-trade candles clipped into the bar's mark candle (no ${iv} mark candles)` : `${iv} last-trade candles (the trigger is last-trade in those bars)`;
    warnings.push(`--detail ${iv}: ${plan.counts[r]} bar×symbol walks on ${what}`);
  }
  if (plan.partial > 0) {
    const first = plan.partialFirst.map((p) => `${p.symbol} ${isoTime(p.time)} (${p.present} of ${plan.count})`).join(", ");
    warnings.push(`--detail ${iv}: ${plan.partial} bar×symbol walks with ${iv} candles missing, walked on the ones present (flat where absent): ${first}${plan.partial > plan.partialFirst.length ? ", …" : ""}`);
  }
  if (plan.coarseBars > 0) warnings.push(`--detail ${iv}: ${plan.coarseBars} bars without ${iv} candles for every symbol are replayed on their 4-point path`);
  const rules = used.map((r) => `${r} (${plan.counts[r]}): ${DETAIL_RULE_TEXT[r]}`);
  const partial = plan.partial > 0 ? `; ${plan.partial} walks with missing sub-bars, flat where absent` : "";
  return `${iv} sub-bars — ${rules.join("; ")}${partial}${plan.coarseBars > 0 ? `; 4-point path on ${plan.coarseBars} bars without detail` : ""}`;
}

/**
 * One mode's replay: DESIGN.md §4's steps for each bar, each a unit of its own sharing one
 * ReplayState (state.ts, which reads the account's position store in place): the funding clock
 * (fundingClock.ts), the order router (orderRouter.ts), the intrabar walker with stops, liquidations
 * and detail sub-bars (intrabar.ts, subBars.ts), the recorder (recorder.ts), the strategy's calls
 * (strategyCalls.ts, context.ts), and at the end the result (result.ts). Orders queued at a close
 * fill at the next open, so the router runs before the walk.
 */
function runMode(o: BacktestOptions, params: unknown, mode: RunMode, trig: TriggerBars[], intrabar: IntrabarPolicy, plan: DetailPlan | null): ModeResult {
  const market = o.market;
  const state = new ReplayState(o, mode, trig, hasHooks(o.strategy));
  const tables = new TableClock(o.venue, state.symbols, market.time[0], state.account);
  const funding = new FundingClock(state);
  const router = new OrderRouter(state);
  const walker = new IntrabarWalker(state, funding, intrabar, plan, o.detailMark);
  const recorder = new Recorder(state, o.balance, o.recordEquity !== false);
  const calls = new StrategyCalls(o.strategy, new ReplayContext(params, o.balance, state), state.totals.notices);

  calls.init(market.from, o.balance);
  for (let i = 0; i < market.length; i++) {
    const t = market.time[i];
    tables.advance(t);
    funding.settleAtOpen(i, t);
    router.fillQueued(i, t, calls);
    walker.walkBar(i, t, market.intervalMs);
    recorder.close(i, t, walker.C);
    calls.closedBar(i, t, recorder.equity);
  }
  return modeResult(state, recorder, o.balance, walker.differingBars);
}

export type { Venue, MarketData };
