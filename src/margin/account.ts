import { InputError } from "../market/index.ts";
import type { MarginMode, Venue } from "../venues/index.ts";
import type { EventSink, EventType } from "./events.ts";
import { ExactLedger, FastLedger, type Ledger } from "./ledger.ts";
import {
  bankruptcyPriceF, liquidationPriceF, maintenanceMargin, maintenanceNotional, maintenanceRule, maintenanceTierIndex, maxLeverageAt,
  type MaintenanceRule, type RuleOverrides,
} from "./maintenance.ts";
import { sideOf, type Dir, type Side } from "./types.ts";

const CROSS = 0;

export interface AccountOptions {
  venue: Venue;
  /** initial wallet balance (cross wallet) */
  balance: number;
  /** symbols in slot order: price arrays passed to the checks are indexed by these slots */
  symbols: readonly string[];
  /** "exact" (decimal.js, venue's settlement precision; default) or "fast" (float64), or your own */
  ledger?: "exact" | "fast" | Ledger;
  /** where events go; none = not recorded */
  events?: EventSink;
  /** liquidation fills at the trigger price worsened by this share (0.002 = 0.2 %); default 0 */
  liquidationSlippage?: number;
}

export interface OpenOptions extends RuleOverrides {
  /** margin mode of a new position; default cross (ignored when the position exists) */
  mode?: MarginMode;
  /** leverage of a new position (default min(20, max)); with `margin`, derived from it */
  leverage?: number;
  /** isolated margin to put behind a new position instead of notional / leverage */
  margin?: number;
  /** maker fee instead of taker */
  maker?: boolean;
}

export type TradeResult = "filled" | "insufficient-margin";

/** A read-only view of an open position. */
export interface PositionView {
  symbol: string;
  slot: number;
  side: Side;
  size: number;
  entryPrice: number;
  mode: MarginMode;
  leverage: number;
  /** isolated margin (0 for cross) */
  margin: number;
}

/** a liquidated piece, kept until the liquidation fee on the whole liquidation is charged */
interface Liquidated {
  readonly symbol: string;
  readonly dir: Dir;
  readonly size: number;
  readonly price: number;
}

interface Pos {
  readonly symbol: string;
  readonly slot: number;
  dir: 0 | Dir;
  size: number;
  entry: number;
  mode: MarginMode;
  leverage: number;
  rule: MaintenanceRule;
  overrides: RuleOverrides;
  /** isolated: cached margin, liquidation and bankruptcy prices (recomputed on events only) */
  margin: number;
  liq: number;
  bankrupt: number;
}

/**
 * One trading account on one venue: a cross wallet, one position per symbol (one-way mode), each cross
 * or isolated. Operations take the time (ms) and the fill price the caller decided; the venue's fee
 * is charged on every fill. Prices and checks are float64; money goes through the `Ledger`.
 */
export class Account {
  readonly venue: Venue;
  readonly ledger: Ledger;
  readonly symbols: readonly string[];
  private readonly pos: Pos[];
  private readonly slots = new Map<string, number>();
  private readonly sink: EventSink | undefined;
  private readonly slippage: number;
  /** latest price seen per slot (fills, liquidation checks, funding), for margin checks of new orders */
  private readonly last: Float64Array;
  private wallet = 0;
  private cooldownUntil = -Infinity;
  private crossCount = 0;

  constructor(o: AccountOptions) {
    this.venue = o.venue;
    this.symbols = [...o.symbols];
    this.ledger = typeof o.ledger === "object" ? o.ledger : o.ledger === "fast" ? new FastLedger() : new ExactLedger(o.venue.settlementDecimals);
    this.sink = o.events;
    this.slippage = o.liquidationSlippage ?? 0;
    if (!(this.slippage >= 0 && this.slippage < 1)) throw new InputError(`liquidation slippage ${this.slippage} must be in [0, 1)`);
    if (!(o.balance >= 0) || !Number.isFinite(o.balance)) throw new InputError(`balance ${o.balance} must be a number ≥ 0`);
    this.last = new Float64Array(this.symbols.length);
    this.pos = this.symbols.map((symbol, slot) => {
      if (this.slots.has(symbol)) throw new InputError(`symbol '${symbol}' listed twice`);
      this.slots.set(symbol, slot);
      return {
        symbol, slot, dir: 0, size: 0, entry: 0, mode: "cross", leverage: 1, rule: maintenanceRule(o.venue, symbol),
        overrides: {}, margin: 0, liq: 0, bankrupt: 0,
      } satisfies Pos;
    });
    this.ledger.deposit(CROSS, o.balance);
    this.wallet = this.ledger.balance(CROSS);
  }

