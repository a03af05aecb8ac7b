import { normaliseParams, checkParam, defaultSweep, paramError, paramValues, type ParamDecls, type Params, type ParamsOf } from "./params.ts";
import { STRATEGY_BRAND, type Strategy, type StrategyDefinition } from "./types.ts";

/**
 * The typed helper every strategy module's default export is made with:
 * `export default defineStrategy({ name, description, params: { leverage: { type: "number", default: 3, above: 0 } }, init(ctx) { return { ... } }, onBar(ctx) { ... } })`.
 * `ctx.params` is typed from the declarations, `ctx.state` from what `init` returns.
 */
export function defineStrategy<const D extends ParamDecls, S = Record<string, unknown>>(def: StrategyDefinition<D, S>): Strategy<ParamsOf<D>, S> {
  if (!def || typeof def.name !== "string" || def.name.trim() === "") throw new Error("defineStrategy: a strategy needs a name");
  if (typeof def.onBar !== "function") throw new Error(`defineStrategy(${def.name}): onBar must be a function`);
  for (const hook of ["init", "onFill", "onLiquidation", "onFunding", "validate"] as const) {
    if (def[hook] !== undefined && typeof def[hook] !== "function") throw new Error(`defineStrategy(${def.name}): ${hook} must be a function`);
  }
  const params = normaliseParams(def.params ?? {});
  const defaults: Params = {};
  for (const [key, spec] of Object.entries(params)) {
    defaults[key] = spec.default as Params[string];
    // the default and a declared sweep must themselves be values the param accepts
    const bad = [spec.default, ...(spec.type === "number" ? defaultSweep(spec) ?? [] : [])].map((v) => checkParam(key, spec, v)).find((m) => m !== null);
    if (bad) throw new Error(`defineStrategy(${def.name}): ${bad}`);
  }
  return Object.freeze({ ...(def as object), params, defaults, [STRATEGY_BRAND]: true as const }) as unknown as Strategy<ParamsOf<D>, S>;
}

export function isStrategy(x: unknown): x is Strategy {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[STRATEGY_BRAND] === true;
}

/**
 * Merge user params over the strategy's defaults and check them: every key declared, each value of
 * its declared type and in its range, then the strategy's own `validate` across params. Returns the
 * merged JSON (what summary.json records). InputError naming the bad key.
 */
export function resolveParams(strategy: Strategy, user: unknown): Params {
  if (user === undefined || user === null) user = {};
  if (typeof user !== "object" || Array.isArray(user)) throw paramError(`must be a JSON object for strategy '${strategy.name}'`);
  const merged: Params = { ...strategy.defaults };
  for (const [key, value] of Object.entries(user as Params)) {
    if (!Object.hasOwn(strategy.params, key)) {
      throw paramError(`unknown key '${key}' for strategy '${strategy.name}' (known: ${Object.keys(strategy.params).join(", ") || "none"})`);
    }
    merged[key] = value;
  }
  for (const [key, spec] of Object.entries(strategy.params)) {
    const bad = checkParam(key, spec, merged[key]);
    if (bad) throw paramError(bad);
  }
  if (strategy.validate) {
    try {
      strategy.validate(typedParams(strategy, merged));
    } catch (err) {
      throw paramError((err as Error).message);
    }
  }
  return merged;
}

/** The values `ctx.params` holds for merged, checked params: json params parsed into their types. */
export function typedParams<P>(strategy: Strategy<P>, merged: Params): P {
  return Object.freeze(paramValues(strategy.params, merged)) as P;
}
