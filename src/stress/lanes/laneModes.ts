import { NEGLIGIBLE_EXPONENT } from "../../paths/index.ts";
import { V128, type Code } from "./wasm.ts";

/*
 * A margin mode's quiet step for two paths at once, one in each f64x2 lane: compiledPath.ts's quietIsolated and
 * quietCross with every branch a lane mask, the same operations in the same order, so a lane the step leaves quiet has the
 * JavaScript loop's figures to the bit. A lane the JavaScript would hand to the host (a position past or at its
 * trigger) is `loud` here too; so is one near a trigger, where the JavaScript draws the bridge's uniform in the
 * loop (here the host's: its draw and its exp and log are not in the lanes yet). Every value is a v128 local; the
 * slots' directions are constants of the lanes' shape (a portfolio's slot is long or short for good), a closed
 * slot's lanes are cleared in its `open` mask.
 */

/** One slot's locals: the position's figures (as the mode's state array holds them) and which lanes hold it. */
export interface SlotPosition {
  /** lanes where the slot is open (d ≠ 0) */
  open: number;
  q: number;
  entry: number;
  margin: number;
  pending: number;
  pendingPrice: number;
}

/** An isolated slot: its direction and its trigger's figures besides. */
export interface IsolatedSlot extends SlotPosition {
  /** +1 long, −1 short: the slot's direction for both lanes */
  direction: 1 | -1;
  liq: number;
  liqRaw: number;
  liqPerMargin: number;
}

export interface IsolatedMode {
  fundingPaid: number;
  wallet: number;
  minEquity: number;
  pendingMs: number;
  /** lanes where accrued funding moved (the JavaScript's `mv`) */
  moved: number;
  slots: IsolatedSlot[];
}

/** Each asset's market of the step: log price and price at its start and end, the step's variance, the funding rate. */
export interface LaneMarket {
  xs: number[];
  ps: number[];
  x: number[];
  p: number[];
  v: number[];
  rate: number[];
}

/** Scratch locals of a mode's step, made once per function. */
export interface ModeScratch {
  b0: number;
  b1: number;
  far: number;
  paidSum: number;
  equity: number;
  past: number;
  accrued: number;
  paid: number;
  funded: number;
  slot: { margin: number; liq: number; liqRaw: number; pending: number; pendingPrice: number }[];
}

export function modeScratch(code: Code, assets: number): ModeScratch {
  const v = () => code.local(V128);
  return {
    b0: v(), b1: v(), far: v(), paidSum: v(), equity: v(), past: v(), accrued: v(), paid: v(), funded: v(),
    slot: Array.from({ length: assets }, () => ({ margin: v(), liq: v(), liqRaw: v(), pending: v(), pendingPrice: v() })),
  };
}

/**
 * A slot's funding at the step's end where it is open and its rate is not 0 (`w.funded`): `w.paid` =
 * (q·p·rate·settleEvery)/8 added to the mode's sum and the slot's pending, the pending price set, `w.accrued` marked;
 * into the slot's temporaries (`w.slot[i]`, its pending and pending price taken from the slot first). Returns how a
 * mode's own figures take the payment on the funded lanes only.
 */
function fundSlot(code: Code, slot: SlotPosition, market: LaneMarket, i: number, settleEvery: number, w: ModeScratch): (value: () => void, into: number) => void {
  const t = w.slot[i];
  code.get(slot.pending).set(t.pending).get(slot.pendingPrice).set(t.pendingPrice);
  code.get(slot.open).get(market.rate[i]).f64x2(0).simd("f64x2_ne").simd("and").set(w.funded);
  code.get(slot.q).get(market.p[i]).simd("f64x2_mul").get(market.rate[i]).simd("f64x2_mul").f64x2(settleEvery).simd("f64x2_mul").f64x2(8).simd("f64x2_div").set(w.paid);
  const funded = (value: () => void, into: number) => {
    value();
    code.get(into).get(w.funded).simd("bitselect").set(into);
  };
  funded(() => code.get(w.paidSum).get(w.paid).simd("f64x2_add"), w.paidSum);
  funded(() => code.get(t.pending).get(w.paid).simd("f64x2_add"), t.pending);
  funded(() => code.get(market.p[i]), t.pendingPrice);
  code.get(w.accrued).get(w.funded).simd("or").set(w.accrued);
  return funded;
}

/**
 * An isolated mode's quiet step on the lanes in `active` (open, quiet-capable, the step quiet: funding settles at its
 * end), `settleEvery` the settlement's hours: `loud` gets the active lanes the host must step; the others commit.
 */