  // ------------------------------------------------------------------ reading

  /** the slot of a symbol (index into price arrays) */
  slot(symbol: string): number {
    const s = this.slots.get(symbol);
    if (s === undefined) throw new InputError(`symbol '${symbol}' is not one of this account's symbols (${this.symbols.join(", ")})`);
    return s;
  }

  /** cross wallet balance (excludes isolated margins) */
  get walletBalance(): number {
    return this.wallet;
  }

  position(symbol: string): PositionView | null {
    const p = this.pos[this.slot(symbol)];
    return p.dir === 0 ? null : this.view(p);
  }

  positions(): PositionView[] {
    return this.pos.filter((p) => p.dir !== 0).map((p) => this.view(p));
  }

  private view(p: Pos): PositionView {
    return { symbol: p.symbol, slot: p.slot, side: sideOf(p.dir), size: p.size, entryPrice: p.entry, mode: p.mode, leverage: p.leverage, margin: p.margin };
  }

  /** wallet + isolated margins + every position's unrealised PnL at these prices */
  equity(prices: ArrayLike<number>): number {
    let e = this.wallet;
    for (const p of this.pos) if (p.dir !== 0) e += p.margin + p.dir * p.size * (prices[p.slot] - p.entry);
    return e;
  }

  /** cross account value minus cross maintenance at these prices (< 0 = liquidatable); Infinity with no cross position */
  crossExcess(prices: ArrayLike<number>): number {
    if (this.crossCount === 0) return Infinity;
    let g = this.wallet;
    for (const p of this.pos) {
      if (p.dir === 0 || p.mode !== "cross") continue;
      const px = prices[p.slot];
      g += p.dir * p.size * (px - p.entry) - maintenanceMargin(p.rule, p.size, p.entry, px);
    }
    return g;
  }

  /** maintenance margin of one position at a price */
  maintenanceMargin(symbol: string, price: number): number {
    const p = this.pos[this.slot(symbol)];
    return p.dir === 0 ? 0 : maintenanceMargin(p.rule, p.size, p.entry, price);
  }

  /**
   * Liquidation price of a position: isolated from its cache (moves only on events: fills, funding,
   * margin, leverage); cross with the other cross positions held at `prices`. null when flat or none above zero.
   */
  liquidationPrice(symbol: string, prices?: ArrayLike<number>): number | null {
    const p = this.pos[this.slot(symbol)];
    if (p.dir === 0) return null;
    let lp: number;
    if (p.mode === "isolated") lp = p.liq;
    else {
      if (!prices) throw new Error("liquidationPrice of a cross position needs the other positions' prices");
      lp = liquidationPriceF(p.rule, p.dir, p.size, p.entry, this.crossAvailableExcept(p.slot, prices));
    }
    return lp > 0 ? lp : p.dir === 1 ? null : 0;
  }

  /** cached isolated liquidation price by slot (0: none for a long / flat) — for hot loops */
  isolatedLiquidationPriceAt(slot: number): number {
    return this.pos[slot].liq;
  }

  /** margin ratio = maintenance / bucket equity (1 = liquidation), NaN when flat */
  marginRatio(symbol: string, prices: ArrayLike<number>): number {
    const p = this.pos[this.slot(symbol)];
    if (p.dir === 0) return NaN;
    if (p.mode === "isolated") {
      const px = prices[p.slot];
      return maintenanceMargin(p.rule, p.size, p.entry, px) / (p.margin + p.dir * p.size * (px - p.entry));
    }
    const excess = this.crossExcess(prices);
    let mm = 0;
    for (const q of this.pos) if (q.dir !== 0 && q.mode === "cross") mm += maintenanceMargin(q.rule, q.size, q.entry, prices[q.slot]);
    return mm / (excess + mm);
  }

  private crossAvailableExcept(slot: number, prices: ArrayLike<number>): number {
    let a = this.wallet;
    for (const q of this.pos) {
      if (q.dir === 0 || q.mode !== "cross" || q.slot === slot) continue;
      const px = prices[q.slot];
      a += q.dir * q.size * (px - q.entry) - maintenanceMargin(q.rule, q.size, q.entry, px);
    }
    return a;
  }

  // ------------------------------------------------------------------ trading

