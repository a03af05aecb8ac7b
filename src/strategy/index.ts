/**
 * The strategy API: `defineStrategy({ name, description, params, init(ctx), onBar(ctx) })` makes a
 * strategy module's default export; `loadStrategy(nameOrPath)` loads a built-in or a file;
 * `resolveParams(strategy, userParams)` merges and checks params against the declared defaults.
 * The context (`StrategyContext`) is implemented by the replay loop in src/backtest; its `barHours`
 * is the bar length in hours, and `barsFor(hours, ctx.barHours)` turns a duration into bars.
 */
export { barsFor } from "./bars.ts";
export { defineStrategy, isStrategy, resolveParams } from "./define.ts";
export { loadStrategy, BUILTIN_STRATEGIES, type BuiltinStrategyName } from "./loader.ts";
export type {
  BarView, MarginMode, OpenOrder, ParamValue, Params, PositionInfo, Side, Strategy, StrategyContext, StrategyDefinition,
} from "./types.ts";
