import { Hold, HoldKind } from "../margin/index.ts";
import { K, M, type FusedMode, type FusedStep } from "./fusedMode.ts";
import type { PathModel, RandomStream } from "../paths/index.ts";
import type { FusedTrace } from "./fusedTrace.ts";

/*
 * The compiled path loop's cold side (compiledPath.ts is the hot side): the loop keeps each mode's figures
 * and the step's market in locals, and hands them across here through two small typed arrays when the
 * host must act — a loud step, the path's start and end. This code runs a few times a path, so it is
 * plain loops, kept out of the loop's own function: V8 compiles that one smaller, and never inlines into
 * it the modes' rare branches (which would deoptimise the whole loop the first time one runs).
 */

/** A mode's cells in its state array: whether its quiet steps run in the loop, positions open, then the figures a quiet step reads or moves. */
export const enum ModeCell {
  Quiet = 0,
  Open = 1,
  Wallet = 2,
  FundingPaid = 3,
  MinEquity = 4,
  PendingMs = 5,
  Moved = 6,
  Excess = 7,
  Constant = 8,
  /** slot i's cells start at Slots + i × SlotCell.Stride */
  Slots = 9,
}

/** A slot's cells (after ModeCell.Slots): the hold's and the mode's columns the loop reads. */
export const enum SlotCell {
  Dir = 0,
  Q = 1,
  Entry = 2,
  Margin = 3,
  Pending = 4,
  PendingPrice = 5,
  Liq = 6,
  LiqRaw = 7,
  LiqPerMargin = 8,
  Slope = 9,
  GradSlope = 10,
  Stride = 11,
}

/** An asset's cells in the market array: the step's start log price and price, its end, its variance. */
export const enum MarketCell {
  X0 = 0,
  S0 = 1,
  X = 2,
  S1 = 3,
  V = 4,
  Stride = 5,
}

/** What the cold side drives of the fused kernel (fusedKernel.ts, the loop's host). */
export interface CompiledPathHost extends FusedStep {
  readonly model: PathModel;
  /** the stream the model was reset with for this path (an inlined model step draws from it) */
  readonly marketRng: RandomStream;
  /** the path's market drawn ahead (lanes/laneMarketAhead.ts), read by a loop compiled with the market source `ahead` (compiledPath.ts), and the path's lane in it */
  readonly aheadFigures: Float64Array;
  readonly aheadLane: number;
  readonly market: Float64Array;
  /** the model's log returns and variances of the step */
  readonly r: Float64Array;
  readonly variance: Float64Array;
  readonly kernels: readonly FusedMode[];
  /** the path's steps (the loop's bound: read from the host, so books of any horizon share one loop) */
  readonly steps: number;
  readonly settlementsAt: Uint32Array;
  readonly settlesAtEnd: Uint8Array;
  /** per mode, its ModeCell/SlotCell array; the step's market in MarketCell rows */
  readonly modeState: readonly Float64Array[];
  readonly marketState: Float64Array;
  readonly stepHours: number;
  t0Ms: number;
  t1Ms: number;
  settlements: number;
  fundingAtEnd: number;
  atPoint: number;
  correlation: Float64Array;
  /** bumped whenever the market rows hold another step (FusedStep.arrays' cache) */
  stepSerial: number;
  fundingStep(): void;
  preJump(lastJump: Float64Array): void;
  /** a traced path's trace (sample paths), else null */
  readonly tracer: FusedTrace | null;
  /** the steps the loop runs, from the first to the last (the path's, or a traced path's stretch to a step its trace keeps) */
  readonly firstStep: number;
  readonly lastStep: number;
  /** where the loop stopped: past `lastStep`, or at the step that left every mode flat */
  stoppedAt: number;
}

const MS_PER_HOUR = 3_600_000;

/** The cells of a mode's state array for `assets` slots. */
export function modeStateSize(assets: number): number {
  return ModeCell.Slots + assets * SlotCell.Stride;
}

/** What `handOver` does: read every mode (a path's start), settle a step, write every mode back (a path's end). */
export const enum HandOver {
  Start = 0,
  Step = 1,
  End = 2,
}

/**
 * The loop's hand-over to its host. `Step`: step `s` as the host keeps it — the market array into the
 * market rows and fields, as FusedPathSimulator.marketStep leaves them — then, for each mode in `loud`
 * (bit m), its state array back into the mode (hold, tallies, rows), `FusedMode.step` (the engine acts
 * there), and the mode read again into its state array with whether its quiet steps can run in the loop.
 * `Start` only reads every mode, `End` only writes every mode back (and says where the loop stopped). One function on purpose, and not split
 * into helpers: at this size (over V8's 460 bytes of bytecode for inlining) it is never inlined into the
 * loop's function, so `FusedMode.step` and its rare branches never are either (measured: when they were,
 * the loop deoptimised on a branch's first run and was sometimes optimised again into slower code).
 */
