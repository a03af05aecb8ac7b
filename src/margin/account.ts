/*
 * Longer than the house limits because this file is the account's whole public surface (trading, margin moves,
 * funding, liquidation checks, read-outs) that the replay, the Monte Carlo kernels and the strategy context all call;
 * each method is a few lines handing over to the parts that do the work (core.ts money moves, funding.ts accrual,
 * liquidation.ts walker, store.ts positions, algebra.ts rules): splitting it would split one API, not move logic.
 */
import { InputError } from "../market/index.ts";
import type { MarginMode, Venue } from "../venues/index.ts";
import type { Dir } from "./algebra.ts";
import { AccountCore, CROSS } from "./core.ts";
import type { AccountOptions, OpenOptions, PositionView, TradeResult } from "./accountTypes.ts";
import { FundingAccrual, type FundingHold } from "./funding.ts";
import { ExactLedger, FastLedger, type Ledger } from "./ledger.ts";
import { Liquidator } from "./liquidation.ts";
import { liquidationPriceF, maintenanceMargin, maintenanceRule, maxLeverageAt, type RuleOverrides } from "./maintenance.ts";
import { AccountSnapshot, type AccountParts } from "./snapshot.ts";
import { PositionStore, type PositionStoreView } from "./store.ts";
import { sideOf, type Side } from "./types.ts";

export type { AccountOptions, OpenOptions, PositionView, TradeResult } from "./accountTypes.ts";

/**
 * One trading account on one venue: a cross wallet, one position per symbol (one-way mode), each cross
 * or isolated. Operations take the time (ms) and the fill price the caller decided; the venue's fee
 * is charged on every fill. Prices and checks are float64; money goes through the `Ledger`. The
 * positions live in one store (`account.store`) that hot loops read in place.
 */
export class Account {
  readonly venue: Venue;
  readonly ledger: Ledger;
  readonly symbols: readonly string[];
  private readonly st: PositionStore;
  private readonly core: AccountCore;
  private readonly liquidator: Liquidator;
  private readonly funding: FundingAccrual;
  private readonly slots = new Map<string, number>();
  /** each open position's rule overrides (to re-resolve its rule on a newer table) */
  private readonly overrides: RuleOverrides[] = [];
  /** what a snapshot copies */
  private readonly parts: AccountParts;

  constructor(o: AccountOptions) {
    this.venue = o.venue;
    this.symbols = [...o.symbols];
    this.ledger = typeof o.ledger === "object" ? o.ledger : o.ledger === "fast" ? new FastLedger() : new ExactLedger(o.venue.settlementDecimals);
    const slippage = o.liquidationSlippage ?? 0;
    if (!(slippage >= 0 && slippage < 1)) throw new InputError(`liquidation slippage ${slippage} must be in [0, 1)`);
    if (!(o.balance >= 0) || !Number.isFinite(o.balance)) throw new InputError(`balance ${o.balance} must be a number ≥ 0`);
    const rules = this.symbols.map((symbol, slot) => {
      if (this.slots.has(symbol)) throw new InputError(`symbol '${symbol}' listed twice`);
      this.slots.set(symbol, slot);
      return maintenanceRule(o.venue, symbol);
    });
    this.st = new PositionStore(this.symbols.length, rules);
    this.core = new AccountCore(o.venue, this.ledger, this.symbols, this.st, o.events, slippage);
    this.liquidator = new Liquidator(this.core);
    this.funding = new FundingAccrual(this.core);
    this.ledger.deposit(CROSS, o.balance);
    this.st.wallet = this.ledger.balance(CROSS);
    this.parts = { store: this.st, core: this.core, funding: this.funding, ledger: this.ledger, overrides: this.overrides };
  }

  // ------------------------------------------------------------------ reading

  /** the positions, in place: typed arrays by slot and a version that grows on every change */
  get store(): PositionStoreView {
    return this.st;
  }

