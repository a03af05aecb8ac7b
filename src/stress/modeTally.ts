import { InputError } from "../market/index.ts";
import { Account, type AccountSnapshot, type EngineEvent, type EventSink, type MarginMode } from "../margin/index.ts";
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
  /** one account for every path: built once, then restored (`fresh`: as built; `opened`: with the book opened at `openedAt`) */
  private account: Account | null = null;
  private fresh: AccountSnapshot | null = null;
  private opened: AccountSnapshot | null = null;
  private readonly openedAt: Float64Array;
  private pricesVary = false;

  constructor(
    private readonly mode: MarginMode,
    private readonly venue: Venue,
    private readonly symbols: readonly string[],
    private readonly legs: readonly BookLeg[],
    private readonly initialBalance: number,
    /** every engine event of the path as it happens (tests, debugging); the book is then traded open on every path, so its fills are seen */
    private readonly sink?: EventSink,
  ) {
    this.openedAt = new Float64Array(symbols.length);
    this.onEvent = (e) => {
      sink?.(e);
      if (e.type !== "liquidation") return;
      this.liquidationEvents++;
      if (Number.isNaN(this.firstLiquidationMs)) this.firstLiquidationMs = e.time;
      this.legDeaths.record(e, this.symbols);
    };
  }

  /**
   * The account with the book opened at `prices` (time 0), and the tallies of a new path. The same account
   * every path: restored to the book as first opened when `prices` are the same (a model's fixed initial
   * prices), else restored to its opening balance and traded again (prices that change by path).
   */
  open(prices: Float64Array): Account {
    const account = (this.account ??= this.newAccount());
    if (this.opened !== null && this.sameOpening(prices)) account.restore(this.opened);
    else {
      account.restore(this.fresh!);
      this.openBook(account, prices);
      if (this.opened === null && !this.pricesVary && this.sink === undefined) {
        this.opened = account.snapshot();
        this.openedAt.set(prices);
      } else if (this.opened !== null) {
        this.opened = null; // the opening prices change by path: trade every opening, snapshot none
        this.pricesVary = true;
      }
    }
    this.fundingPaid = 0;
    this.firstLiquidationMs = NaN;
    this.liquidationEvents = 0;
    this.legDeaths.reset();
    this.minEquity = account.equity(prices);
    return account;
  }

  private newAccount(): Account {
    const account = new Account({ venue: this.venue, balance: this.initialBalance, symbols: this.symbols, ledger: "fast", events: this.onEvent });
    this.fresh = account.snapshot();
    return account;
  }

  private openBook(account: Account, prices: Float64Array): void {
    for (const leg of this.legs) {
      const result = account.trade(0, this.symbols[leg.slot], leg.dir > 0 ? "long" : "short", leg.size, prices[leg.slot], { mode: this.mode, leverage: leg.leverage });
      if (result !== "filled") throw new InputError(`portfolio: the legs need more initial margin than initialBalance ${this.initialBalance} holds in ${this.mode} mode`);
    }
  }

  /** `prices` are those the book was last opened at, float for float */
  private sameOpening(prices: Float64Array): boolean {
    const at = this.openedAt;
    for (let i = 0; i < at.length; i++) if (prices[i] !== at[i]) return false;
    return true;
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
