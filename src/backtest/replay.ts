import { Account, type EngineEvent } from "../margin/index.ts";
import { formatDuration, InputError, isoTime, lowFirst, type MarketData } from "../market/index.ts";
import { resolveParams, type OpenOrder, type Params, type Strategy } from "../strategy/index.ts";
import type { BacktestLiquidation } from "../results/index.ts";
import type { Venue } from "../venues/index.ts";
import { ReplayContext, type Order } from "./context.ts";
import { clipToMark, DETAIL_RULE_TEXT, planDetail, type DetailPlan, type SubBars } from "./detail.ts";
import { describeFundingHoles, fundingCoverage } from "./fundingGaps.ts";
import { defaultTrigger, triggerSeries, type TriggerBars } from "./series.ts";
import type { BacktestEvent, BacktestOptions, BacktestResult, EquityTrace, IntrabarPolicy, ModeResult, RunMode } from "./types.ts";

const FIXED = 5;

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
  const runs = modes.map((mode) => runMode(o, params, mode, series, intrabar, slippage, plan));
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

type LiqRecord = Omit<BacktestLiquidation, "time"> & { time: number };

interface Totals {
  fees: number;
  /** PnL realised by the strategy's fills (not liquidations) */
  realized: number;
  funding: number;
  badDebt: number;
  trades: number;
  liquidations: LiqRecord[];
  firstLiq: number | null;
  dirty: boolean;
  /** time of the latest engine event */
  eventTime: number;
  /** an event since the margin in use was last measured */
  marginStale: boolean;
}

