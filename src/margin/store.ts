import type { MaintenanceRule } from "./algebra.ts";

/**
 * The account's positions as parallel typed arrays, one slot per symbol: the only copy there is.
 * The replay and the Monte Carlo kernel read it in place; `version` grows on every change the engine
 * makes (fills, liquidations, margin moves, funding posted to the ledger), so a reader caching
 * something derived (a linear piece, a flag) recomputes it when the number moves.
 */
export interface PositionStoreView {
  readonly slots: number;
  /** 0 flat, 1 long, −1 short */
  readonly dir: ArrayLike<number>;
  readonly size: ArrayLike<number>;
  readonly entry: ArrayLike<number>;
  /** 1 when the position is isolated */
  readonly isolated: ArrayLike<number>;
  /** isolated margin, funding accrued but not yet posted included (0 for cross) */
  readonly margin: ArrayLike<number>;
  /** isolated liquidation price (0: none for a long, every price for a short), moved by accrued funding */
  readonly liq: ArrayLike<number>;
  readonly leverage: ArrayLike<number>;
  readonly rules: readonly MaintenanceRule[];
  /** cross wallet, funding accrued but not yet posted included */
  readonly wallet: number;
  /** open positions, and of them cross ones */
  readonly open: number;
  readonly crossOpen: number;
  readonly version: number;
}

export class PositionStore implements PositionStoreView {
  readonly dir: Int8Array;
  readonly size: Float64Array;
  readonly entry: Float64Array;
  readonly isolated: Uint8Array;
  readonly margin: Float64Array;
  readonly liq: Float64Array;
  /** isolated: the liquidation root before clamping at 0, and how it moves per unit of margin (0 = solve again) */
  readonly liqRaw: Float64Array;
  readonly liqPerMargin: Float64Array;
  readonly bankrupt: Float64Array;
  /** isolated, maintenance taken at entry (Bybit, GMX): that maintenance, constant until the next fill */
  readonly mmAtEntry: Float64Array;
  readonly leverage: Float64Array;
  readonly rules: MaintenanceRule[];
  wallet = 0;
  open = 0;
  crossOpen = 0;
  version = 0;

  constructor(readonly slots: number, rules: MaintenanceRule[]) {
    this.dir = new Int8Array(slots);
    this.size = new Float64Array(slots);
    this.entry = new Float64Array(slots);
    this.isolated = new Uint8Array(slots);
    this.margin = new Float64Array(slots);
    this.liq = new Float64Array(slots);
    this.liqRaw = new Float64Array(slots);
    this.liqPerMargin = new Float64Array(slots);
    this.bankrupt = new Float64Array(slots);
    this.mmAtEntry = new Float64Array(slots);
    this.leverage = new Float64Array(slots).fill(1);
    this.rules = rules;
  }

  /** a new position in a flat slot */
  openAt(s: number, dir: 1 | -1, size: number, entry: number, isolated: boolean, leverage: number, rule: MaintenanceRule): void {
    this.dir[s] = dir;
    this.size[s] = size;
    this.entry[s] = entry;
    this.isolated[s] = isolated ? 1 : 0;
    this.leverage[s] = leverage;
    this.rules[s] = rule;
    this.open++;
    if (!isolated) this.crossOpen++;
    this.version++;
  }

  /** A copy of this store (its own arrays), for an account snapshot. */
  clone(): PositionStore {
    const c = new PositionStore(this.slots, [...this.rules]);
    c.copyFrom(this);
    c.version = this.version;
    return c;
  }

  /** Every position and balance as `o` holds them (a store of as many slots); the version moves on, never back. */
  copyFrom(o: PositionStore): void {
    if (o.slots !== this.slots) throw new Error(`a store of ${o.slots} slots copied into one of ${this.slots}`);
    this.dir.set(o.dir);
    this.size.set(o.size);
    this.entry.set(o.entry);
    this.isolated.set(o.isolated);
    this.margin.set(o.margin);
    this.liq.set(o.liq);
    this.liqRaw.set(o.liqRaw);
    this.liqPerMargin.set(o.liqPerMargin);
    this.bankrupt.set(o.bankrupt);
    this.mmAtEntry.set(o.mmAtEntry);
    this.leverage.set(o.leverage);
    for (let s = 0; s < this.slots; s++) this.rules[s] = o.rules[s];
    this.wallet = o.wallet;
    this.open = o.open;
    this.crossOpen = o.crossOpen;
    this.version++;
  }

  /** the slot is flat again */
  closeAt(s: number): void {
    if (this.dir[s] === 0) return;
    this.open--;
    if (!this.isolated[s]) this.crossOpen--;
    this.dir[s] = 0;
    this.size[s] = 0;
    this.margin[s] = 0;
    this.liq[s] = 0;
    this.liqRaw[s] = 0;
    this.liqPerMargin[s] = 0;
    this.bankrupt[s] = 0;
    this.version++;
  }
}
