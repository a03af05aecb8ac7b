import { unrealisedPnl, type Dir } from "./algebra.ts";
import { CROSS, type AccountCore, type Liquidated } from "./core.ts";
import { maintenanceMargin, maintenanceNotional, maintenanceTierIndex, bankruptcyPriceF } from "./maintenance.ts";
import { FLOAT } from "./numbers.ts";
import { liquidationRule, type LiquidationBucket, type LiquidationRule } from "./policies/index.ts";

/**
 * Finds where along a price path the account first becomes liquidatable (an isolated position past
 * its cached liquidation price, or the cross excess below zero) and hands that bucket to the venue's
 * liquidation rule. Allocation-free when nothing is liquidated.
 */
export class Liquidator {
  private readonly rule: LiquidationRule;

  constructor(private readonly core: AccountCore) {
    this.rule = liquidationRule(core.venue.liquidation, core.venue.liquidationLoss);
  }

  /**
   * Walk a straight segment from `from` (at t0) to `to` (at t1), every symbol moving linearly
   * together; liquidate at each first point where something is liquidatable, then keep walking.
   * Returns the number of liquidation actions.
   */
  scan(t0: number, t1: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    const core = this.core;
    const st = core.store;
    let u = 0;
    let actions = 0;
    for (let guard = 0; guard < 64; guard++) {
      let best = Infinity;
      let which = -2; // slot of an isolated position, −1 for the cross account
      for (let i = 0; i < st.slots; i++) {
        const d = st.dir[i];
        if (d === 0 || !st.isolated[i]) continue;
        const liq = st.liq[i];
        const a = from[i];
        const b = to[i];
        const pu = a + u * (b - a);
        let c: number;
        if (d === 1 ? pu < liq : pu > liq) c = u;
        else if (d === 1 ? b < liq : b > liq) c = (liq - a) / (b - a);
        else continue;
        if (c < best) {
          best = c;
          which = i;
        }
      }
      if (st.crossOpen > 0) {
        const c = this.crossCrossing(u, from, to);
        if (c < best) {
          best = c;
          which = -1;
        }
      }
      if (which === -2) break;
      const time = t0 + best * (t1 - t0);
      const gap = best === 0;
      for (let i = 0; i < st.slots; i++) {
        const px = from[i] + best * (to[i] - from[i]);
        if (px > 0 && px < Infinity) core.last[i] = px;
      }
      if (which === -1) this.rule.apply(new CrossBucket(core, time, best, from, to, gap));
      else this.rule.apply(new IsolatedBucket(core, time, which, from[which] + best * (to[which] - from[which]), gap));
      actions++;
      u = best;
    }
    this.see(to);
    return actions;
  }

  /** keep the latest price of every symbol the caller gave (NaN / missing ones are skipped), allocation-free */
  private see(prices: ArrayLike<number>): void {
    const last = this.core.last;
    const n = Math.min(prices.length, last.length);
    for (let i = 0; i < n; i++) {
      const px = prices[i];
      if (px > 0 && px < Infinity) last[i] = px;
    }
  }

