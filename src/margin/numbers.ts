import type { Decimal } from "decimal.js";
import type { Num } from "./algebra.ts";

/** float64: the engine's, the Monte Carlo kernel's and the scenarios' arithmetic. */
export const FLOAT: Num<number> = {
  of: (x) => x,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: (a, b) => Math.max(a, b),
  positive: (a) => a > 0,
  toNumber: (a) => a,
};

/** decimal.js in a given configuration (`Decimal.clone({...})`): the calculator's arithmetic. */
export function decimalNum<T extends Decimal>(D: new (x: Decimal.Value) => T): Num<T> {
  return {
    of: (x) => new D(x),
    add: (a, b) => a.plus(b) as T,
    sub: (a, b) => a.minus(b) as T,
    mul: (a, b) => a.times(b) as T,
    div: (a, b) => a.div(b) as T,
    max: (a, b) => (a.gte(b) ? a : new D(b)),
    positive: (a) => a.gt(0),
    toNumber: (a) => a.toNumber(),
  };
}