function runMode(o: BacktestOptions, params: Params, mode: RunMode, trig: TriggerBars[], intrabar: IntrabarPolicy, slippage: number, plan: DetailPlan | null): ModeResult {
  const market = o.market;
  const strategy = o.strategy as Strategy<Params>;
  const n = market.symbols.length;
  const symbols = market.symbols.map((s) => s.symbol);
  const recordEvents = o.recordEvents !== false;
  const events: BacktestEvent[] = [];
  const T: Totals = { fees: 0, realized: 0, funding: 0, badDebt: 0, trades: 0, liquidations: [], firstLiq: null, dirty: true, eventTime: market.from, marginStale: false };
  let currentLiq = null as LiqRecord | null;

  const sink = (e: EngineEvent) => {
    T.dirty = true;
    T.marginStale = true;
    T.eventTime = e.time;
    switch (e.type) {
      case "fee":
        if (e.detail === "liquidation") { if (currentLiq) currentLiq.loss -= e.amount; } else T.fees -= e.amount;
        break;
      case "funding":
        T.funding -= e.amount;
        break;
      case "fill":
        T.trades++;
        T.realized += e.amount;
        break;
      case "liquidation":
        if (e.detail === "forfeit") { if (currentLiq) currentLiq.loss -= e.amount; }
        else {
          const rec: LiqRecord = { time: e.time, symbol: e.symbol, side: e.side, price: e.price, size: e.size, loss: -e.amount };
          currentLiq = rec;
          T.liquidations.push(rec);
          if (T.firstLiq === null) T.firstLiq = e.time;
        }
        break;
      case "bad-debt":
        T.badDebt += e.amount;
        if (currentLiq) currentLiq.loss -= e.amount;
        break;
    }
    if (recordEvents) events.push({ ...e, time: e.time });
  };
  const account = new Account({ venue: o.venue, balance: o.balance, symbols, ledger: o.ledger ?? "exact", events: sink, liquidationSlippage: o.liquidationSlippage });

  const px = new Float64Array(n); // trigger price now (close after the walk)
  const lastRate = new Float64Array(n).fill(NaN); // per 8 h
  const lastInterval = new Float64Array(n).fill(NaN);
  const sl = new Float64Array(n).fill(NaN);
  const tp = new Float64Array(n).fill(NaN);
  const dir = new Int8Array(n);
  const isCross = new Uint8Array(n);
  const drift = new Float64Array(n);
  const fIdx = new Int32Array(n);
  const pts = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const segA = new Float64Array(n);
  const segB = new Float64Array(n);
  const probe = new Float64Array(n);
  const liqBefore = new Float64Array(n);
  let maxDrift = 0;
  let differing = 0;
  for (let s = 0; s < n; s++) px[s] = firstPrice(trig[s]);

  const ctx = new ReplayContext(params, mode, o.balance, market, trig, account, px, lastRate, lastInterval, sl, tp);
  const forced = mode === "hybrid" ? undefined : mode;
  const stride = FIXED + 3 * n;
  const rec = o.recordEquity !== false ? new Float64Array(market.length * stride) : null;
  let peak = o.balance;
  let maxDd = 0;
  let equity = o.balance;

  const refresh = () => {
    if (!T.dirty) return;
    T.dirty = false;
    dir.fill(0);
    isCross.fill(0);
    for (const p of account.positions()) {
      dir[p.slot] = p.side === "long" ? 1 : -1;
      isCross[p.slot] = p.mode === "cross" ? 1 : 0;
    }
    for (let s = 0; s < n; s++) if (dir[s] === 0) { sl[s] = NaN; tp[s] = NaN; }
  };

  // ------------------------------------------------------- margin in use, time-weighted
  // Margin in use: isolated positions' margin as the engine holds it (funding paid from it lowers it,
  // added margin raises it); cross positions' initial margin, size × entry / leverage. It changes only
  // on engine events, so it is integrated exactly as a step function, measured after each action.
  let marginNow = 0;
  let marginSince = market.from;
  let marginArea = 0;
  let heldMs = 0;
  const advanceMargin = (t: number) => {
    if (t > marginSince) {
      if (marginNow > 0) { marginArea += marginNow * (t - marginSince); heldMs += t - marginSince; }
      marginSince = t;
    }
  };
  const trackMargin = (t: number) => {
    if (!T.marginStale) return;
    T.marginStale = false;
    advanceMargin(t);
    marginNow = 0;
    for (const p of account.positions()) marginNow += p.mode === "isolated" ? p.margin : (p.size * p.entryPrice) / p.leverage;
  };

  const reject = (t: number, symbol: string, detail: string) => {
    if (recordEvents) events.push({ time: t, type: "reject", symbol, side: "", size: 0, price: 0, amount: 0, walletBalance: account.walletBalance, detail });
  };

  const wrap = (t: number, fn: () => void, symbol = ctx.lastSymbol) => {
    try {
      fn();
    } catch (err) {
      const msg = ((err as Error)?.message ?? String(err)).split("\n")[0];
      throw new InputError(`strategy '${strategy.name}' failed at ${isoTime(t)}${symbol ? ` (${symbol})` : ""}: ${msg}`);
    }
  };

  const execute = (i: number, t: number, q: Order) => {
    const s = symbols.indexOf(q.kind === "open" ? q.order.symbol : q.symbol);
    const sym = symbols[s];
    const open = market.symbols[s].bars.open[i];
    refresh();
    switch (q.kind) {
      case "open": {
        if (!(open > 0)) return reject(t, sym, "open: no bar to fill at");
        fillOpen(i, t, s, q.order, open);
        return;
      }
      case "close":
      case "reduce": {
        if (dir[s] === 0) return;
        if (!(open > 0)) return reject(t, sym, `${q.kind}: no bar to fill at`);
        const fill = open * (1 + dir[s] * -1 * slippage);
        if (q.kind === "close") account.close(t, sym, fill);
        else account.reduce(t, sym, q.size, fill);
        return;
      }
      case "addMargin":
        if (dir[s] === 0 || isCross[s]) return;
        if (account.addMargin(t, sym, q.amount) === "insufficient-margin") reject(t, sym, `addMargin ${q.amount}: insufficient margin`);
        return;
      case "removeMargin":
        if (dir[s] === 0 || isCross[s]) return;
        try {
          account.removeMargin(t, sym, q.amount, px[s]);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          reject(t, sym, err.message);
        }
        return;
      case "setLeverage":
        if (dir[s] === 0) return;
        if (account.setLeverage(t, sym, q.leverage) === "insufficient-margin") reject(t, sym, `setLeverage ${q.leverage}: insufficient margin`);
        return;
      case "stopLoss":
      case "takeProfit":
        if (dir[s] === 0) return;
        (q.kind === "stopLoss" ? sl : tp)[s] = q.price ?? NaN;
        return;
    }
  };

  const fillOpen = (i: number, t: number, s: number, ord: OpenOrder, open: number) => {
    const sym = symbols[s];
    const d = ord.side === "long" ? 1 : -1;
    const fill = open * (1 + d * slippage);
    const m = forced ?? ord.mode ?? "cross";
    const leverage = ord.leverage ?? (ord.margin !== undefined && ord.notional !== undefined ? ord.notional / ord.margin : undefined);
    const notional = ord.notional ?? (ord.margin !== undefined ? ord.margin * leverage! : ord.size! * fill);
    const size = ord.size ?? notional / fill;
    const wasFlat = dir[s] === 0;
    const margin = m === "isolated" && ord.margin !== undefined && (wasFlat || dir[s] !== d) ? ord.margin : undefined;
    const res = account.trade(t, sym, ord.side, size, fill, { mode: m, leverage: margin === undefined ? leverage : undefined, margin });
    if (res === "insufficient-margin") return reject(t, sym, `open ${ord.side} ${size}: insufficient margin`);
    T.dirty = true;
    refresh();
    if (dir[s] !== d) return;
    if (wasFlat) drift[s] = 0;
    const slp = ord.stopLossPct !== undefined ? fill * (1 - d * ord.stopLossPct) : ord.stopLoss;
    const tpp = ord.takeProfitPct !== undefined ? fill * (1 + d * ord.takeProfitPct) : ord.takeProfit;
    if (slp !== undefined) sl[s] = slp;
    if (tpp !== undefined) tp[s] = tpp;
  };

  // ---------------------------------------------------------------- funding
  /** the engine's liquidation price of slot q at prices P, NaN when there is none */
  const liqPriceOf = (q: number, P: Float64Array): number => {
    if (!isCross[q]) { const lp = account.isolatedLiquidationPriceAt(q); return lp > 0 ? lp : NaN; }
    return account.liquidationPrice(symbols[q], P) ?? NaN;
  };
  /** the earliest settlement not yet paid, over all symbols */
  let nextF = Infinity;
  const findNextFunding = () => {
    nextF = Infinity;
    for (let s = 0; s < n; s++) {
      const f = market.symbols[s].funding;
      if (f && fIdx[s] < f.length && f.time[fIdx[s]] < nextF) nextF = f.time[fIdx[s]];
    }
  };
  /** settle every settlement at or before `tau`, each symbol on its price in `P` */
  const settleUpTo = (tau: number, P: Float64Array) => {
    for (let s = 0; s < n; s++) {
      const f = market.symbols[s].funding;
      if (!f) continue;
      while (fIdx[s] < f.length && f.time[fIdx[s]] <= tau) {
        const k = fIdx[s]++;
        lastInterval[s] = f.intervalHours[k];
        lastRate[s] = (f.rate[k] * 8) / f.intervalHours[k];
        refresh();
        if (dir[s] === 0) continue;
        // the liquidation prices this settlement moves: the position's own (isolated), or every cross
        // position's (cross pays from the shared wallet)
        for (let q = 0; q < n; q++) {
          const moved = q === s || (isCross[s] && isCross[q] && dir[q] !== 0);
          liqBefore[q] = moved ? liqPriceOf(q, P) : NaN;
        }
        account.settleFunding(symbols[s], f.rate[k], P[s], f.time[k]);
        trackMargin(f.time[k]);
        for (let q = 0; q < n; q++) {
          if (!(liqBefore[q] === liqBefore[q])) continue;
          const after = liqPriceOf(q, P);
          if (!(after === after)) continue;
          drift[q] += (after - liqBefore[q]) * dir[q];
          const pct = (drift[q] / P[q]) * 100;
          if (pct > maxDrift) maxDrift = pct;
        }
      }
    }
    findNextFunding();
  };
  const fa = new Float64Array(n);
  const fb = new Float64Array(n);
  /** a path segment A→B over [t0, t1], split at the settlements due inside it */
  const leg = (t0: number, t1: number, A: Float64Array, B: Float64Array) => {
    if (!(nextF < t1)) return segment(t0, t1, A, B);
    let ts = t0;
    fa.set(A);
    while (nextF < t1) {
      const tau = nextF;
      if (tau > ts) {
        const c = (tau - t0) / (t1 - t0);
        for (let s = 0; s < n; s++) fb[s] = A[s] + c * (B[s] - A[s]);
        segment(ts, tau, fa, fb);
        fa.set(fb);
        ts = tau;
      }
      settleUpTo(tau, fa);
    }
    segment(ts, t1, fa, B);
  };

  /** earliest stop crossing in [u, 1] of the segment A→B: returns [u, slot] or u = Infinity */
  let stopSlot = -1;
  const firstStop = (u: number, A: Float64Array, B: Float64Array): number => {
    let best = Infinity;
    stopSlot = -1;
    for (let s = 0; s < n; s++) {
      if (dir[s] === 0) continue;
      const a = A[s];
      const b = B[s];
      const pu = a + u * (b - a);
      for (let k = 0; k < 2; k++) {
        const level = k === 0 ? sl[s] : tp[s];
        if (!(level === level)) continue;
        // stop-loss fires when price moves against the position to the level; take-profit in favour
        const down = (k === 0) === (dir[s] === 1);
        let c: number;
        if (down ? pu <= level : pu >= level) c = u;
        else if (down ? b <= level : b >= level) c = (level - a) / (b - a);
        else continue;
        if (c < best) { best = c; stopSlot = s; }
      }
    }
    return best;
  };

  const segment = (t0: number, t1: number, A: Float64Array, B: Float64Array) => {
    let u = 0;
    for (let guard = 0; guard < 4 * n + 4; guard++) {
      const c = firstStop(u, A, B);
      for (let s = 0; s < n; s++) segA[s] = A[s] + u * (B[s] - A[s]);
      if (c === Infinity) {
        account.checkSegment(t0 + u * (t1 - t0), t1, segA, B);
        trackMargin(T.eventTime);
        break;
      }
      const s = stopSlot;
      for (let k = 0; k < n; k++) segB[k] = A[k] + c * (B[k] - A[k]);
      const tc = t0 + c * (t1 - t0);
      if (c > u) account.checkSegment(t0 + u * (t1 - t0), tc, segA, segB);
      else account.checkLiquidations(tc, segA);
      trackMargin(T.eventTime);
      refresh();
      if (dir[s] !== 0) {
        const isStop = dir[s] === 1 ? segB[s] <= sl[s] : segB[s] >= sl[s];
        const fill = segB[s] * (1 - dir[s] * slippage);
        if (recordEvents) events.push({ time: tc, type: "stop", symbol: symbols[s], side: dir[s] === 1 ? "long" : "short", size: 0, price: segB[s], amount: 0, walletBalance: account.walletBalance, detail: isStop ? "stop-loss" : "take-profit" });
        account.close(tc, symbols[s], fill);
        trackMargin(tc);
        refresh();
      }
      sl[s] = NaN;
      tp[s] = NaN;
      u = c;
    }
  };

  /**
   * Walk one candle per symbol; returns whether `path` and `worst` would disagree on liquidating the
   * cross account on this candle (judged before the walk, on the positions held then).
   */
  const walk = (t0: number, t1: number, O: Float64Array, H: Float64Array, L: Float64Array, C: Float64Array): boolean => {
    refresh();
    let nCross = 0;
    for (let s = 0; s < n; s++) if (dir[s] !== 0 && isCross[s]) nCross++;
    let differs = false;
    if (nCross >= 2) {
      for (let s = 0; s < n; s++) probe[s] = dir[s] !== 0 && isCross[s] ? (dir[s] === 1 ? L[s] : H[s]) : C[s];
      const worstLiq = account.crossExcess(probe) < 0;
      let pathLiq = account.crossExcess(O) < 0 || account.crossExcess(C) < 0;
      for (let k = 1; k <= 2 && !pathLiq; k++) {
        for (let s = 0; s < n; s++) probe[s] = lowFirst(O[s], H[s], L[s]) === (k === 1) ? L[s] : H[s];
        pathLiq = account.crossExcess(probe) < 0;
      }
      differs = worstLiq !== pathLiq;
    }
    const dt = t1 - t0;
    if (intrabar === "worst") {
      for (let s = 0; s < n; s++) pts[1][s] = dir[s] === 0 ? O[s] : dir[s] === 1 ? L[s] : H[s];
      leg(t0, t0 + dt / 3, O, pts[1]);
      leg(t0 + dt / 3, t1, pts[1], C);
      return differs;
    }
    for (let s = 0; s < n; s++) {
      const lf = lowFirst(O[s], H[s], L[s]);
      pts[1][s] = lf ? L[s] : H[s];
      pts[2][s] = lf ? H[s] : L[s];
    }
    leg(t0, t0 + dt / 3, O, pts[1]);
    leg(t0 + dt / 3, t0 + (2 * dt) / 3, pts[1], pts[2]);
    leg(t0 + (2 * dt) / 3, t1, pts[2], C);
    return differs;
  };

  const bO = new Float64Array(n), bH = new Float64Array(n), bL = new Float64Array(n), bC = new Float64Array(n);
  const loadBar = (i: number) => {
    for (let s = 0; s < n; s++) {
      const tb = trig[s];
      if (tb.close[i] === tb.close[i]) {
        bO[s] = tb.open[i]; bH[s] = tb.high[i]; bL[s] = tb.low[i]; bC[s] = tb.close[i];
      } else {
        bO[s] = bH[s] = bL[s] = bC[s] = px[s];
      }
    }
  };

  // the sub-bars of bar i per symbol: a detail series and the index of the bar's first sub-bar in it
  const count = plan?.count ?? 0;
  const subSrc: SubBars[] = new Array(n);
  const subAt = new Int32Array(n);
  const clipped: SubBars[] = Array.from({ length: n }, () => ({ open: new Float64Array(count), high: new Float64Array(count), low: new Float64Array(count), close: new Float64Array(count) }));
  const markBar = { open: 0, high: 0, low: 0, close: 0 };
  const noSubBars: SubBars = { open: new Float64Array(count).fill(NaN), high: new Float64Array(count).fill(NaN), low: new Float64Array(count).fill(NaN), close: new Float64Array(count).fill(NaN) };
  const loadSubBars = (i: number) => {
    for (let s = 0; s < n; s++) {
      const r = plan!.rules[plan!.rule[i * n + s]];
      const j0 = plan!.start[i * n + s];
      if (j0 < 0) { subSrc[s] = noSubBars; subAt[s] = 0; continue; }
      if (r === "mark") { subSrc[s] = o.detailMark![s]!; subAt[s] = j0; continue; }
      const last = market.symbols[s].detail!;
      if (r === "last") { subSrc[s] = last; subAt[s] = j0; continue; }
      markBar.open = bO[s]; markBar.high = bH[s]; markBar.low = bL[s]; markBar.close = bC[s];
      clipToMark(markBar, last, j0, count, clipped[s]);
      subSrc[s] = clipped[s];
      subAt[s] = 0;
    }
  };
  const dO = new Float64Array(n), dH = new Float64Array(n), dL = new Float64Array(n), dC = new Float64Array(n);
  const walkPx = new Float64Array(n); // where each symbol's detail walk stands
  const fp = new Float64Array(n);

  // ------------------------------------------------------------------ the loop
  ctx.time = market.from;
  ctx.index = -1;
  ctx.equity = o.balance;
  if (strategy.init) wrap(market.from, () => strategy.init!(ctx));
  findNextFunding();
  const iv = market.intervalMs;
  for (let i = 0; i < market.length; i++) {
    const t = market.time[i];
    // 1. funding due at or before t, paid by what was held before t, on the trigger open
    if (nextF <= t) {
      for (let s = 0; s < n; s++) fp[s] = trig[s].open[i] === trig[s].open[i] ? trig[s].open[i] : px[s];
      settleUpTo(t, fp);
    }
    // 2. orders queued at the previous close fill at this open
    if (ctx.queue.length) {
      const q = ctx.queue.splice(0);
      for (const order of q) wrap(t, () => execute(i, t, order), order.kind === "open" ? order.order.symbol : order.symbol);
      trackMargin(t);
    }
    // 3. the intrabar path
    loadBar(i);
    if (plan && plan.use[i]) {
      loadSubBars(i);
      const dIv = plan.intervalMs;
      walkPx.set(px);
      let differs = false;
      for (let j = 0; j < count; j++) {
        for (let s = 0; s < n; s++) {
          const d = subSrc[s];
          const k = subAt[s] + j;
          // a missing sub-bar: the symbol stands still at where its walk got to
          if (d.close[k] === d.close[k]) { dO[s] = d.open[k]; dH[s] = d.high[k]; dL[s] = d.low[k]; dC[s] = d.close[k]; }
          else dO[s] = dH[s] = dL[s] = dC[s] = walkPx[s];
          walkPx[s] = dC[s];
        }
        if (walk(t + j * dIv, t + (j + 1) * dIv, dO, dH, dL, dC)) differs = true;
      }
      if (differs) differing++;
      // a bar absent on the trigger series (a hole resampling dropped) closes where its sub-bars did
      for (let s = 0; s < n; s++) if (!(trig[s].close[i] === trig[s].close[i])) bC[s] = walkPx[s];
    } else if (walk(t, t + iv, bO, bH, bL, bC)) differing++;
    // 4. mark to market at the close
    for (let s = 0; s < n; s++) px[s] = bC[s];
    refresh();
    equity = account.equity(px);
    if (equity > peak) peak = equity;
    const dd = peak > 0 ? ((peak - equity) / peak) * 100 : 0;
    if (dd > maxDd) maxDd = dd;
    if (rec) {
      const r = i * stride;
      rec[r] = t; rec[r + 1] = equity; rec[r + 2] = dd; rec[r + 3] = T.funding; rec[r + 4] = T.fees;
      for (let s = 0; s < n; s++) {
        const c = r + FIXED + 3 * s;
        rec[c] = px[s];
        if (dir[s] === 0) { rec[c + 1] = NaN; rec[c + 2] = NaN; }
        else {
          rec[c + 1] = account.liquidationPrice(symbols[s], px) ?? NaN;
          rec[c + 2] = account.marginRatio(symbols[s], px);
        }
      }
    }
    // 5. the strategy sees the closed bar
    ctx.time = t;
    ctx.index = i;
    ctx.equity = equity;
    wrap(t, () => strategy.onBar(ctx));
  }

  advanceMargin(market.to);
  let unrealized = 0;
  for (const p of account.positions()) unrealized += (p.side === "long" ? 1 : -1) * p.size * (px[p.slot] - p.entryPrice);
  const avgMargin = heldMs > 0 ? marginArea / heldMs : 0;
  const eq: EquityTrace | null = rec ? { symbols, stride, rows: market.length, data: rec } : null;
  return {
    run: {
      mode,
      finalEquity: equity,
      returnPct: ((equity - o.balance) / o.balance) * 100,
      maxDrawdownPct: maxDd,
      survived: T.liquidations.length === 0,
      liquidations: T.liquidations.map((l) => ({ ...l, time: isoTime(l.time) })),
      realizedPnl: T.realized,
      unrealizedPnl: unrealized,
      liquidationLosses: T.liquidations.reduce((s, l) => s + l.loss, 0),
      fundingPaid: T.funding,
      feesPaid: T.fees,
      badDebt: T.badDebt,
      trades: T.trades,
      fundingErosion: { paidPctOfMargin: avgMargin > 0 ? (T.funding / avgMargin) * 100 : 0, maxLiqPriceDriftPct: maxDrift },
    },
    events,
    equity: eq,
    intrabarDifferingBars: differing,
    firstLiquidation: T.firstLiq,
  };
}

function firstPrice(t: TriggerBars): number {
  for (let i = 0; i < t.open.length; i++) if (t.open[i] === t.open[i]) return t.open[i];
  return NaN;
}

export type { Venue, MarketData };
