import { InputError } from "../errors/index.ts";
import { isoTime } from "../market/index.ts";
import type { Params, Strategy } from "../strategy/index.ts";
import type { ReplayContext } from "./context.ts";

/**
 * Every call into the user's strategy goes through here: a throw becomes one InputError line naming
 * the strategy, the time and the symbol it touched last.
 */
export class StrategyCalls<P extends Params> {
  constructor(private readonly strategy: Strategy<P>, private readonly ctx: ReplayContext<P>) {}

  /** Run `fn` (a strategy call, or work on its behalf such as filling its order) at time t. */
  guard(t: number, fn: () => void, symbol = this.ctx.lastSymbol): void {
    try {
      fn();
    } catch (err) {
      const msg = ((err as Error)?.message ?? String(err)).split("\n")[0];
      throw new InputError(`strategy '${this.strategy.name}' failed at ${isoTime(t)}${symbol ? ` (${symbol})` : ""}: ${msg}`);
    }
  }

  /** `init`, before the first bar. */
  init(t: number, equity: number): void {
    const { ctx, strategy } = this;
    ctx.time = t;
    ctx.index = -1;
    ctx.equity = equity;
    if (strategy.init) this.guard(t, () => strategy.init!(ctx));
  }

  /** Step 5 of a bar: the strategy sees bar i, closed at time t with this equity. */
  closedBar(i: number, t: number, equity: number): void {
    const { ctx, strategy } = this;
    ctx.time = t;
    ctx.index = i;
    ctx.equity = equity;
    this.guard(t, () => strategy.onBar(ctx));
  }
}