export function handOver(host: CompiledPathHost, phase: HandOver, s: number, jumped: boolean, loud: number): void {
  if (phase === HandOver.Step) {
    const mk = host.market, mb = host.marketState, n = mk.length >> M.Shift;
    for (let i = 0; i < n; i++) {
      const row = i << M.Shift, c = i * MarketCell.Stride;
      mk[row | M.X0] = mb[c + MarketCell.X0];
      mk[row | M.S0] = mb[c + MarketCell.S0];
      mk[row | M.X] = mb[c + MarketCell.X];
      mk[row | M.XPre] = mb[c + MarketCell.X];
      mk[row | M.S1] = mb[c + MarketCell.S1];
      mk[row | M.SPre] = mb[c + MarketCell.S1];
      mk[row | M.V] = mb[c + MarketCell.V];
    }
    const model = host.model;
    if (jumped) host.preJump(model.lastJump);
    host.correlation = model.stepCorrelation;
    host.t0Ms = s * host.stepHours * MS_PER_HOUR;
    host.t1Ms = (s + 1) * host.stepHours * MS_PER_HOUR;
    host.settlements = host.settlementsAt[s];
    host.fundingAtEnd = host.settlesAtEnd[s];
    host.atPoint = jumped || host.settlements > 0 ? 1 : 0;
    host.stepSerial++;
  }
  if (phase === HandOver.End) host.stoppedAt = s;
  const tracer = host.tracer;
  for (let m = 0; m < host.kernels.length; m++) {
    if (phase === HandOver.Step && (loud & (1 << m)) === 0) continue;
    const k = host.kernels[m], st = host.modeState[m], rows = k.rows, shift = k.hold.shift;
    if (phase !== HandOver.Start) {
      // what the loop's quiet steps moved, back to the mode
      k.hold.wallet = st[ModeCell.Wallet];
      k.hold.pendingMs = st[ModeCell.PendingMs];
      k.hold.moved = st[ModeCell.Moved] !== 0;
      k.tally.fundingPaid = st[ModeCell.FundingPaid];
      k.tally.minEquity = st[ModeCell.MinEquity];
      k.excess = st[ModeCell.Excess];
      for (let i = 0; i < k.n; i++) {
        const r = i << shift, c = ModeCell.Slots + i * SlotCell.Stride;
        rows[r | Hold.Margin] = st[c + SlotCell.Margin];
        rows[r | Hold.Pending] = st[c + SlotCell.Pending];
        rows[r | Hold.PendingPrice] = st[c + SlotCell.PendingPrice];
        rows[r | Hold.Liq] = st[c + SlotCell.Liq];
        rows[r | Hold.LiqRaw] = st[c + SlotCell.LiqRaw];
      }
    }
    if (phase === HandOver.Step) {
      k.step(host);
      // a traced path's row of a liquidation (the step a stretch ends at is the host's to trace, every mode's: fusedKernel.ts)
      if (tracer !== null && s !== host.lastStep) tracer.after(m, s, false);
    }
    if (phase === HandOver.End) continue;
    const open = k.store.open;
    st[ModeCell.Open] = open;
    st[ModeCell.Wallet] = k.hold.wallet;
    st[ModeCell.PendingMs] = k.hold.pendingMs;
    st[ModeCell.Moved] = k.hold.moved ? 1 : 0;
    st[ModeCell.FundingPaid] = k.tally.fundingPaid;
    st[ModeCell.MinEquity] = k.tally.minEquity;
    st[ModeCell.Excess] = k.excess;
    st[ModeCell.Constant] = k.cross.constant;
    // quiet steps need every open slot held as the mode's kind with a linear trigger (isolated), or a linear cross account of several positions
    let quiet = k.isolated ? open > 0 : open > 1 && k.cross.linear;
    for (let i = 0; i < k.n; i++) {
      const r = i << shift, c = ModeCell.Slots + i * SlotCell.Stride;
      const d = rows[r | K.Dir];
      st[c + SlotCell.Dir] = d;
      st[c + SlotCell.Q] = rows[r | K.Q];
      st[c + SlotCell.Entry] = rows[r | K.Entry];
      st[c + SlotCell.Margin] = rows[r | Hold.Margin];
      st[c + SlotCell.Pending] = rows[r | Hold.Pending];
      st[c + SlotCell.PendingPrice] = rows[r | Hold.PendingPrice];
      st[c + SlotCell.Liq] = rows[r | Hold.Liq];
      st[c + SlotCell.LiqRaw] = rows[r | Hold.LiqRaw];
      st[c + SlotCell.LiqPerMargin] = rows[r | Hold.LiqPerMargin];
      st[c + SlotCell.Slope] = rows[r | K.Slope];
      st[c + SlotCell.GradSlope] = rows[r | K.GradSlope];
      if (d === 0) continue;
      const kind = rows[r | Hold.Kind];
      if (k.isolated ? kind !== HoldKind.Isolated || rows[r | Hold.LiqPerMargin] === 0 : kind !== HoldKind.Cross) quiet = false;
    }
    st[ModeCell.Quiet] = quiet ? 1 : 0;
  }
}
