import { InputError } from "../errors/index.ts";
import { STRATEGY_BRAND, type ParamValue, type Params, type Strategy, type StrategyDefinition } from "./types.ts";

/** The typed helper every strategy module's default export is made with. */
export function defineStrategy<P extends Params>(def: StrategyDefinition<P>): Strategy<P> {
  if (!def || typeof def.name !== "string" || def.name.trim() === "") throw new Error("defineStrategy: a strategy needs a name");
  if (typeof def.onBar !== "function") throw new Error(`defineStrategy(${def.name}): onBar must be a function`);
  return Object.freeze({ ...def, [STRATEGY_BRAND]: true as const });
}

export function isStrategy(x: unknown): x is Strategy {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[STRATEGY_BRAND] === true;
}

const kind = (v: ParamValue | undefined): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Merge user params over the strategy's defaults. Every user key must be declared, and of the
 * default's type (number, string, boolean, array, object); the strategy's own `validate` then checks
 * the values. InputError naming the bad key.
 */
export function resolveParams<P extends Params>(strategy: Strategy<P>, user: unknown): P {
  if (user === undefined || user === null) user = {};
  if (typeof user !== "object" || Array.isArray(user)) throw new InputError(`--params: must be a JSON object for strategy '${strategy.name}'`);
  const merged: Params = { ...strategy.params };
  for (const [key, value] of Object.entries(user as Params)) {
    if (!(key in strategy.params)) {
      throw new InputError(`--params: unknown key '${key}' for strategy '${strategy.name}' (known: ${Object.keys(strategy.params).join(", ") || "none"})`);
    }
    const want = kind(strategy.params[key]);
    const got = kind(value);
    if (want !== "null" && want !== got) throw new InputError(`--params: '${key}' must be a ${want} (got ${got} ${JSON.stringify(value)})`);
    if (got === "number" && !Number.isFinite(value as number)) throw new InputError(`--params: '${key}' must be a finite number`);
    merged[key] = value;
  }
  if (strategy.validate) {
    try {
      strategy.validate(merged as P);
    } catch (err) {
      throw new InputError(`--params: ${(err as Error).message}`);
    }
  }
  return merged as P;
}