  /** the slot of a symbol (index into price arrays) */
  slot(symbol: string): number {
    const s = this.slots.get(symbol);
    if (s === undefined) throw new InputError(`symbol '${symbol}' is not one of this account's symbols (${this.symbols.join(", ")})`);
    return s;
  }

  /** cross wallet balance (excludes isolated margins) */
  get walletBalance(): number {
    return this.st.wallet;
  }

  position(symbol: string): PositionView | null {
    const s = this.slot(symbol);
    return this.st.dir[s] === 0 ? null : this.view(s);
  }

  positions(): PositionView[] {
    const out: PositionView[] = [];
    for (let s = 0; s < this.st.slots; s++) if (this.st.dir[s] !== 0) out.push(this.view(s));
    return out;
  }

  private view(s: number): PositionView {
    const st = this.st;
    return {
      symbol: this.symbols[s], slot: s, side: sideOf(st.dir[s]), size: st.size[s], entryPrice: st.entry[s],
      mode: st.isolated[s] ? "isolated" : "cross", leverage: st.leverage[s], margin: st.margin[s],
    };
  }

  /** wallet + isolated margins + every position's unrealised PnL at these prices */
  equity(prices: ArrayLike<number>): number {
    return this.core.equity(prices);
  }

  /** cross value minus cross maintenance at these prices (< 0 = liquidatable; Infinity with no cross position), at `wallet` (a funding hold's) */
  crossExcess(prices: ArrayLike<number>, wallet = this.st.wallet): number {
    return this.st.crossOpen === 0 ? Infinity : this.core.crossExcess(prices, -1, wallet);
  }

  /** `crossExcess` with the wallet as the ledger holds it: funding accrued but not yet posted left out */
  postedCrossExcess(prices: ArrayLike<number>): number {
    return this.st.crossOpen === 0 ? Infinity : this.core.crossExcess(prices, -1, this.funding.postedWallet);
  }

  /** maintenance margin of one position at a price */
  maintenanceMargin(symbol: string, price: number): number {
    const s = this.slot(symbol);
    return this.st.dir[s] === 0 ? 0 : maintenanceMargin(this.st.rules[s], this.st.size[s], this.st.entry[s], price);
  }

  /**
   * Liquidation price of a position: isolated from its cache (moves only on events: fills, funding,
   * margin, leverage); cross with the other cross positions held at `prices`. null when flat or none above zero.
   */
  liquidationPrice(symbol: string, prices?: ArrayLike<number>): number | null {
    const s = this.slot(symbol);
    const st = this.st;
    const dir = st.dir[s] as 0 | Dir;
    if (dir === 0) return null;
    let lp: number;
    if (st.isolated[s]) lp = st.liq[s];
    else {
      if (!prices) throw new Error("liquidationPrice of a cross position needs the other positions' prices");
      lp = liquidationPriceF(st.rules[s], dir, st.size[s], st.entry[s], this.core.crossExcess(prices, s));
    }
    return lp > 0 ? lp : dir === 1 ? null : 0;
  }

  /** cached isolated liquidation price by slot (0: none for a long / flat) — for hot loops */
  isolatedLiquidationPriceAt(slot: number): number {
    return this.st.liq[slot];
  }

  /** margin ratio = maintenance / bucket equity (1 = liquidation), NaN when flat */
  marginRatio(symbol: string, prices: ArrayLike<number>): number {
    const s = this.slot(symbol);
    const st = this.st;
    if (st.dir[s] === 0) return NaN;
    if (st.isolated[s]) {
      const px = prices[s];
      return maintenanceMargin(st.rules[s], st.size[s], st.entry[s], px) / (st.margin[s] + st.dir[s] * st.size[s] * (px - st.entry[s]));
    }
    const excess = this.crossExcess(prices);
    let mm = 0;
    for (let q = 0; q < st.slots; q++) if (st.dir[q] !== 0 && !st.isolated[q]) mm += maintenanceMargin(st.rules[q], st.size[q], st.entry[q], prices[q]);
    return mm / (excess + mm);
  }