  /**
   * Buy (`long`) or sell (`short`) `size` at `price`: opens, increases, reduces, closes or flips the
   * position (one-way mode). Returns "insufficient-margin" (and changes nothing) when the account
   * cannot carry the result. InputError for a bad size, price or leverage.
   */
  trade(time: number, symbol: string, side: Side, size: number, price: number, o: OpenOptions = {}): TradeResult {
    const slot = this.slot(symbol);
    checkPositive("size", size);
    checkPositive("price", price);
    const p = this.pos[slot];
    const dir: Dir = side === "long" ? 1 : -1;
    this.last[slot] = price;
    if (p.dir === 0 || p.dir === dir) return this.increase(time, p, dir, size, price, o);
    if (size <= p.size * (1 + 1e-12)) {
      this.reduceBy(time, p, Math.min(size, p.size), price, o.maker ?? false);
      return "filled";
    }
    const rest = size - p.size;
    const check = this.canOpen(p, dir, rest, price, o);
    if (check !== "filled") return check;
    this.reduceBy(time, p, p.size, price, o.maker ?? false);
    return this.increase(time, p, dir, rest, price, o);
  }

  /** open or add to a position */
  open(time: number, symbol: string, side: Side, size: number, price: number, o: OpenOptions = {}): TradeResult {
    const p = this.pos[this.slot(symbol)];
    if (p.dir !== 0 && p.dir !== (side === "long" ? 1 : -1)) throw new InputError(`${symbol}: open ${side} while a ${sideOf(p.dir)} is open (use trade or flip)`);
    return this.trade(time, symbol, side, size, price, o);
  }

  /** reduce a position by `size` (at most its size) */
  reduce(time: number, symbol: string, size: number, price: number, maker = false): void {
    const p = this.pos[this.slot(symbol)];
    if (p.dir === 0) return;
    checkPositive("size", size);
    checkPositive("price", price);
    this.last[p.slot] = price;
    this.reduceBy(time, p, Math.min(size, p.size), price, maker);
  }

  close(time: number, symbol: string, price: number, maker = false): void {
    const p = this.pos[this.slot(symbol)];
    if (p.dir !== 0) this.reduce(time, symbol, p.size, price, maker);
  }

  /** close and open the opposite side (same size unless given) */
  flip(time: number, symbol: string, price: number, size?: number, o: OpenOptions = {}): TradeResult {
    const p = this.pos[this.slot(symbol)];
    if (p.dir === 0) throw new InputError(`${symbol}: nothing to flip`);
    return this.trade(time, symbol, sideOf(-p.dir), p.size + (size ?? p.size), price, { mode: p.mode, leverage: p.leverage, ...o });
  }

  /** Free cross collateral: wallet + cross uPnL − cross initial margin, at the latest prices seen. */
  private freeCollateral(): number {
    let f = this.wallet;
    for (const q of this.pos) {
      if (q.dir === 0 || q.mode !== "cross") continue;
      const px = this.last[q.slot] || q.entry;
      f += q.dir * q.size * (px - q.entry) - (q.size * px) / q.leverage;
    }
    return f;
  }

  private canOpen(p: Pos, dir: Dir, size: number, price: number, o: OpenOptions): TradeResult {
    const fresh = p.dir === 0 || p.dir !== dir;
    const mode = fresh ? o.mode ?? "cross" : p.mode;
    if (!this.venue.modes.includes(mode)) throw new InputError(`${this.venue.label} has no ${mode} margin`);
    const notional = (fresh ? size : p.size + size) * price;
    const rule = fresh ? maintenanceRule(this.venue, p.symbol, o) : p.rule;
    const maxLev = maxLeverageAt(rule, notional);
    const lev = this.leverageFor(p, fresh, size * price, o);
    if (lev > maxLev * (1 + 1e-9)) throw new InputError(`${p.symbol}: leverage ${round4(lev)} above the venue's maximum ${maxLev} at notional ${round4(notional)}`);
    const fee = size * price * (o.maker ? this.venue.makerFee : this.venue.takerFee);
    const im = (size * price) / lev;
    // flipping frees the old position's margin before the new one is taken
    const freed = p.dir !== 0 && p.dir !== dir ? (p.mode === "cross" ? (p.size * price) / p.leverage : p.margin) : 0;
    if (this.freeCollateral() + freed - fee - im < -1e-9) return "insufficient-margin";
    return "filled";
  }

  private leverageFor(p: Pos, fresh: boolean, addNotional: number, o: OpenOptions): number {
    if (!fresh) return p.leverage;
    if (o.margin !== undefined) {
      checkPositive("margin", o.margin);
      return addNotional / o.margin;
    }
    if (o.leverage !== undefined) {
      checkPositive("leverage", o.leverage);
      return o.leverage;
    }
    return Math.min(20, maxLeverageAt(maintenanceRule(this.venue, p.symbol, o), addNotional));
  }

