import type { AccountCore } from "./core.ts";
import { FundingAccrual } from "./funding.ts";
import type { Ledger } from "./ledger.ts";
import type { RuleOverrides } from "./maintenance.ts";
import type { PositionStore } from "./store.ts";

/** The parts of an account that hold its state (account.ts), as a snapshot reads and writes them. */
export interface AccountParts {
  readonly store: PositionStore;
  readonly core: AccountCore;
  readonly funding: FundingAccrual;
  readonly ledger: Ledger;
  /** each open position's rule overrides, by slot */
  readonly overrides: RuleOverrides[];
}

/**
 * An account's whole state at one moment — positions and their cached prices, wallet and isolated margins,
 * the ledger's balances and totals, funding accrued and not posted, the latest prices seen, the
 * liquidation cooldown — that `Account.restore` puts back in place, allocating nothing. A Monte Carlo
 * kernel opens its book once and restores it at the start of every path instead of building a new
 * account and trading again: the same floats either way, since an account's state is all here and its
 * operations depend on nothing else. Rule and override objects are shared, never copied: nothing changes them.
 */
export class AccountSnapshot {
  private readonly store: PositionStore;
  private readonly last: Float64Array;
  private readonly cooldownUntil: number;
  private readonly funding: FundingAccrual;
  private readonly restoreLedger: () => void;
  private readonly overrides: RuleOverrides[];

  /** @internal Account.snapshot */
  constructor(private readonly live: AccountParts) {
    const restoreLedger = live.ledger.checkpoint?.();
    if (!restoreLedger) throw new Error("this account's ledger has no checkpoint(): it cannot be snapshotted");
    this.restoreLedger = restoreLedger;
    this.store = live.store.clone();
    this.last = live.core.last.slice();
    this.cooldownUntil = live.core.cooldownUntil;
    this.funding = new FundingAccrual(live.core);
    this.funding.copyFrom(live.funding);
    this.overrides = [...live.overrides];
  }

  /** @internal Account.restore: the account this snapshot was taken of, as it was then */
  restoreInto(live: AccountParts): void {
    if (live.store !== this.live.store) throw new Error("a snapshot restores only the account it was taken of");
    live.store.copyFrom(this.store);
    live.core.last.set(this.last);
    live.core.cooldownUntil = this.cooldownUntil;
    live.funding.copyFrom(this.funding);
    this.restoreLedger();
    const o = live.overrides;
    o.length = this.overrides.length;
    for (let s = 0; s < o.length; s++) o[s] = this.overrides[s];
  }
}
