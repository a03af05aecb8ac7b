import { InputError } from "../market/index.ts";
import {
  Account, liquidationPriceF, maintenanceMargin, maintenanceRule, type EngineEvent, type EventSink, type MaintenanceRule, type MarginMode,
} from "../margin/index.ts";
import type { Venue } from "../venues/index.ts";
import { sampleCrossingFraction } from "./bridge.ts";
import { stepFunding } from "./stepFunding.ts";
import { FIELD } from "./pathResult.ts";
import type { RandomStream } from "./random/stream.ts";

/** Beyond this bridge exponent exp(−k) < 4e-18: no crossing, no uniform drawn (as in bridge.ts). */
const NEGLIGIBLE_EXPONENT = 40;
/** A barrier target just past the liquidation price, so the engine's strict comparison triggers. */
const PAST = 1e-12;
const MS_PER_HOUR = 3_600_000;

/** One static leg of the book, in the model's asset slots. */
export interface BookLeg {
  slot: number;
  dir: 1 | -1;
  /** size in units of the asset, opened at the model's initial price */
  size: number;
  leverage: number;
}

/** What one step hands to every mode (shared: the same shocks for every mode). */
export interface StepContext {
  t0Ms: number;
  t1Ms: number;
  /** log prices at the start of the step and at its end before any jump */
  x0: Float64Array;
  xPre: Float64Array;
  /** prices at the start, at the end before any jump, at the end */
  s0: Float64Array;
  sPre: Float64Array;
  s1: Float64Array;
  /** diffusive variance of each log return over the step */
  variance: Float64Array;
  /** correlation of the step's shocks, row-major n × n */
  correlation: Float64Array;
  /** a jump moved some price at the end of the step */
  jumped: boolean;
  /** funding settlements at the end of the step (0 most steps) */
  settlements: number;
  settleEveryHours: number;
  /** rate per 8h in force per asset, already capped */
  rates: Float64Array;
}

/**
 * One margin mode's account on one path: the margin engine's `Account` (float ledger) holds the money
 * and does every liquidation; this kernel keeps the few floats the per-step checks need (sizes,
 * entries, margins, liquidation prices, funding not yet posted) and calls the engine only on events.
 *
 * Checks between steps use the Brownian-bridge crossing probability: per position on its log price
 * (isolated, and a cross account with one position, whose liquidation price is exact), and on
 * D = equity − maintenance with σ_D² = gᵀΣg for a cross account of several positions.
 */
export class ModeKernel {
  readonly isolated: boolean;
  private readonly n: number;
  private readonly rules: MaintenanceRule[];
  /** share of notional that maintenance grows by with price (0 for venues that take it at entry) */
  private readonly mmrSlope: Float64Array;
  private readonly dir: Float64Array;
  private readonly size: Float64Array;
  private readonly entry: Float64Array;
  private readonly margin: Float64Array;
  private readonly liq: Float64Array;
  /** funding accrued per position and not yet posted to the engine, with the price of its latest settlement */
  private readonly pending: Float64Array;
  private readonly pendingPrice: Float64Array;
  /** time of the latest settlement accrued (ms from the path's start) */
  private pendingMs = 0;
  /** isolated, linear rule: how the unclamped liquidation price moves per unit of margin (0 = use the engine's rule) */
  private readonly liqPerMargin: Float64Array;
  private readonly liqRaw: Float64Array;
  private readonly scratch: Float64Array;
  private readonly rest: Float64Array;
  private readonly gradient: Float64Array;
  /** a rule whose maintenance is linear in price at every notional (one tier, no floor, no close fee) */
  private readonly linearRule: Uint8Array;
  /** when every open position has a linear rule: D = wallet + crossConstant + Σ crossSlope_i × price_i */
  private crossLinear = false;
  private crossConstant = 0;
  private readonly crossSlope: Float64Array;
  private account!: Account;
  private wallet = 0;
  private open = 0;
  /** cross D at the end of the last step (multi-position cross only) */
  private excess = Infinity;
  private fundingPaid = 0;
  private minEquity = Infinity;
  private firstLiquidationMs = NaN;
  private liquidationEvents = 0;
  private readonly onEvent = (e: EngineEvent) => {
    this.engineEvents?.(e);
    if (e.type !== "liquidation") return;
    this.liquidationEvents++;
    if (Number.isNaN(this.firstLiquidationMs)) this.firstLiquidationMs = e.time;
  };