export function isolatedQuietStep(code: Code, mode: IsolatedMode, market: LaneMarket, settleEvery: number, t1: number, active: number, loud: number, w: ModeScratch): void {
  // far: every open slot's bridge early-out passes (b0 > 0, b1 > 0, 2·b0·b1 > NEGLIGIBLE_EXPONENT·v)
  code.i64x2(-1n).set(w.far);
  mode.slots.forEach((slot, i) => {
    const ratio = (num: number, den: number) => code.f64x2(1).get(num).get(den).simd("f64x2_div").simd("f64x2_sub");
    if (slot.direction > 0) ratio(slot.liq, market.ps[i]);
    else ratio(market.ps[i], slot.liq);
    code.set(w.b0);
    if (slot.direction > 0) ratio(slot.liq, market.p[i]);
    else ratio(market.p[i], slot.liq);
    code.set(w.b1);
    code.get(w.b0).f64x2(0).simd("f64x2_gt").get(w.b1).f64x2(0).simd("f64x2_gt").simd("and");
    code.f64x2(2).get(w.b0).simd("f64x2_mul").get(w.b1).simd("f64x2_mul").f64x2(NEGLIGIBLE_EXPONENT).get(market.v[i]).simd("f64x2_mul").simd("f64x2_gt").simd("and");
    // a closed slot does not stop the others
    code.get(slot.open).simd("not").simd("or").get(w.far).simd("and").set(w.far);
  });
  // funding, the end check and the equity, in temporaries
  code.get(mode.fundingPaid).set(w.paidSum).get(mode.wallet).set(w.equity);
  code.f64x2(0).set(w.past).f64x2(0).set(w.accrued);
  mode.slots.forEach((slot, i) => {
    const t = w.slot[i];
    code.get(slot.margin).set(t.margin).get(slot.liq).set(t.liq).get(slot.liqRaw).set(t.liqRaw);
    const funded = fundSlot(code, slot, market, i, settleEvery, w);
    funded(() => code.get(t.margin).get(w.paid).simd("f64x2_sub"), t.margin);
    funded(() => code.get(t.liqRaw).get(w.paid).get(slot.liqPerMargin).simd("f64x2_mul").simd("f64x2_sub"), t.liqRaw);
    funded(() => code.get(t.liqRaw).get(t.liqRaw).f64x2(0).simd("f64x2_gt").simd("and"), t.liq); // tlr > 0 ? tlr : 0 (+0)
    // past its trigger at the end (long: p < liq; short: p > liq), where open
    code.get(market.p[i]).get(t.liq).simd(slot.direction > 0 ? "f64x2_lt" : "f64x2_gt").get(slot.open).simd("and").get(w.past).simd("or").set(w.past);
    code.get(w.equity).get(t.margin).get(slot.q).get(market.p[i]).get(slot.entry).simd("f64x2_sub").simd("f64x2_mul").simd("f64x2_add").simd("f64x2_add");
    code.get(w.equity).get(slot.open).simd("bitselect").set(w.equity);
  });
  // loud: active lanes not far or past; the rest of the active lanes commit
  code.get(active).get(w.far).get(w.past).simd("andnot").simd("andnot").get(loud).simd("or").set(loud);
  const commit = w.far; // reused: active, far, not past
  code.get(active).get(w.far).simd("and").get(w.past).simd("andnot").set(commit);
  const keep = (value: number, into: number, mask = commit) => code.get(value).get(into).get(mask).simd("bitselect").set(into);
  mode.slots.forEach((slot, i) => {
    const t = w.slot[i];
    keep(t.margin, slot.margin);
    keep(t.liq, slot.liq);
    keep(t.liqRaw, slot.liqRaw);
    keep(t.pending, slot.pending);
    keep(t.pendingPrice, slot.pendingPrice);
  });
  keep(w.paidSum, mode.fundingPaid);
  code.get(commit).get(w.accrued).simd("and").set(w.accrued);
  keep(t1, mode.pendingMs, w.accrued);
  code.get(mode.moved).get(w.accrued).simd("or").set(mode.moved);
  code.get(commit).get(w.equity).get(mode.minEquity).simd("f64x2_lt").simd("and").set(w.past);
  keep(w.equity, mode.minEquity, w.past);
}

/** A cross account's slot: the position and its linear pieces of D = equity − maintenance (slope, gradient's slope). */
export interface CrossSlot extends SlotPosition {
  slope: number;
  gradSlope: number;
}

