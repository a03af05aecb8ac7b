import type { FusedMode, StepArrays } from "./fusedMode.ts";
import { tracedLiquidationPrices } from "./legs.ts";
import { keptSampleStep } from "./outputs.ts";
import type { PathTrace } from "./simulate.ts";

/** What a traced path reads of the fused kernel (fusedKernel.ts). */
export interface TracedHost {
  readonly kernels: readonly FusedMode[];
  readonly steps: number;
  readonly stepHours: number;
  arrays(): StepArrays;
}

/**
 * A traced path on the fused kernel (samples.csv's sample paths): the rows the trace keeps — every
 * mode with positions at the path's start, then after each step whose number is a multiple of `every`,
 * after the last, and after any step in which the mode was liquidated — with the mode's equity and
 * liquidation prices read from its engine account, as the reference kernel (simulate.ts) reads them:
 * the funding hold is given back to the account for the read and taken again (the same figures;
 * Account.holdFunding). The compiled loop runs a traced path a stretch at a time, to each kept step, where
 * it leaves every mode in the host (fusedKernel.ts `tracedLoop`); a liquidation happens only in a step the
 * host runs (compiledPathState.ts `handOver`).
 */
export class FusedTrace {
  /** per mode: positions open and liquidation events after the last step the trace saw */
  private readonly open: Int32Array;
  private readonly events: Int32Array;
  private readonly equity: (() => number)[];
  private readonly liquidationPrices: (() => Float64Array)[];

  constructor(private readonly host: TracedHost, private readonly trace: PathTrace, readonly every: number, symbols: readonly string[]) {
    const modes = host.kernels.length;
    this.open = new Int32Array(modes);
    this.events = new Int32Array(modes);
    const prices = () => host.arrays().s1;
    const out = new Float64Array(symbols.length);
    // asked inside `row`, while the mode's hold is given back to its account
    this.equity = host.kernels.map((k) => () => k.account.equity(prices()));
    this.liquidationPrices = host.kernels.map((k) => () => tracedLiquidationPrices(k.account, symbols, prices(), out));
  }

  /** Step `s` (from 0) is one the trace keeps for every mode (samples.csv's rule, which counts steps from 1). */
  keeps(s: number): boolean {
    return keptSampleStep(s + 1, this.every, this.host.steps);
  }

  /** The next step after `s` the trace keeps (the last step at most): the next of `keeps`, in one step. */
  nextKept(s: number): number {
    return Math.min((Math.floor((s + 1) / this.every) + 1) * this.every - 1, this.host.steps - 1);
  }

  /** The path's opening row of every mode (the books just opened, at the opening prices); the first kept step. */
  begin(): number {
    const kernels = this.host.kernels;
    for (let m = 0; m < kernels.length; m++) {
      this.open[m] = kernels[m].store.open;
      this.events[m] = kernels[m].tally.liquidationEvents;
      this.row(m, 0, false);
    }
    return this.nextKept(-1);
  }

  /** Mode m after step `s` (the host holds the step's market and the mode's state): its row when it had positions and the step is kept or liquidated it. */
  after(m: number, s: number, kept: boolean): void {
    const k = this.host.kernels[m];
    const wasOpen = this.open[m] > 0;
    const events = k.tally.liquidationEvents;
    const liquidatedNow = events > this.events[m];
    this.open[m] = k.store.open;
    this.events[m] = events;
    if (wasOpen && (kept || liquidatedNow)) this.row(m, (s + 1) * this.host.stepHours, liquidatedNow);
  }

  /**
   * Mode m's row: the trace asks its equity and liquidation prices (PathTrace's getters, called before it
   * returns) of the mode's account with the funding the hold carries given back, once for the row, and the
   * hold is taken again after (both copy figures: the same bytes as a read each).
   */
  private row(m: number, hour: number, liquidatedNow: boolean): void {
    const k = this.host.kernels[m];
    k.account.releaseFunding(k.hold);
    try {
      this.trace(m, hour, this.equity[m], this.host.arrays().s1, liquidatedNow, this.liquidationPrices[m]);
    } finally {
      k.account.holdFunding(k.hold);
    }
  }
}