  private increase(time: number, p: Pos, dir: Dir, size: number, price: number, o: OpenOptions): TradeResult {
    const check = this.canOpen(p, dir, size, price, o);
    if (check !== "filled") return check;
    const fresh = p.dir === 0;
    if (fresh) {
      p.mode = o.mode ?? "cross";
      p.overrides = { mmr: o.mmr, maintenanceAmount: o.maintenanceAmount, maxLeverage: o.maxLeverage };
      p.rule = maintenanceRule(this.venue, p.symbol, p.overrides);
      p.leverage = this.leverageFor(p, true, size * price, o);
      p.dir = dir;
      p.entry = price;
      p.size = size;
      if (p.mode === "cross") this.crossCount++;
    } else {
      p.entry = (p.entry * p.size + price * size) / (p.size + size);
      p.size += size;
    }
    this.emit(time, "fill", p, size, price, 0, o.maker ? "open maker" : "open");
    this.chargeFee(time, p, size, price, o.maker ?? false);
    if (p.mode === "isolated") {
      const add = fresh && o.margin !== undefined ? o.margin : (size * price) / p.leverage;
      this.moveMargin(time, p, add, fresh ? "open" : "increase");
    }
    this.refresh(p);
    return "filled";
  }

  /**
   * A voluntary reduce or close. Isolated: the closed share f of the margin goes back to the wallet
   * and the closed part's realised PnL is booked to the wallet (Bybit's rule; Hyperliquid: "margin is
   * proportionally removed as the position is closed"), so the rest keeps margin × (1 − f) and its
   * liquidation price stays where it was. Liquidations realise inside the bucket instead.
   */
  private reduceBy(time: number, p: Pos, size: number, price: number, maker: boolean): void {
    const dir = p.dir as Dir;
    const full = size >= p.size * (1 - 1e-12);
    const pnl = this.ledger.realize(CROSS, dir, size, p.entry, price);
    this.readBalances(p);
    this.emit(time, "fill", p, size, price, pnl, full ? "close" : "reduce");
    this.chargeFee(time, p, size, price, maker);
    if (p.mode === "isolated") {
      const moved = this.ledger.transfer(p.slot + 1, CROSS, null, full ? 1 : size / p.size);
      this.readBalances(p);
      this.emit(time, "margin", p, size, price, -moved, "release");
    }
    this.shrink(p, size, full);
  }

  private shrink(p: Pos, size: number, full: boolean): void {
    if (full) {
      if (p.mode === "cross") this.crossCount--;
      p.dir = 0;
      p.size = 0;
      p.margin = 0;
      p.liq = 0;
      p.bankrupt = 0;
    } else {
      p.size -= size;
      this.refresh(p);
    }
  }

  private chargeFee(time: number, p: Pos, size: number, price: number, maker: boolean): void {
    const rate = maker ? this.venue.makerFee : this.venue.takerFee;
    if (rate === 0) return;
    const fee = this.ledger.fee(CROSS, size, price, rate);
    this.wallet = this.ledger.balance(CROSS);
    this.emit(time, "fee", p, size, price, -fee, maker ? "maker" : "taker");
  }

  private moveMargin(time: number, p: Pos, amount: number, detail: string): void {
    const moved = this.ledger.transfer(CROSS, p.slot + 1, amount);
    this.readBalances(p);
    this.emit(time, "margin", p, p.size, 0, moved, detail);
  }

  /** credit a deposit to the cross wallet */
  deposit(time: number, amount: number): void {
    checkPositive("amount", amount);
    const a = this.ledger.deposit(CROSS, amount);
    this.wallet = this.ledger.balance(CROSS);
    this.emitRaw(time, "deposit", "", "long", 0, 0, a, "deposit");
  }

  /** add margin to an isolated position from the wallet */
  addMargin(time: number, symbol: string, amount: number): TradeResult {
    const p = this.isolated(symbol);
    checkPositive("amount", amount);
    if (this.freeCollateral() - amount < -1e-9) return "insufficient-margin";
    this.moveMargin(time, p, amount, "add");
    this.refresh(p);
    return "filled";
  }