  // ------------------------------------------------------------------ trading

  /**
   * Buy (`long`) or sell (`short`) `size` at `price`: opens, increases, reduces, closes or flips the
   * position (one-way mode). Returns "insufficient-margin" (and changes nothing) when the account
   * cannot carry the result. InputError for a bad size, price or leverage.
   */
  trade(time: number, symbol: string, side: Side, size: number, price: number, o: OpenOptions = {}): TradeResult {
    const s = this.slot(symbol);
    checkPositive("size", size);
    checkPositive("price", price);
    this.funding.post();
    const st = this.st;
    const dir: Dir = side === "long" ? 1 : -1;
    this.core.last[s] = price;
    if (st.dir[s] === 0 || st.dir[s] === dir) return this.increase(time, s, dir, size, price, o);
    if (size <= st.size[s] * (1 + 1e-12)) {
      this.reduceBy(time, s, Math.min(size, st.size[s]), price, o.maker ?? false);
      return "filled";
    }
    const rest = size - st.size[s];
    const check = this.canOpen(time, s, dir, rest, price, o);
    if (check !== "filled") return check;
    this.reduceBy(time, s, st.size[s], price, o.maker ?? false);
    return this.increase(time, s, dir, rest, price, o);
  }

  /** open or add to a position */
  open(time: number, symbol: string, side: Side, size: number, price: number, o: OpenOptions = {}): TradeResult {
    const d = this.st.dir[this.slot(symbol)];
    if (d !== 0 && d !== (side === "long" ? 1 : -1)) throw new InputError(`${symbol}: open ${side} while a ${sideOf(d)} is open (use trade or flip)`);
    return this.trade(time, symbol, side, size, price, o);
  }

  /** reduce a position by `size` (at most its size) */
  reduce(time: number, symbol: string, size: number, price: number, maker = false): void {
    const s = this.slot(symbol);
    if (this.st.dir[s] === 0) return;
    checkPositive("size", size);
    checkPositive("price", price);
    this.funding.post();
    this.core.last[s] = price;
    this.reduceBy(time, s, Math.min(size, this.st.size[s]), price, maker);
  }

  close(time: number, symbol: string, price: number, maker = false): void {
    const s = this.slot(symbol);
    if (this.st.dir[s] !== 0) this.reduce(time, symbol, this.st.size[s], price, maker);
  }

  /** close and open the opposite side (same size unless given) */
  flip(time: number, symbol: string, price: number, size?: number, o: OpenOptions = {}): TradeResult {
    const s = this.slot(symbol);
    const st = this.st;
    if (st.dir[s] === 0) throw new InputError(`${symbol}: nothing to flip`);
    const mode: MarginMode = st.isolated[s] ? "isolated" : "cross";
    return this.trade(time, symbol, sideOf(-st.dir[s]), st.size[s] + (size ?? st.size[s]), price, { mode, leverage: st.leverage[s], ...o });
  }

  private canOpen(time: number, s: number, dir: Dir, size: number, price: number, o: OpenOptions): TradeResult {
    const st = this.st;
    const fresh = st.dir[s] === 0 || st.dir[s] !== dir;
    const mode = fresh ? o.mode ?? "cross" : st.isolated[s] ? "isolated" : "cross";
    if (!this.venue.modes.includes(mode)) throw new InputError(`${this.venue.label} has no ${mode} margin`);
    const notional = (fresh ? size : st.size[s] + size) * price;
    const rule = fresh ? maintenanceRule(this.venue, this.symbols[s], o, time) : st.rules[s];
    const maxLev = maxLeverageAt(rule, notional);
    const lev = this.leverageFor(time, s, fresh, size * price, o);
    if (lev > maxLev * (1 + 1e-9)) throw new InputError(`${this.symbols[s]}: leverage ${round4(lev)} above the venue's maximum ${maxLev} at notional ${round4(notional)}`);
    const fee = size * price * (o.maker ? this.venue.makerFee : this.venue.takerFee);
    const im = (size * price) / lev;
    // flipping frees the old position's margin before the new one is taken
    const freed = st.dir[s] !== 0 && st.dir[s] !== dir ? (st.isolated[s] ? st.margin[s] : (st.size[s] * price) / st.leverage[s]) : 0;
    // Hyperliquid checks the initial margin before its fee (see Venue.openFeeInMarginCheck)
    if (this.core.freeCollateral() + freed - (this.venue.openFeeInMarginCheck ? fee : 0) - im < -1e-9) return "insufficient-margin";
    return "filled";
  }