  constructor(
    readonly mode: MarginMode,
    private readonly venue: Venue,
    private readonly symbols: readonly string[],
    private readonly legs: readonly BookLeg[],
    private readonly initialBalance: number,
    private readonly bridge: RandomStream,
    /** every engine event of the path as it happens (tests, debugging); none in the hot path */
    private readonly engineEvents?: EventSink,
  ) {
    this.isolated = mode === "isolated";
    const n = (this.n = symbols.length);
    this.rules = symbols.map((s) => maintenanceRule(venue, s));
    this.mmrSlope = Float64Array.from(this.rules, (r) => (r.family === "mm-at-entry" ? 0 : r.tiers[0].mmr));
    this.dir = new Float64Array(n);
    this.size = new Float64Array(n);
    this.entry = new Float64Array(n);
    this.margin = new Float64Array(n);
    this.liq = new Float64Array(n);
    this.pending = new Float64Array(n);
    this.pendingPrice = new Float64Array(n);
    this.liqPerMargin = new Float64Array(n);
    this.liqRaw = new Float64Array(n);
    this.scratch = new Float64Array(n);
    this.rest = new Float64Array(n);
    this.gradient = new Float64Array(n);
    this.linearRule = Uint8Array.from(this.rules, (r) => (r.tiers.length === 1 && r.minMaintenance === 0 && r.closeFeeRate === 0 ? 1 : 0));
    this.crossSlope = new Float64Array(n);
  }

  get hasPositions(): boolean {
    return this.open > 0;
  }

  /** liquidation actions so far on this path (a trace marks the step where it grows) */
  get liquidations(): number {
    return this.liquidationEvents;
  }

  /** Start a path: a fresh account with the book opened at `prices` (time 0). */
  begin(prices: Float64Array): void {
    const account = new Account({ venue: this.venue, balance: this.initialBalance, symbols: this.symbols, ledger: "fast", events: this.onEvent });
    for (const leg of this.legs) {
      const result = account.trade(0, this.symbols[leg.slot], leg.dir > 0 ? "long" : "short", leg.size, prices[leg.slot], { mode: this.mode, leverage: leg.leverage });
      if (result !== "filled") throw new InputError(`portfolio: the legs need more initial margin than initialBalance ${this.initialBalance} holds in ${this.mode} mode`);
    }
    this.account = account;
    this.pending.fill(0);
    this.pendingMs = 0;
    this.fundingPaid = 0;
    this.firstLiquidationMs = NaN;
    this.liquidationEvents = 0;
    this.reload(prices);
    this.minEquity = this.equity(prices);
  }

  /** Check liquidations over one step, settle funding due at its end, track equity. */
  step(c: StepContext): void {
    if (this.open === 0) return;
    if (this.isolated || this.open === 1) this.checkPositions(c);
    else this.checkCrossAccount(c);
    if (this.open > 0 && c.settlements > 0) this.settleFunding(c);
    if (this.open > 0 && (c.jumped || c.settlements > 0)) this.checkPoint(c);
    const e = this.equity(c.s1);
    if (e < this.minEquity) this.minEquity = e;
  }

  /** Write this path's result for this mode at `out[at..]`, `prices` being the last prices. */
  finish(prices: Float64Array, out: Float64Array, at: number): void {
    this.syncFunding();
    const liquidated = !Number.isNaN(this.firstLiquidationMs);
    out[at + FIELD.liquidated] = liquidated ? 1 : 0;
    out[at + FIELD.liquidationHour] = liquidated ? this.firstLiquidationMs / MS_PER_HOUR : NaN;
    out[at + FIELD.terminalEquity] = this.account.equity(prices);
    out[at + FIELD.minEquity] = Math.min(this.minEquity, out[at + FIELD.terminalEquity]);
    out[at + FIELD.fundingPaid] = this.fundingPaid;
    out[at + FIELD.badDebt] = this.account.ledger.totals().badDebt;
  }

  /** Equity at these prices (wallet + isolated margins + unrealised PnL), from the kernel's floats. */
  equity(prices: Float64Array): number {
    let e = this.wallet;
    for (let i = 0; i < this.n; i++) if (this.dir[i] !== 0) e += this.margin[i] + this.dir[i] * this.size[i] * (prices[i] - this.entry[i]);
    return e;
  }

