/**
 * The strategy API (what `import … from "perpsim"` gives a strategy file; see docs/strategies.md):
 * `defineStrategy({ name, description, params, init(ctx), onBar(ctx), onFill, onLiquidation,
 * onFunding, validate })` makes a strategy module's default export, with params declared as
 * `{ type, default, min, max, ... }` and `ctx.state` typed from what `init` returns; `sma`, `ema`,
 * `atr`, `rollingVolatility` read the history views; `barsFor(hours, ctx.barHours)` turns a duration
 * into bars. `loadStrategy(nameOrPath)` loads `strategies/NAME.ts` or a file; `resolveParams`
 * merges and checks user params. The context is implemented by the replay loop in src/backtest.
 */
export { barsFor } from "./bars.ts";
export { defineStrategy, isStrategy, resolveParams, typedParams } from "./define.ts";
export { atr, ema, rollingVolatility, sma } from "./indicators.ts";
export { listStrategies, loadStrategy, STRATEGIES_DIR } from "./loader.ts";
export { checkParam, defaultSweep, describeParams, paramSummary, rangeText } from "./params.ts";
// runtime plumbing for the compiled CLI and the pool threads (not for strategy files)
export { registerTypeScript, runningCompiled } from "./typescript.ts";
export type {
  BooleanParam, JsonParam, NumberParam, ParamDecl, ParamDecls, ParamSpec, ParamsOf, ParamValue, Params, StringParam, SymbolsParam,
} from "./params.ts";
export type {
  BarView, FillInfo, FundingInfo, LiquidationInfo, MarginMode, OpenOrder, PendingOrder, PositionInfo, SetupContext, Side, Strategy,
  StrategyContext, StrategyDefinition,
} from "./types.ts";