  private leverageFor(time: number, s: number, fresh: boolean, addNotional: number, o: OpenOptions): number {
    if (!fresh) return this.st.leverage[s];
    if (o.margin !== undefined) {
      checkPositive("margin", o.margin);
      return addNotional / o.margin;
    }
    if (o.leverage !== undefined) {
      checkPositive("leverage", o.leverage);
      return o.leverage;
    }
    return Math.min(20, maxLeverageAt(maintenanceRule(this.venue, this.symbols[s], o, time), addNotional));
  }

  private increase(time: number, s: number, dir: Dir, size: number, price: number, o: OpenOptions): TradeResult {
    const check = this.canOpen(time, s, dir, size, price, o);
    if (check !== "filled") return check;
    const st = this.st;
    const fresh = st.dir[s] === 0;
    if (fresh) {
      const overrides: RuleOverrides = { mmr: o.mmr, maintenanceAmount: o.maintenanceAmount, maxLeverage: o.maxLeverage };
      const rule = maintenanceRule(this.venue, this.symbols[s], overrides, time);
      this.overrides[s] = overrides;
      st.openAt(s, dir, size, price, (o.mode ?? "cross") === "isolated", this.leverageFor(time, s, true, size * price, o), rule);
    } else {
      st.entry[s] = (st.entry[s] * st.size[s] + price * size) / (st.size[s] + size);
      st.size[s] += size;
      st.version++;
    }
    const core = this.core;
    core.emit(time, "fill", s, size, price, 0, o.maker ? "open maker" : "open");
    core.chargeFee(time, s, size, price, o.maker ?? false);
    if (st.isolated[s]) {
      const add = fresh && o.margin !== undefined ? o.margin : (size * price) / st.leverage[s];
      core.moveMargin(time, s, add, fresh ? "open" : "increase");
    }
    core.refresh(s);
    return "filled";
  }

  /**
   * A voluntary reduce or close. Isolated: the closed share f of the margin goes back to the wallet
   * and the closed part's realised PnL is booked to the wallet (Bybit's rule; Hyperliquid: "margin is
   * proportionally removed as the position is closed"), so the rest keeps margin × (1 − f) and its
   * liquidation price stays where it was. Liquidations realise inside the bucket instead.
   */
  private reduceBy(time: number, s: number, size: number, price: number, maker: boolean): void {
    const st = this.st;
    const core = this.core;
    const full = size >= st.size[s] * (1 - 1e-12);
    const pnl = this.ledger.realize(CROSS, st.dir[s], size, st.entry[s], price);
    core.readBalances(s);
    core.emit(time, "fill", s, size, price, pnl, full ? "close" : "reduce");
    core.chargeFee(time, s, size, price, maker);
    if (st.isolated[s]) {
      const moved = this.ledger.transfer(s + 1, CROSS, null, full ? 1 : size / st.size[s]);
      core.readBalances(s);
      core.emit(time, "margin", s, size, price, -moved, "release");
    }
    core.shrink(s, size, full);
  }