  // ---------------------------------------------------------------- checks

  /** Log-price bridge per position: isolated positions, or the lone position of a cross account. */
  private checkPositions(c: StepContext): void {
    for (let i = 0; i < this.n; i++) {
      const d = this.dir[i];
      if (d === 0) continue;
      const liq = this.liq[i];
      // ln a ≥ 1 − 1/a bounds the log distances from below without a logarithm: most steps stop here
      const b0 = d > 0 ? 1 - liq / c.s0[i] : 1 - c.s0[i] / liq;
      if (b0 <= 0) {
        this.liquidateAlong(c, c.sPre); // past the trigger from the step's start: the engine fills at its open
        continue;
      }
      const b1 = d > 0 ? 1 - liq / c.sPre[i] : 1 - c.sPre[i] / liq;
      const v = c.variance[i];
      if (b1 > 0 && 2 * b0 * b1 > NEGLIGIBLE_EXPONENT * v) continue;
      const ll = Math.log(liq);
      const d0 = d > 0 ? c.x0[i] - ll : ll - c.x0[i];
      const d1 = d > 0 ? c.xPre[i] - ll : ll - c.xPre[i];
      if (d1 > 0) {
        const k = 2 * d0 * d1;
        if (k > NEGLIGIBLE_EXPONENT * v || this.bridge.next() >= Math.exp(-k / v)) continue;
      }
      const to = this.scratch;
      to.set(c.s0);
      to[i] = liq * (1 - d * PAST);
      let rest: Float64Array | null = null;
      if (d1 <= 0) {
        rest = this.rest; // ended past the trigger: the engine walks on from the touch to the step's end
        rest.set(to);
        rest[i] = c.sPre[i];
      }
      this.liquidateAt(c, to, this.touchTime(c, d0, d1, v), rest);
    }
  }

  /** Cross account of several positions: the arithmetic bridge on D = equity − maintenance. */
  private checkCrossAccount(c: StepContext): void {
    const d0 = this.excess;
    if (d0 <= 0) {
      this.liquidateAlong(c, c.sPre);
      return;
    }
    const d1 = this.crossExcess(c.sPre);
    if (d1 > 0) this.excess = d1; // the next step's start, unless a jump or funding moves it (checkPoint recomputes)
    const g = this.gradient;
    const n = this.n;
    let bound = 0;
    for (let i = 0; i < n; i++) {
      const q = this.dir[i] * this.size[i];
      const gi = (q - this.mmrSlope[i] * this.size[i]) * c.s0[i] * Math.sqrt(c.variance[i]);
      g[i] = gi;
      bound += gi < 0 ? -gi : gi;
    }
    const k = 2 * d0 * d1;
    if (d1 > 0 && k > NEGLIGIBLE_EXPONENT * bound * bound) return; // gᵀΣg ≤ (Σ|g_i|)² for any correlation
    let varD = 0;
    const r = c.correlation;
    for (let i = 0; i < n; i++) {
      if (g[i] === 0) continue;
      let row = 0;
      for (let j = 0; j < n; j++) row += r[i * n + j] * g[j];
      varD += g[i] * row;
    }
    if (!(varD > 0)) {
      if (d1 <= 0) this.liquidateAlong(c, c.sPre);
      return;
    }
    if (d1 > 0 && (k > NEGLIGIBLE_EXPONENT * varD || this.bridge.next() >= Math.exp(-k / varD))) return;
    this.liquidateAt(c, this.crossingPoint(c, d0, varD), this.touchTime(c, d0, d1, varD), d1 <= 0 ? c.sPre : null);
  }

  /** The first-passage time inside the step, drawn from its exact law given the ends (bridge.ts), on the mode's bridge stream. */
  private touchTime(c: StepContext, d0: number, d1: number, variance: number): number {
    return c.t0Ms + sampleCrossingFraction(d0, d1, variance, this.bridge) * (c.t1Ms - c.t0Ms);
  }