  /**
   * First u ≥ u0 where the cross excess is < 0, or Infinity. Maintenance is convex in price, so the
   * excess is concave along the segment: non-negative at both ends means non-negative in between.
   */
  private crossCrossing(u0: number, from: ArrayLike<number>, to: ArrayLike<number>): number {
    const core = this.core;
    const g0 = core.crossExcessAlong(u0, from, to);
    if (g0 < 0) return u0;
    const g1 = core.crossExcessAlong(1, from, to);
    if (!(g1 < 0)) return Infinity;
    const st = core.store;
    let sameTiers = true;
    for (let s = 0; s < st.slots; s++) {
      if (st.dir[s] === 0 || st.isolated[s]) continue;
      const a = from[s] + u0 * (to[s] - from[s]);
      if (maintenanceTierIndex(st.rules[s], st.size[s], st.entry[s], a) !== maintenanceTierIndex(st.rules[s], st.size[s], st.entry[s], to[s])) sameTiers = false;
    }
    if (sameTiers) return Math.min(1, u0 + ((1 - u0) * g0) / (g0 - g1));
    let lo = u0;
    let hi = 1;
    for (let k = 0; k < 80; k++) {
      const mid = 0.5 * (lo + hi);
      if (core.crossExcessAlong(mid, from, to) < 0) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

/** The fill of a liquidation: the trigger worsened by the slippage, or the trigger itself when a gap opened past bankruptcy. */
function fillPrice(core: AccountCore, s: number, trigger: number, gap: boolean, bankrupt: number): number {
  const dir = core.store.dir[s];
  if (gap && (dir === 1 ? trigger <= bankrupt : trigger >= bankrupt)) return trigger;
  return trigger * (1 - dir * core.slippage);
}

/** Bybit's tier-down: the size whose notional is the cap of the next lower tier, or 0 in the lowest tier */
function tierDownKeep(core: AccountCore, s: number): number {
  const st = core.store;
  const px = core.last[s] || st.entry[s];
  const idx = maintenanceTierIndex(st.rules[s], st.size[s], st.entry[s], px);
  if (idx === 0) return 0;
  const perUnit = maintenanceNotional(st.rules[s], 1, st.entry[s], px);
  return (st.rules[s].tiers[idx - 1].cap / perUnit) * (1 - 1e-9);
}

/** One isolated position: liquidated parts realise inside its margin; a full liquidation ends the bucket. */
class IsolatedBucket implements LiquidationBucket {
  readonly isolated = true;
  readonly slots: readonly number[];
  private readonly fillAt: number;
  private readonly parts: Liquidated[] = [];
  private reducedBy = 0;

  constructor(private readonly core: AccountCore, readonly time: number, private readonly s: number, trigger: number, gap: boolean) {
    this.slots = [s];
    this.fillAt = fillPrice(core, s, trigger, gap, core.store.bankrupt[s]);
  }

  get cooldownUntil(): number {
    return this.core.cooldownUntil;
  }
  set cooldownUntil(t: number) {
    this.core.cooldownUntil = t;
  }

  size(s: number): number {
    return this.core.store.size[s];
  }
  fill(): number {
    return this.fillAt;
  }
  equityAtFills(): number {
    const st = this.core.store;
    return st.margin[this.s] + unrealisedPnl(FLOAT, st.dir[this.s] as Dir, st.size[this.s], st.entry[this.s], this.fillAt);
  }
  maintenanceAtFills(): number {
    const st = this.core.store;
    return maintenanceMargin(st.rules[this.s], st.size[this.s], st.entry[this.s], this.fillAt);
  }
  tierDownKeep(s: number): number {
    return tierDownKeep(this.core, s);
  }
  close(s: number, detail: string): void {
    this.parts.push(this.core.realiseLiquidated(this.time, s, s + 1, this.core.store.size[s], this.fillAt, detail));
  }
  reduce(s: number, size: number, fill: number, detail: string): void {
    this.parts.push(this.core.realiseLiquidated(this.time, s, s + 1, size, fill, detail));
    if (size < this.core.store.size[s] * (1 - 1e-12)) this.reducedBy = size;
  }
  finish(end: "none" | "settle" | "forfeit"): void {
    this.core.chargeLiquidationFees(this.time, this.s + 1, this.parts, this.s);
    if (this.reducedBy > 0) this.core.shrink(this.s, this.reducedBy, false);
    if (end !== "none") this.core.endBucket(this.time, this.s, end === "forfeit");
  }
}

/** Every cross position together: parts realise into the wallet as they go, the fee is charged once on them all. */
class CrossBucket implements LiquidationBucket {
  readonly isolated = false;
  readonly slots: readonly number[];
  private readonly parts: Liquidated[] = [];

  constructor(
    private readonly core: AccountCore,
    readonly time: number,
    private readonly u: number,
    private readonly from: ArrayLike<number>,
    private readonly to: ArrayLike<number>,
    private readonly gap: boolean,
  ) {
    const st = core.store;
    const slots: number[] = [];
    for (let s = 0; s < st.slots; s++) if (st.dir[s] !== 0 && !st.isolated[s]) slots.push(s);
    this.slots = slots;
  }

  get cooldownUntil(): number {
    return this.core.cooldownUntil;
  }
  set cooldownUntil(t: number) {
    this.core.cooldownUntil = t;
  }

  private price(s: number): number {
    return this.from[s] + this.u * (this.to[s] - this.from[s]);
  }
  size(s: number): number {
    return this.core.store.size[s];
  }
  /** after a gap, bankruptcy of a cross position with the others at their current prices (read now: earlier closes count) */
  fill(s: number): number {
    const px = this.price(s);
    if (!this.gap) return fillPrice(this.core, s, px, false, 0);
    const st = this.core.store;
    let others = st.wallet;
    for (let q = 0; q < st.slots; q++) {
      if (st.dir[q] !== 0 && !st.isolated[q] && q !== s) others += unrealisedPnl(FLOAT, st.dir[q] as Dir, st.size[q], st.entry[q], this.price(q));
    }
    return fillPrice(this.core, s, px, true, bankruptcyPriceF(st.dir[s] as Dir, st.size[s], st.entry[s], others));
  }
  equityAtFills(): number {
    const st = this.core.store;
    let equity = st.wallet;
    for (const s of this.slots) equity += unrealisedPnl(FLOAT, st.dir[s] as Dir, st.size[s], st.entry[s], this.fill(s));
    return equity;
  }
  maintenanceAtFills(): number {
    const st = this.core.store;
    let mm = 0;
    for (const s of this.slots) mm += maintenanceMargin(st.rules[s], st.size[s], st.entry[s], this.fill(s));
    return mm;
  }
  tierDownKeep(s: number): number {
    return tierDownKeep(this.core, s);
  }
  close(s: number, detail: string): void {
    this.parts.push(this.core.realiseLiquidated(this.time, s, CROSS, this.core.store.size[s], this.fill(s), detail));
    this.core.shrink(s, this.core.store.size[s], true);
  }
  reduce(s: number, size: number, fill: number, detail: string): void {
    this.parts.push(this.core.realiseLiquidated(this.time, s, CROSS, size, fill, detail));
    this.core.shrink(s, size, false);
  }
  finish(end: "none" | "settle" | "forfeit"): void {
    this.core.chargeLiquidationFees(this.time, CROSS, this.parts, -1);
    if (end !== "none") this.core.settleCrossDeficit(this.time, end === "forfeit");
  }
}
