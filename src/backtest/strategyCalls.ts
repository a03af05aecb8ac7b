import { InputError } from "../errors/index.ts";
import type { EngineEvent } from "../margin/index.ts";
import { isoTime } from "../market/index.ts";
import type { FillInfo, FundingInfo, Strategy } from "../strategy/index.ts";
import type { ReplayContext } from "./context.ts";
import type { HookNotice } from "./eventTotals.ts";

/** Does the strategy listen to engine events? (Only then are they gathered for it.) */
export const hasHooks = (s: Strategy): boolean => Boolean(s.onFill || s.onLiquidation || s.onFunding);

/**
 * Every call into the user's strategy goes through here: a throw becomes one InputError line naming
 * the strategy, the time and the symbol it touched last.
 */
export class StrategyCalls {
  constructor(private readonly strategy: Strategy, private readonly ctx: ReplayContext<unknown, unknown>, private readonly notices: HookNotice[] | null) {}

  /** Run `fn` (a strategy call, or work on its behalf such as filling its order) at time t. */
  guard(t: number, fn: () => void, symbol = this.ctx.lastSymbol): void {
    try {
      fn();
    } catch (err) {
      const msg = ((err as Error)?.message ?? String(err)).split("\n")[0];
      throw new InputError(`strategy '${this.strategy.name}' failed at ${isoTime(t)}${symbol ? ` (${symbol})` : ""}: ${msg}`);
    }
  }

  /** `init`, before the first bar: what it returns becomes `ctx.state`. */
  init(t: number, equity: number): void {
    const { ctx, strategy } = this;
    ctx.time = t;
    ctx.index = -1;
    ctx.equity = equity;
    if (strategy.init) {
      this.guard(t, () => {
        const state = strategy.init!(ctx);
        if (state !== undefined) ctx.state = state;
      });
    }
  }

  /** Step 5 of a bar: the strategy hears the bar's fills, liquidations and funding, then sees bar i closed at t. */
  closedBar(i: number, t: number, equity: number): void {
    const { ctx, strategy } = this;
    ctx.time = t;
    ctx.index = i;
    ctx.equity = equity;
    if (this.notices?.length) this.tell(t);
    this.guard(t, () => strategy.onBar(ctx));
  }

  private tell(t: number): void {
    const { ctx, strategy } = this;
    for (const n of this.notices!.splice(0)) {
      if (n.kind === "liquidation") {
        const l = n.liquidation;
        if (strategy.onLiquidation) this.guard(t, () => strategy.onLiquidation!(ctx, { ...l }), l.symbol);
      } else if (n.kind === "fill") {
        if (strategy.onFill) this.guard(t, () => strategy.onFill!(ctx, fillInfo(n.event)), n.event.symbol);
      } else if (strategy.onFunding) this.guard(t, () => strategy.onFunding!(ctx, fundingInfo(n.event)), n.event.symbol);
    }
  }
}

function fillInfo(e: EngineEvent): FillInfo {
  const kind = e.detail.startsWith("open") ? "open" : e.detail === "close" ? "close" : "reduce";
  return { time: e.time, symbol: e.symbol, side: e.side, kind, size: e.size, price: e.price, realizedPnl: e.amount };
}

function fundingInfo(e: EngineEvent): FundingInfo {
  return { time: e.time, symbol: e.symbol, side: e.side, size: e.size, price: e.price, amount: e.amount };
}