  /** remove margin from an isolated position, within the venue's rule (InputError beyond it) */
  removeMargin(time: number, symbol: string, amount: number, price?: number): void {
    const p = this.isolated(symbol);
    checkPositive("amount", amount);
    const px = price ?? (this.last[p.slot] || p.entry);
    const notional = p.size * px;
    const keep = this.venue.minIsolatedMarginAfterRemoval(notional, notional / p.leverage);
    const upnl = p.dir * p.size * (px - p.entry);
    const removable = Math.max(0, p.margin + Math.min(upnl, 0) - keep);
    if (amount > removable + 1e-9) throw new InputError(`${symbol}: cannot remove ${round4(amount)}; at most ${round4(removable)} may leave the isolated margin on ${this.venue.label}`);
    this.moveMargin(time, p, -amount, "remove");
    this.refresh(p);
  }

  /**
   * Change leverage. Cross: only the initial margin changes. Isolated: the margin is reset to
   * notional / leverage (the difference moves with the wallet), as Binance and Bybit do.
   */
  setLeverage(time: number, symbol: string, leverage: number): TradeResult {
    const p = this.pos[this.slot(symbol)];
    checkPositive("leverage", leverage);
    if (p.dir === 0) throw new InputError(`${symbol}: no open position`);
    const px = this.last[p.slot] || p.entry;
    const maxLev = maxLeverageAt(p.rule, p.size * px);
    if (leverage > maxLev) throw new InputError(`${symbol}: leverage ${leverage} above the venue's maximum ${maxLev}`);
    const old = p.leverage;
    p.leverage = leverage;
    let moved = 0;
    if (p.mode === "isolated") {
      const target = (p.size * p.entry) / leverage;
      const delta = target - p.margin;
      if ((delta > 0 && this.freeCollateral() - delta < -1e-9) || (delta < 0 && liquidatableAt(p, px, p.margin + delta))) {
        p.leverage = old;
        return "insufficient-margin";
      }
      moved = this.ledger.transfer(CROSS, p.slot + 1, delta);
      this.readBalances(p);
    } else if (this.freeCollateral() < -1e-9) {
      p.leverage = old;
      return "insufficient-margin";
    }
    this.emit(time, "leverage", p, p.size, 0, moved, `leverage ${old} -> ${leverage}`);
    this.refresh(p);
    return "filled";
  }

  /**
   * Settle one funding payment: `size × price × rate`, longs pay when the rate is positive; cross
   * from the wallet, isolated from the position's margin (its liquidation price moves). Returns the
   * amount the account received (negative when it paid). No allocation without an event sink.
   */
  settleFunding(symbol: string, rate: number, price: number, time: number): number {
    const p = this.pos[this.slot(symbol)];
    if (Number.isFinite(price) && price > 0) this.last[p.slot] = price;
    if (p.dir === 0 || rate === 0) return 0;
    const got = this.ledger.funding(this.bucketOf(p), p.dir, p.size, price, rate);
    this.afterFunding(time, p, price, got, this.sink ? `rate ${rate}` : "");
    return got;
  }

  /**
   * Post a funding amount computed elsewhere (the Monte Carlo kernel accrues its own): positive =
   * received. Cross to/from the wallet, isolated to/from that position's margin (its liquidation price
   * moves). `price`, when given, is the price it was charged at (recorded in the event and kept as the
   * symbol's latest price). Returns the amount posted (rounded to the ledger's precision); 0 when flat.
   */
  creditFunding(time: number, symbol: string, amount: number, price?: number): number {
    const p = this.pos[this.slot(symbol)];
    if (!Number.isFinite(amount)) throw new InputError(`${symbol}: funding amount must be a finite number (got ${amount})`);
    if (price !== undefined && Number.isFinite(price) && price > 0) this.last[p.slot] = price;
    if (p.dir === 0 || amount === 0) return 0;
    const got = this.ledger.fundingAmount(this.bucketOf(p), amount);
    this.afterFunding(time, p, price ?? 0, got, "amount");
    return got;
  }

  private bucketOf(p: Pos): number {
    return p.mode === "cross" ? CROSS : p.slot + 1;
  }

  private afterFunding(time: number, p: Pos, price: number, got: number, detail: string): void {
    this.readBalances(p);
    if (p.mode === "isolated") this.refresh(p);
    if (this.sink) this.emit(time, "funding", p, p.size, price, got, detail);
  }

  private isolated(symbol: string): Pos {
    const p = this.pos[this.slot(symbol)];
    if (p.dir === 0 || p.mode !== "isolated") throw new InputError(`${symbol}: no isolated position`);
    return p;
  }

  private readBalances(p: Pos): void {
    this.wallet = this.ledger.balance(CROSS);
    if (p.mode === "isolated") p.margin = this.ledger.balance(p.slot + 1);
  }