export interface CrossMode {
  fundingPaid: number;
  wallet: number;
  minEquity: number;
  pendingMs: number;
  moved: number;
  /** D at the step's start (the JavaScript's `ex`), and D's constant term */
  excess: number;
  constant: number;
  slots: CrossSlot[];
}

/**
 * A cross account's quiet step on the lanes in `active` (compiledPath.ts's quietCross with its branches as masks):
 * `loud` gets the active lanes where D may have touched 0 in the step or is below 0 at its end; the others commit.
 */
export function crossQuietStep(code: Code, mode: CrossMode, market: LaneMarket, settleEvery: number, t1: number, active: number, loud: number, w: ModeScratch): void {
  // d1 = (w + c) + Σ slope·p; bound = Σ |gradSlope·ps·√v|; far: d0 > 0, d1 > 0, 2·d0·d1 > NEGLIGIBLE_EXPONENT·bound²
  code.get(mode.wallet).get(mode.constant).simd("f64x2_add").set(w.b1);
  code.f64x2(0).set(w.b0);
  mode.slots.forEach((slot, i) => {
    code.get(w.b1).get(slot.slope).get(market.p[i]).simd("f64x2_mul").simd("f64x2_add").set(w.b1);
    code.get(w.b0).get(slot.gradSlope).get(market.ps[i]).simd("f64x2_mul").get(market.v[i]).simd("f64x2_sqrt").simd("f64x2_mul").simd("f64x2_abs").simd("f64x2_add").set(w.b0);
  });
  code.get(mode.excess).f64x2(0).simd("f64x2_gt").get(w.b1).f64x2(0).simd("f64x2_gt").simd("and");
  code.f64x2(2).get(mode.excess).simd("f64x2_mul").get(w.b1).simd("f64x2_mul").f64x2(NEGLIGIBLE_EXPONENT).get(w.b0).simd("f64x2_mul").get(w.b0).simd("f64x2_mul").simd("f64x2_gt");
  code.simd("and").set(w.far);
  // funding from the wallet
  code.get(mode.wallet).set(w.equity).get(mode.fundingPaid).set(w.paidSum).f64x2(0).set(w.accrued);
  mode.slots.forEach((slot, i) => {
    const funded = fundSlot(code, slot, market, i, settleEvery, w);
    funded(() => code.get(w.equity).get(w.paid).simd("f64x2_sub"), w.equity); // the wallet after funding
  });
  // D at the end: (w + c) + Σ slope·p (the wallet after funding); the equity: w + Σ (margin + q·(p − entry)) where open
  const wallet = w.past, dEnd = w.b1;
  code.get(w.equity).set(wallet);
  code.get(wallet).get(mode.constant).simd("f64x2_add").set(dEnd);
  mode.slots.forEach((slot, i) => code.get(dEnd).get(slot.slope).get(market.p[i]).simd("f64x2_mul").simd("f64x2_add").set(dEnd));
  mode.slots.forEach((slot, i) => {
    code.get(w.equity).get(slot.margin).get(slot.q).get(market.p[i]).get(slot.entry).simd("f64x2_sub").simd("f64x2_mul").simd("f64x2_add").simd("f64x2_add");
    code.get(w.equity).get(slot.open).simd("bitselect").set(w.equity);
  });
  // commit where active, far and D not below 0 at the end (the JavaScript's `ex < 0` is loud)
  const commit = w.far;
  code.get(active).get(w.far).simd("and").get(dEnd).f64x2(0).simd("f64x2_lt").simd("andnot").set(commit);
  code.get(active).get(commit).simd("andnot").get(loud).simd("or").set(loud);
  const keep = (value: number, into: number, mask = commit) => code.get(value).get(into).get(mask).simd("bitselect").set(into);
  keep(wallet, mode.wallet);
  keep(w.paidSum, mode.fundingPaid);
  keep(dEnd, mode.excess);
  mode.slots.forEach((slot, i) => {
    keep(w.slot[i].pending, slot.pending);
    keep(w.slot[i].pendingPrice, slot.pendingPrice);
  });
  code.get(commit).get(w.accrued).simd("and").set(w.accrued);
  keep(t1, mode.pendingMs, w.accrued);
  code.get(mode.moved).get(w.accrued).simd("or").set(mode.moved);
  code.get(commit).get(w.equity).get(mode.minEquity).simd("f64x2_lt").simd("and").set(w.past);
  keep(w.equity, mode.minEquity, w.past);
}
