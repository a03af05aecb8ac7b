import { InputError } from "../market/index.ts";
import { Account, type EngineEvent, type EventSink, type MarginMode } from "../margin/index.ts";
import type { Venue } from "../venues/index.ts";
import { LegLiquidations } from "./legs.ts";
import { FIELD } from "./pathResult.ts";
import type { BookLeg } from "./modeKernel.ts";

const MS_PER_HOUR = 3_600_000;

/**
 * One margin mode's book on one path as both kernels keep it (fusedMode.ts, modeKernel.ts): the account
 * opened with the legs, and the tallies its row of results is made of — funding paid, the lowest
 * equity, the first liquidation and each leg's.
 */
export class ModeTally {
  fundingPaid = 0;
  minEquity = Infinity;
  firstLiquidationMs = NaN;
  liquidationEvents = 0;
  private readonly legDeaths = new LegLiquidations();
  private readonly onEvent: (e: EngineEvent) => void;

  constructor(
    private readonly mode: MarginMode,
    private readonly venue: Venue,
    private readonly symbols: readonly string[],
    private readonly legs: readonly BookLeg[],
    private readonly initialBalance: number,
    /** every engine event of the path as it happens (tests, debugging) */
    sink?: EventSink,
  ) {
    this.onEvent = (e) => {
      sink?.(e);
      if (e.type !== "liquidation") return;
      this.liquidationEvents++;
      if (Number.isNaN(this.firstLiquidationMs)) this.firstLiquidationMs = e.time;
      this.legDeaths.record(e, this.symbols);
    };
  }

  /** A fresh account with the book opened at `prices` (time 0), and the tallies of a new path. */
  open(prices: Float64Array): Account {
    const account = new Account({ venue: this.venue, balance: this.initialBalance, symbols: this.symbols, ledger: "fast", events: this.onEvent });
    for (const leg of this.legs) {
      const result = account.trade(0, this.symbols[leg.slot], leg.dir > 0 ? "long" : "short", leg.size, prices[leg.slot], { mode: this.mode, leverage: leg.leverage });
      if (result !== "filled") throw new InputError(`portfolio: the legs need more initial margin than initialBalance ${this.initialBalance} holds in ${this.mode} mode`);
    }
    this.fundingPaid = 0;
    this.firstLiquidationMs = NaN;
    this.liquidationEvents = 0;
    this.legDeaths.reset();
    this.minEquity = account.equity(prices);
    return account;
  }

  /** Write the path's result for this mode at `out[at..]`, `prices` being the last prices. */
  write(account: Account, prices: Float64Array, out: Float64Array, at: number): void {
    account.postFunding();
    const liquidated = !Number.isNaN(this.firstLiquidationMs);
    out[at + FIELD.liquidated] = liquidated ? 1 : 0;
    out[at + FIELD.liquidationHour] = liquidated ? this.firstLiquidationMs / MS_PER_HOUR : NaN;
    out[at + FIELD.terminalEquity] = account.equity(prices);
    out[at + FIELD.minEquity] = Math.min(this.minEquity, out[at + FIELD.terminalEquity]);
    out[at + FIELD.fundingPaid] = this.fundingPaid;
    out[at + FIELD.badDebt] = account.ledger.totals().badDebt;
    this.legDeaths.write(out, at);
  }
}
