import { FundingHold, type Account, type MarginMode, type PositionStoreView } from "../margin/index.ts";
import type { Venue } from "../venues/index.ts";
import { sampleCrossingFraction, RandomStream, type CrossBarrier } from "../paths/index.ts";
import { CrossPieces, mostProbableCrossing } from "./crossPieces.ts";
import type { BookLeg } from "./modeKernel.ts";
import { ModeTally } from "./modeTally.ts";


/** What the rare-event code reads of the step in progress (the fused kernel's market, by reference). */
export interface StepView {
  readonly t0Ms: number;
  readonly t1Ms: number;
  readonly s0: Float64Array;
  readonly sPre: Float64Array;
  readonly s1: Float64Array;
  readonly variance: Float64Array;
  readonly correlation: Float64Array;
}

/**
 * One margin mode's state on one path, for the fused kernel (fusedKernel.ts): plain fields and typed
 * arrays the kernel's loop reads and writes in place, and the code that runs on events only (the
 * engine's liquidations, re-deriving the linear pieces). The margin engine's `Account` holds the money
 * and the positions; the linear pieces come from the margin room's algebra. Mirrors `ModeKernel`
 * (modeKernel.ts, the reference) operation for operation, so the results are the same bytes.
 */
export class FusedMode {
  readonly isolated: boolean;
  readonly n: number;
  /** the mode's bridge uniforms (every mode of a path reseeds it with the same key) */
  readonly bridge = new RandomStream("0");
  account!: Account;
  store!: PositionStoreView;
  /**
   * What funding moves (wallet, isolated margins and triggers, accrued amounts), held here between the
   * engine's calls: the loop accrues and reads it here, and hands it back before the engine acts.
   */
  readonly hold: FundingHold;
  /** trigger price per slot for the per-position checks: the held isolated prices, or `cross.trigger` */
  triggers!: Float64Array;
  /** derived from the store at version `derivedAt` (cross only): linear pieces, gradient terms, the lone position's trigger */
  readonly cross: CrossPieces;
  readonly gradient: Float64Array;
  /** D's surface in log prices for the curved cross test (bridge.ts), and its 2n floats of work */
  readonly barrier: CrossBarrier;
  readonly barrierWork: Float64Array;
  readonly scratch: Float64Array;
  readonly rest: Float64Array;
  derivedAt = -1;
  /** cross D at the end of the last step (multi-position cross) */
  excess = Infinity;
  /** the account's opening and this path's tallies (funding, lowest equity, liquidations), read and written by the loop */
  readonly tally: ModeTally;

  constructor(
    readonly mode: MarginMode,
    venue: Venue,
    symbols: readonly string[],
    legs: readonly BookLeg[],
    initialBalance: number,
  ) {
    this.isolated = mode === "isolated";
    this.tally = new ModeTally(mode, venue, symbols, legs, initialBalance);
    const n = (this.n = symbols.length);
    const f = () => new Float64Array(n);
    this.cross = new CrossPieces(n);
    this.hold = new FundingHold(n);
    this.gradient = f();
    this.barrier = { slope: this.cross.gradSlope, excess: (prices) => this.crossExcess(prices) };
    this.barrierWork = new Float64Array(2 * n);
    this.scratch = f();
    this.rest = f();
  }

  /** Start a path: a fresh account with the book opened at `prices` (time 0). */
  begin(prices: Float64Array): void {
    const account = this.tally.open(prices);
    this.account = account;
    this.store = account.store;
    account.holdFunding(this.hold);
    this.triggers = this.isolated ? this.hold.liq : this.cross.trigger;
    this.cross.reset();
    this.derive();
    if (!this.isolated) this.excess = this.store.open > 0 ? this.crossExcess(prices) : Infinity;
  }

  /** Write this path's result for this mode at `out[at..]`, `prices` being the last prices. */
  finish(prices: Float64Array, out: Float64Array, at: number): void {
    this.account.releaseFunding(this.hold);
    this.tally.write(this.account, prices, out, at);
  }

  // ---------------------------------------------------------------- events (rare)

  /** Let the engine walk the straight segment from the step's start to `to` and liquidate on it. */
  liquidateAlong(c: StepView, to: Float64Array): void {
    this.account.releaseFunding(this.hold);
    this.account.checkSegment(c.t0Ms, c.t1Ms, c.s0, to);
    this.afterEvent(c, to);
  }

  /** The engine walks to the touch the bridge found (stamped at the sampled first passage), then on to `rest` when the step ended past it. */
  liquidateAt(c: StepView, touch: Float64Array, touchMs: number, rest: Float64Array | null): void {
    this.account.releaseFunding(this.hold);
    this.account.checkSegment(c.t0Ms, touchMs, c.s0, touch);
    if (rest) this.account.checkSegment(touchMs, c.t1Ms, touch, rest);
    this.afterEvent(c, touch);
  }

  /** The first-passage time inside the step, from its exact law given the ends (bridge.ts), on this mode's bridge stream. */
  touchTime(c: StepView, d0: number, d1: number, variance: number): number {
    return c.t0Ms + sampleCrossingFraction(d0, d1, variance, this.bridge) * (c.t1Ms - c.t0Ms);
  }

  /** After a jump or a funding settlement moved something past its trigger at the step's end. */
  liquidateAtEnd(c: StepView): void {
    this.account.releaseFunding(this.hold);
    this.account.checkLiquidations(c.t1Ms, c.s1);
    this.afterEvent(c, c.s1);
  }

  /** After the engine acted: the hold taken again from the account, the derived pieces, the equity right after. */
  private afterEvent(c: StepView, prices: Float64Array): void {
    this.account.holdFunding(this.hold);
    if (this.store.version !== this.derivedAt) this.derive();
    if (!this.isolated && this.store.open > 1) this.excess = this.crossExcess(c.s1);
    const e = this.account.equity(prices);
    if (e < this.tally.minEquity) this.tally.minEquity = e;
  }

  /** Where the account most likely touched D = 0 from the step's start (crossPieces.ts); uses `gradient` as the check left it. */
  crossingPoint(c: StepView, d0: number, varD: number): Float64Array {
    this.account.releaseFunding(this.hold); // placed on the posted wallet, which the account knows
    return mostProbableCrossing(c, this.gradient, d0, varD, this.account, this.scratch);
  }

  // ---------------------------------------------------------------- derived from the store

  /** Recompute what the checks derive from the positions (after the engine changed them). */
  derive(): void {
    this.derivedAt = this.store.version;
    if (!this.isolated) this.cross.derive(this.store);
  }

  /** the lone cross position's liquidation price against the wallet */
  setCrossTrigger(): void {
    this.cross.setTrigger(this.store, this.hold.wallet);
  }

  /** cross account value minus maintenance at these prices, funding accrued included */
  crossExcess(prices: Float64Array): number {
    return this.cross.excess(this.hold.wallet, this.account, prices);
  }
}