  /** credit a deposit to the cross wallet */
  deposit(time: number, amount: number): void {
    checkPositive("amount", amount);
    const a = this.ledger.deposit(CROSS, amount);
    this.st.wallet = this.ledger.balance(CROSS);
    this.st.version++;
    this.core.emitRaw(time, "deposit", "", "long", 0, 0, a, "deposit");
  }

  /** add margin to an isolated position from the wallet */
  addMargin(time: number, symbol: string, amount: number): TradeResult {
    const s = this.isolated(symbol);
    checkPositive("amount", amount);
    if (this.core.freeCollateral() - amount < -1e-9) return "insufficient-margin";
    this.core.moveMargin(time, s, amount, "add");
    this.core.refresh(s);
    return "filled";
  }

  /** remove margin from an isolated position, within the venue's rule (InputError beyond it) */
  removeMargin(time: number, symbol: string, amount: number, price?: number): void {
    const s = this.isolated(symbol);
    checkPositive("amount", amount);
    const st = this.st;
    const px = price ?? (this.core.last[s] || st.entry[s]);
    const notional = st.size[s] * px;
    const keep = this.venue.minIsolatedMarginAfterRemoval(notional, notional / st.leverage[s]);
    const upnl = st.dir[s] * st.size[s] * (px - st.entry[s]);
    const removable = Math.max(0, st.margin[s] + Math.min(upnl, 0) - keep);
    if (amount > removable + 1e-9) throw new InputError(`${symbol}: cannot remove ${round4(amount)}; at most ${round4(removable)} may leave the isolated margin on ${this.venue.label}`);
    this.core.moveMargin(time, s, -amount, "remove");
    this.core.refresh(s);
  }

  /**
   * Put every open position on the venue's table in force at `time` (a venue may have several dated
   * tables; the runner calls this when a table's date falls between two bars). Positions with a flat
   * override (`mmr`, or Hyperliquid's `maxLeverage`) keep it. Returns how many positions changed table.
   */
  retable(time: number): number {
    const st = this.st;
    let changed = 0;
    for (let s = 0; s < this.symbols.length; s++) {
      if (st.dir[s] === 0) continue;
      const rule = maintenanceRule(this.venue, this.symbols[s], this.overrides[s] ?? {}, time);
      if (rule.tiers === st.rules[s].tiers) continue;
      st.rules[s] = rule;
      st.version++;
      this.core.refresh(s);
      changed++;
    }
    return changed;
  }

  /**
   * Change leverage. Cross: only the initial margin changes. Isolated: the margin is reset to
   * notional / leverage (the difference moves with the wallet), as Binance and Bybit do.
   */
  setLeverage(time: number, symbol: string, leverage: number): TradeResult {
    const s = this.slot(symbol);
    const st = this.st;
    checkPositive("leverage", leverage);
    if (st.dir[s] === 0) throw new InputError(`${symbol}: no open position`);
    const px = this.core.last[s] || st.entry[s];
    const maxLev = maxLeverageAt(st.rules[s], st.size[s] * px);
    if (leverage > maxLev) throw new InputError(`${symbol}: leverage ${leverage} above the venue's maximum ${maxLev}`);
    const old = st.leverage[s];
    st.leverage[s] = leverage;
    let moved = 0;
    if (st.isolated[s]) {
      const target = (st.size[s] * st.entry[s]) / leverage;
      const delta = target - st.margin[s];
      if ((delta > 0 && this.core.freeCollateral() - delta < -1e-9) || (delta < 0 && this.core.liquidatableAt(s, px, st.margin[s] + delta))) {
        st.leverage[s] = old;
        return "insufficient-margin";
      }
      moved = this.ledger.transfer(CROSS, s + 1, delta);
      this.core.readBalances(s);
    } else if (this.core.freeCollateral() < -1e-9) {
      st.leverage[s] = old;
      return "insufficient-margin";
    }
    st.version++;
    this.core.emit(time, "leverage", s, st.size[s], 0, moved, `leverage ${old} -> ${leverage}`);
    this.core.refresh(s);
    return "filled";
  }

