import type { Account } from "../margin/index.ts";
import type { EventTotals } from "./eventTotals.ts";

/**
 * Margin in use, time-weighted: isolated positions' margin as the engine holds it (funding paid from
 * it lowers it, added margin raises it); cross positions' initial margin, size × entry / leverage. It
 * changes only on engine events, so it is integrated exactly as a step function, measured after each
 * action (`track`). The average over the time anything was held is what funding is a share of.
 */
export class MarginInUse {
  private now = 0;
  private since: number;
  private area = 0;
  private heldMs = 0;

  constructor(private readonly account: Account, private readonly totals: EventTotals, from: number) {
    this.since = from;
  }

  /** Integrate the current margin up to `t`. */
  advance(t: number): void {
    if (t > this.since) {
      if (this.now > 0) { this.area += this.now * (t - this.since); this.heldMs += t - this.since; }
      this.since = t;
    }
  }

  /** After an action at `t`: measure the margin again if an engine event may have changed it. */
  track(t: number): void {
    if (!this.totals.marginStale) return;
    this.totals.marginStale = false;
    this.advance(t);
    this.now = 0;
    for (const p of this.account.positions()) this.now += p.mode === "isolated" ? p.margin : (p.size * p.entryPrice) / p.leverage;
  }

  /** the time-weighted average over the time a position was held; 0 when none was */
  average(): number {
    return this.heldMs > 0 ? this.area / this.heldMs : 0;
  }
}