  /**
   * Where the account most likely touched D = 0 from the step's start: log returns along −Σg (the
   * most probable Gaussian move to the boundary), scaled until D is just below 0. Runs on events only.
   */
  private crossingPoint(c: StepContext, d0: number, varD: number): Float64Array {
    const n = this.n;
    const g = this.gradient;
    const move = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) row += c.correlation[i * n + j] * g[j];
      move[i] = (Math.sqrt(c.variance[i]) * row) / varD; // ∂x_i per unit of D lost, along the most probable direction
    }
    const at = this.scratch;
    const place = (lambda: number) => {
      for (let i = 0; i < n; i++) at[i] = c.s0[i] * Math.exp(-lambda * move[i]);
      return this.account.crossExcess(at);
    };
    let lo = 0;
    let hi = d0;
    for (let k = 0; k < 200 && place(hi) >= 0; k++) {
      lo = hi;
      hi *= 2;
    }
    for (let k = 0; k < 60; k++) {
      const mid = 0.5 * (lo + hi);
      if (place(mid) >= 0) lo = mid;
      else hi = mid;
    }
    place(hi);
    return at;
  }

  /** After a jump or a funding settlement: liquidate whatever is past its trigger at the step's end. */
  private checkPoint(c: StepContext): void {
    let past = false;
    if (this.isolated || this.open === 1) {
      for (let i = 0; i < this.n; i++) {
        const d = this.dir[i];
        if (d !== 0 && (d > 0 ? c.s1[i] < this.liq[i] : c.s1[i] > this.liq[i])) past = true;
      }
    } else {
      this.excess = this.crossExcess(c.s1);
      past = this.excess < 0;
    }
    if (!past) return;
    this.syncFunding();
    this.account.checkLiquidations(c.t1Ms, c.s1);
    this.afterEvent(c, c.s1);
  }

  /** Let the engine walk the straight segment from the step's start to `to` and liquidate on it. */
  private liquidateAlong(c: StepContext, to: Float64Array): void {
    this.syncFunding();
    this.account.checkSegment(c.t0Ms, c.t1Ms, c.s0, to);
    this.afterEvent(c, to);
  }

  /**
   * Liquidate at a touch the bridge found: the engine walks from the step's start to `touch` (just past
   * the trigger), reached at `touchMs`, so the liquidation is stamped at the sampled first passage; then,
   * when the step ended past the trigger, on from there to `rest` by the step's end (a partial
   * liquidation's remainder can be liquidated again on the way).
   */
  private liquidateAt(c: StepContext, touch: Float64Array, touchMs: number, rest: Float64Array | null): void {
    this.syncFunding();
    this.account.checkSegment(c.t0Ms, touchMs, c.s0, touch);
    if (rest) this.account.checkSegment(touchMs, c.t1Ms, touch, rest);
    this.afterEvent(c, touch); // the equity right after the liquidation; the step end is tracked by step()
  }

  private afterEvent(c: StepContext, prices: Float64Array): void {
    this.reload(prices);
    if (!this.isolated && this.open > 1) this.excess = this.crossExcess(c.s1);
    const e = this.account.equity(prices);
    if (e < this.minEquity) this.minEquity = e;
  }

  // ---------------------------------------------------------------- funding

  /** Funding due inside the step, each settlement at its own time (stepFunding.ts); isolated from the margin (its liquidation price creeps). */
  private settleFunding(c: StepContext): void {
    let walletMoved = false;
    for (let i = 0; i < this.n; i++) {
      const d = this.dir[i];
      if (d === 0 || c.rates[i] === 0) continue;
      const paid = stepFunding(c, i, d * this.size[i]);
      this.pending[i] += paid;
      this.pendingPrice[i] = c.s1[i];
      this.pendingMs = c.t1Ms;
      this.fundingPaid += paid;
      if (this.isolated) {
        this.margin[i] -= paid;
        const slope = this.liqPerMargin[i];
        if (slope !== 0) {
          this.liqRaw[i] -= paid * slope;
          this.liq[i] = this.liqRaw[i] > 0 ? this.liqRaw[i] : 0;
        } else this.setLiquidationPrice(i, liquidationPriceF(this.rules[i], d as 1 | -1, this.size[i], this.entry[i], this.margin[i]));
      } else {
        this.wallet -= paid;
        walletMoved = true;
      }
    }
    if (walletMoved && this.open === 1) this.crossSingleLiquidationPrice();
  }

  /**
   * Post the funding the kernel has accrued into the engine's ledger (before any engine call, and at the
   * end): one amount per position, stamped with the time and price of the latest settlement it covers.
   * Accruing keeps the engine out of the per-step loop; the amounts are exact, only grouped.
   */
  private syncFunding(): void {
    for (let i = 0; i < this.n; i++) {
      const paid = this.pending[i];
      if (paid === 0) continue;
      this.pending[i] = 0;
      if (this.dir[i] === 0) continue;
      this.account.creditFunding(this.pendingMs, this.symbols[i], -paid, this.pendingPrice[i]);
    }
  }

  // ---------------------------------------------------------------- state

  /** Re-read positions, margins and liquidation prices from the engine (after it acted). */
  private reload(prices: Float64Array): void {
    const a = this.account;
    this.open = 0;
    this.dir.fill(0);
    for (const p of a.positions()) {
      const i = p.slot;
      this.dir[i] = p.side === "long" ? 1 : -1;
      this.size[i] = p.size;
      this.entry[i] = p.entryPrice;
      this.margin[i] = p.margin;
      this.open++;
      if (this.isolated) {
        this.setLiquidationPrice(i, a.isolatedLiquidationPriceAt(i));
        this.linearizeIsolated(i);
      }
    }
    this.wallet = a.walletBalance;
    if (!this.isolated) {
      this.linearizeCross();
      if (this.open === 1) this.crossSingleLiquidationPrice();
      this.excess = this.open > 0 ? this.crossExcess(prices) : Infinity;
    }
  }

  private crossSingleLiquidationPrice(): void {
    for (let i = 0; i < this.n; i++) {
      const d = this.dir[i];
      if (d !== 0) this.setLiquidationPrice(i, liquidationPriceF(this.rules[i], d as 1 | -1, this.size[i], this.entry[i], this.wallet));
    }
  }

  /** 0 means "never" for a long and "always" for a short. */
  private setLiquidationPrice(i: number, price: number): void {
    this.liq[i] = price;
  }

  /**
   * For a one-tier rule the liquidation price is linear in the margin: (margin + deduction − dir·size·entry)
   * ÷ (size·(mmr − dir)), or entry − dir·(margin − maintenance at entry)/size when maintenance is taken
   * at entry. Funding then moves it by a product instead of a solve (same value as liquidationPriceF).
   */
  private linearizeIsolated(i: number): void {
    const d = this.dir[i];
    const rule = this.rules[i];
    if (!this.linearRule[i] || d === 0) {
      this.liqPerMargin[i] = 0;
      return;
    }
    const tier = rule.tiers[0];
    const size = this.size[i];
    const entry = this.entry[i];
    const margin = this.margin[i];
    if (rule.family === "mm-at-entry") {
      this.liqPerMargin[i] = -d / size;
      this.liqRaw[i] = entry - (d * (margin - (size * entry * tier.mmr - tier.deduction))) / size;
    } else {
      this.liqPerMargin[i] = 1 / (size * (tier.mmr - d));
      this.liqRaw[i] = (margin + tier.deduction - d * size * entry) / (size * tier.mmr - d * size);
    }
  }

  /** Write the cross excess as wallet + constant + Σ slope × price when every rule allows it. */
  private linearizeCross(): void {
    this.crossLinear = true;
    this.crossConstant = 0;
    this.crossSlope.fill(0);
    for (let i = 0; i < this.n; i++) {
      const d = this.dir[i];
      if (d === 0) continue;
      if (!this.linearRule[i]) {
        this.crossLinear = false;
        return;
      }
      const tier = this.rules[i].tiers[0];
      const q = d * this.size[i];
      if (this.rules[i].family === "mm-at-entry") {
        this.crossSlope[i] = q;
        this.crossConstant += -q * this.entry[i] - (this.size[i] * this.entry[i] * tier.mmr - tier.deduction);
      } else {
        this.crossSlope[i] = q - this.size[i] * tier.mmr;
        this.crossConstant += -q * this.entry[i] + tier.deduction;
      }
    }
  }

  /** cross account value minus maintenance at these prices, from the kernel's floats */
  private crossExcess(prices: Float64Array): number {
    if (this.crossLinear) {
      let g = this.wallet + this.crossConstant;
      for (let i = 0; i < this.n; i++) g += this.crossSlope[i] * prices[i];
      return g;
    }
    let g = this.wallet;
    for (let i = 0; i < this.n; i++) {
      const d = this.dir[i];
      if (d === 0) continue;
      const px = prices[i];
      g += d * this.size[i] * (px - this.entry[i]) - maintenanceMargin(this.rules[i], this.size[i], this.entry[i], px);
    }
    return g;
  }
}