  // ------------------------------------------------------------------ funding

  /**
   * Settle one funding payment: `size × price × rate`, longs pay when the rate is positive; cross
   * from the wallet, isolated from the position's margin (its liquidation price moves). Returns the
   * amount the account received (negative when it paid). No allocation without an event sink.
   */
  settleFunding(symbol: string, rate: number, price: number, time: number): number {
    return this.funding.settle(this.slot(symbol), rate, price, time);
  }

  /**
   * Post a funding amount computed elsewhere: positive = received. Cross to/from the wallet, isolated
   * to/from that position's margin (its liquidation price moves). `price`, when given, is the price it
   * was charged at (recorded in the event and kept as the symbol's latest price). Returns the amount
   * posted (rounded to the ledger's precision); 0 when flat.
   */
  creditFunding(time: number, symbol: string, amount: number, price?: number): number {
    return this.funding.credit(time, this.slot(symbol), amount, price);
  }

  /**
   * Charge a funding payment (`paid` > 0 = paid) now in floats, without the ledger: the wallet or the
   * isolated margin and its liquidation price move at once; the ledger gets one amount per position,
   * stamped with the latest settlement's time and price, at `postFunding` (or before the next
   * operation that touches money). For per-step loops (the Monte Carlo kernel).
   */
  accrueFunding(slot: number, paid: number, price: number, time: number): void {
    this.funding.accrue(slot, paid, price, time);
  }

  /**
   * Lend what funding moves (wallet, isolated margins and liquidation prices, accrued amounts) to a loop's `h`
   * (`h.accrue`: the same floats as `accrueFunding`); the account is stale, call nothing on it, until `releaseFunding(h)`
   * takes it back as if each `h.accrue` had been `accrueFunding`.
   */
  holdFunding(h: FundingHold): void {
    this.funding.hold(h);
  }
  releaseFunding(h: FundingHold): void {
    this.funding.release(h);
  }

  /** post every accrued funding amount to the ledger (see `accrueFunding`) */
  postFunding(): void {
    this.funding.post();
  }

  // ------------------------------------------------------------------ snapshots

  /**
   * The account's whole state now (snapshot.ts), for `restore`: a Monte Carlo kernel opens its book once
   * and restores it at the start of every path. Events are not replayed. Needs a ledger with `checkpoint`.
   */
  snapshot(): AccountSnapshot {
    return new AccountSnapshot(this.parts);
  }

  /** Put this account back as it was when `snapshot` was taken of it (allocation-free); held funding is dropped: take the hold again. */
  restore(snapshot: AccountSnapshot): void {
    snapshot.restoreInto(this.parts);
  }

  // ------------------------------------------------------------------ liquidation

  /** Liquidate whatever is liquidatable at these prices (by slot). Returns the number of liquidation actions. */
  checkLiquidations(time: number, prices: ArrayLike<number>): number {
    this.funding.post();
    return this.liquidator.scan(time, time, prices, prices);
  }

  /**
   * Walk a straight segment of the price path from `from` (at t0) to `to` (at t1), every symbol
   * moving linearly together; liquidate at the first point where an isolated position or the cross
   * account becomes liquidatable, at that trigger price worsened by the slippage (at the start price
   * when the segment opens already past bankruptcy: a gap), then keep walking. Allocation-free when
   * nothing is liquidated. Returns the number of liquidation actions.
   */
  checkSegment(t0: number, t1: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    this.funding.post();
    return this.liquidator.scan(t0, t1, from, to);
  }

  private isolated(symbol: string): number {
    const s = this.slot(symbol);
    if (this.st.dir[s] === 0 || !this.st.isolated[s]) throw new InputError(`${symbol}: no isolated position`);
    return s;
  }
}

function checkPositive(field: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new InputError(`${field} must be a positive number (got ${v})`);
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