  /** recompute an isolated position's cached liquidation and bankruptcy prices */
  private refresh(p: Pos): void {
    if (p.dir === 0 || p.mode !== "isolated") return;
    p.liq = liquidationPriceF(p.rule, p.dir, p.size, p.entry, p.margin);
    p.bankrupt = bankruptcyPriceF(p.dir, p.size, p.entry, p.margin);
  }

  // ------------------------------------------------------------------ liquidation

  /** Liquidate whatever is liquidatable at these prices (by slot). Returns the number of liquidation actions. */
  checkLiquidations(time: number, prices: ArrayLike<number>): number {
    return this.scan(time, time, prices, prices);
  }

  /**
   * Walk a straight segment of the price path from `from` (at t0) to `to` (at t1), every symbol
   * moving linearly together; liquidate at the first point where an isolated position or the cross
   * account becomes liquidatable, at that trigger price worsened by the slippage (at the start price
   * when the segment opens already past bankruptcy: a gap), then keep walking. Allocation-free when
   * nothing is liquidated. Returns the number of liquidation actions.
   */
  checkSegment(t0: number, t1: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    return this.scan(t0, t1, from, to);
  }

  private scan(t0: number, t1: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    let u = 0;
    let actions = 0;
    for (let guard = 0; guard < 64; guard++) {
      let best = Infinity;
      let which = -2; // slot of an isolated position, −1 for the cross account
      for (let i = 0; i < this.pos.length; i++) {
        const p = this.pos[i];
        if (p.dir === 0 || p.mode !== "isolated") continue;
        const a = from[i];
        const b = to[i];
        const pu = a + u * (b - a);
        let c: number;
        if (p.dir === 1 ? pu < p.liq : pu > p.liq) c = u;
        else if (p.dir === 1 ? b < p.liq : b > p.liq) c = (p.liq - a) / (b - a);
        else continue;
        if (c < best) {
          best = c;
          which = i;
        }
      }
      if (this.crossCount > 0) {
        const c = this.crossCrossing(u, from, to);
        if (c < best) {
          best = c;
          which = -1;
        }
      }
      if (which === -2) break;
      const time = t0 + best * (t1 - t0);
      const gap = best === 0;
      for (let i = 0; i < this.pos.length; i++) {
        const px = from[i] + best * (to[i] - from[i]);
        if (px > 0 && px < Infinity) this.last[i] = px;
      }
      if (which === -1) this.liquidateCross(time, best, from, to, gap);
      else this.liquidateIsolated(time, this.pos[which], from[which] + best * (to[which] - from[which]), gap);
      actions++;
      u = best;
    }
    this.see(to);
    return actions;
  }

  /** keep the latest price of every symbol the caller gave (NaN / missing ones are skipped), allocation-free */
  private see(prices: ArrayLike<number>): void {
    const n = Math.min(prices.length, this.last.length);
    for (let i = 0; i < n; i++) {
      const px = prices[i];
      if (px > 0 && px < Infinity) this.last[i] = px;
    }
  }

  private crossAt(u: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    let g = this.wallet;
    for (const p of this.pos) {
      if (p.dir === 0 || p.mode !== "cross") continue;
      const px = from[p.slot] + u * (to[p.slot] - from[p.slot]);
      g += p.dir * p.size * (px - p.entry) - maintenanceMargin(p.rule, p.size, p.entry, px);
    }
    return g;
  }

  /**
   * First u ≥ u0 where the cross excess is < 0, or Infinity. Maintenance is convex in price, so the
   * excess is concave along the segment: non-negative at both ends means non-negative in between.
   */
  private crossCrossing(u0: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    const g0 = this.crossAt(u0, from, to);
    if (g0 < 0) return u0;
    const g1 = this.crossAt(1, from, to);
    if (!(g1 < 0)) return Infinity;
    let sameTiers = true;
    for (const p of this.pos) {
      if (p.dir === 0 || p.mode !== "cross") continue;
      const a = from[p.slot] + u0 * (to[p.slot] - from[p.slot]);
      if (maintenanceTierIndex(p.rule, p.size, p.entry, a) !== maintenanceTierIndex(p.rule, p.size, p.entry, to[p.slot])) sameTiers = false;
    }
    if (sameTiers) return Math.min(1, u0 + ((1 - u0) * g0) / (g0 - g1));
    let lo = u0;
    let hi = 1;
    for (let k = 0; k < 80; k++) {
      const mid = 0.5 * (lo + hi);
      if (this.crossAt(mid, from, to) < 0) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  private fillPrice(p: Pos, trigger: number, gap: boolean, bankrupt: number): number {
    if (gap && (p.dir === 1 ? trigger <= bankrupt : trigger >= bankrupt)) return trigger;
    return trigger * (1 - p.dir * this.slippage);
  }

  private liquidateIsolated(time: number, p: Pos, trigger: number, gap: boolean): void {
    const fill = this.fillPrice(p, trigger, gap, p.bankrupt);
    const policy = this.venue.liquidation;
    const bucket = p.slot + 1;
    if (policy.kind === "partial") {
      const equity = p.margin + p.dir * p.size * (fill - p.entry);
      if (equity < policy.backstopRatio * maintenanceMargin(p.rule, p.size, p.entry, fill)) {
        this.closeInLiquidation(time, p, bucket, p.size, fill, "backstop");
        this.endBucket(time, p, bucket, true);
        return;
      }
      if (p.size * fill > policy.aboveNotional && time >= this.cooldownUntil) {
        this.cooldownUntil = time + policy.cooldownMs;
        this.closeInLiquidation(time, p, bucket, p.size * policy.fraction, fill, "partial");
        return;
      }
    } else if (policy.kind === "tier-down") {
      const reduceTo = this.tierDownSize(p);
      if (reduceTo > 0) {
        this.closeInLiquidation(time, p, bucket, p.size - reduceTo, fill, "tier-down");
        return;
      }
      this.closeInLiquidation(time, p, bucket, p.size, fill, "takeover");
      this.endBucket(time, p, bucket, true);
      return;
    }
    this.closeInLiquidation(time, p, bucket, p.size, fill, "full");
    this.endBucket(time, p, bucket, false);
  }

  /** Bybit: the size whose notional is the cap of the next lower tier, or 0 in the lowest tier */
  private tierDownSize(p: Pos): number {
    const idx = maintenanceTierIndex(p.rule, p.size, p.entry, this.last[p.slot] || p.entry);
    if (idx === 0) return 0;
    const perUnit = maintenanceNotional(p.rule, 1, p.entry, this.last[p.slot] || p.entry);
    return (p.rule.tiers[idx - 1].cap / perUnit) * (1 - 1e-9);
  }

  /** isolated: realise the liquidated part, charge its liquidation fee from what is left, shrink the position */
  private closeInLiquidation(time: number, p: Pos, bucket: number, size: number, fill: number, detail: string): void {
    const part = this.realiseLiquidated(time, p, bucket, size, fill, detail);
    this.chargeLiquidationFees(time, bucket, [part], p);
    if (size < p.size * (1 - 1e-12)) this.shrink(p, size, false);
  }

  /** realise a liquidated part into its bucket (no fee: charged once for everything liquidated together) */
  private realiseLiquidated(time: number, p: Pos, bucket: number, size: number, fill: number, detail: string): Liquidated {
    const pnl = this.ledger.realize(bucket, p.dir, size, p.entry, fill);
    this.readBalances(p);
    this.emit(time, "liquidation", p, size, fill, pnl, detail);
    return { symbol: p.symbol, dir: p.dir as Dir, size, price: fill };
  }

  /** the liquidation fee on the total liquidated, capped once at what is left in the bucket, attributed pro rata */
  private chargeLiquidationFees(time: number, bucket: number, parts: readonly Liquidated[], p: Pos | null): void {
    if (!(this.venue.liquidationFee > 0) || parts.length === 0) return;
    const fees = this.ledger.liquidationFee(bucket, parts, this.venue.liquidationFee);
    this.wallet = this.ledger.balance(CROSS);
    if (p) this.readBalances(p);
    for (let i = 0; i < parts.length; i++) {
      const x = parts[i];
      if (fees[i] > 0) this.emitRaw(time, "fee", x.symbol, sideOf(x.dir), x.size, x.price, -fees[i], "liquidation");
    }
  }

  /** after a full liquidation of an isolated position: forfeit or return what is left, write off a deficit */
  private endBucket(time: number, p: Pos, bucket: number, forfeit: boolean): void {
    const kept = forfeit ? this.ledger.forfeit(bucket) : 0;
    if (kept > 0) this.emit(time, "liquidation", p, 0, 0, -kept, "forfeit");
    const bad = this.ledger.writeOff(bucket);
    if (bad > 0) this.emit(time, "bad-debt", p, p.size, 0, bad, "isolated");
    const back = this.ledger.transfer(bucket, CROSS, null);
    this.readBalances(p);
    if (back !== 0) this.emit(time, "margin", p, p.size, 0, -back, "release");
    this.shrink(p, p.size, true);
  }

  private liquidateCross(time: number, u: number, from: ArrayLike<number>, to: ArrayLike<number>, gap: boolean): void {
    const policy = this.venue.liquidation;
    // bankruptcy of a cross position: others at their current prices (for the gap rule)
    const price = (p: Pos) => from[p.slot] + u * (to[p.slot] - from[p.slot]);
    const fillOf = (p: Pos) => {
      const px = price(p);
      if (!gap) return this.fillPrice(p, px, false, 0);
      let others = this.wallet;
      for (const q of this.pos) if (q.dir !== 0 && q.mode === "cross" && q.slot !== p.slot) others += q.dir * q.size * (price(q) - q.entry);
      return this.fillPrice(p, px, true, bankruptcyPriceF(p.dir as Dir, p.size, p.entry, others));
    };
    let forfeit = false;
    if (policy.kind === "partial") {
      let equity = this.wallet;
      let mm = 0;
      for (const p of this.pos) {
        if (p.dir === 0 || p.mode !== "cross") continue;
        const f = fillOf(p);
        equity += p.dir * p.size * (f - p.entry);
        mm += maintenanceMargin(p.rule, p.size, p.entry, f);
      }
      if (equity < policy.backstopRatio * mm) forfeit = true;
      else if (time >= this.cooldownUntil) {
        let partial = false;
        const parts: Liquidated[] = [];
        for (const p of this.pos) {
          if (p.dir === 0 || p.mode !== "cross") continue;
          const f = fillOf(p);
          if (p.size * f > policy.aboveNotional) {
            partial = true;
            parts.push(this.reduceCross(time, p, p.size * policy.fraction, f, "partial"));
          } else parts.push(this.closeCross(time, p, f, "full"));
        }
        if (partial) this.cooldownUntil = time + policy.cooldownMs;
        this.chargeLiquidationFees(time, CROSS, parts, null);
        this.settleCrossDeficit(time, false);
        return;
      }
    } else if (policy.kind === "tier-down") {
      const parts: Liquidated[] = [];
      for (const p of this.pos) {
        if (p.dir === 0 || p.mode !== "cross") continue;
        const keep = this.tierDownSize(p);
        if (keep > 0) parts.push(this.reduceCross(time, p, p.size - keep, fillOf(p), "tier-down"));
      }
      if (parts.length > 0) {
        this.chargeLiquidationFees(time, CROSS, parts, null);
        return;
      }
      forfeit = true;
    }
    const parts: Liquidated[] = [];
    for (const p of this.pos) {
      if (p.dir === 0 || p.mode !== "cross") continue;
      parts.push(this.closeCross(time, p, fillOf(p), forfeit ? (policy.kind === "partial" ? "backstop" : "takeover") : "full"));
    }
    this.chargeLiquidationFees(time, CROSS, parts, null);
    this.settleCrossDeficit(time, forfeit);
  }

  private closeCross(time: number, p: Pos, fill: number, detail: string): Liquidated {
    const part = this.realiseLiquidated(time, p, CROSS, p.size, fill, detail);
    this.shrink(p, p.size, true);
    return part;
  }

  private reduceCross(time: number, p: Pos, size: number, fill: number, detail: string): Liquidated {
    const part = this.realiseLiquidated(time, p, CROSS, size, fill, detail);
    this.shrink(p, size, false);
    return part;
  }

  private settleCrossDeficit(time: number, forfeit: boolean): void {
    if (forfeit) {
      const kept = this.ledger.forfeit(CROSS);
      this.wallet = this.ledger.balance(CROSS);
      if (kept > 0) this.emitRaw(time, "liquidation", "", "long", 0, 0, -kept, "forfeit");
    }
    const bad = this.ledger.writeOff(CROSS);
    this.wallet = this.ledger.balance(CROSS);
    if (bad > 0) this.emitRaw(time, "bad-debt", "", "long", 0, 0, bad, "cross");
  }

  // ------------------------------------------------------------------ events

  private emit(time: number, type: EventType, p: Pos, size: number, price: number, amount: number, detail: string): void {
    if (this.sink) this.emitRaw(time, type, p.symbol, sideOf(p.dir || 1), size, price, amount, detail);
  }

  private emitRaw(time: number, type: EventType, symbol: string, side: Side, size: number, price: number, amount: number, detail: string): void {
    if (this.sink) this.sink({ time, type, symbol, side, size, price, amount, walletBalance: this.wallet, detail });
  }
}

function liquidatableAt(p: Pos, price: number, margin: number): boolean {
  return margin + p.dir * p.size * (price - p.entry) < maintenanceMargin(p.rule, p.size, p.entry, price);
}

function checkPositive(field: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`${field} must be a positive number (got ${v})`);
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
