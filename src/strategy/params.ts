import { InputError } from "../errors/index.ts";

/** A JSON-like parameter value: what `--params` can carry. */
export type ParamValue = number | string | boolean | null | ParamValue[] | { [key: string]: ParamValue };
export type Params = { [key: string]: ParamValue };

interface Described {
  /** one line for `--help` */
  doc?: string;
}
/** A number; bounds are inclusive (`min`, `max`) or strict (`above`, `below`). */
export interface NumberParam extends Described {
  type: "number";
  default: number;
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  integer?: boolean;
  /** the values `perpsim stress --sweep NAME` (no values given) runs; default: spread over the range when it has two ends */
  sweep?: readonly number[];
}
export interface StringParam extends Described {
  type: "string";
  default: string;
  oneOf?: readonly string[];
}
export interface BooleanParam extends Described {
  type: "boolean";
  default: boolean;
}
/** A list of symbol names. */
export interface SymbolsParam extends Described {
  type: "symbols";
  default: readonly string[];
}
/** Any JSON value, checked and turned into `T` by `parse` (throw an Error naming the bad field). */
export interface JsonParam<T = unknown> extends Described {
  type: "json";
  default: ParamValue;
  parse(raw: ParamValue): T;
}
export type ParamSpec = NumberParam | StringParam | BooleanParam | SymbolsParam | JsonParam<any>;
/** What a strategy declares per parameter: a spec, or just a default (its type is the default's, no range). */
export type ParamDecl = ParamSpec | ParamValue;
export type ParamDecls = { [key: string]: ParamDecl };

type ValueOf<D> = D extends { type: "number"; default: number } ? number
  : D extends { type: "string"; oneOf: readonly (infer S)[] } ? S
  : D extends { type: "string"; default: string } ? string
  : D extends { type: "boolean"; default: boolean } ? boolean
  : D extends { type: "symbols"; default: readonly string[] } ? readonly string[]
  : D extends { type: "json"; parse(raw: ParamValue): infer T } ? T
  : D extends number ? number : D extends string ? string : D extends boolean ? boolean
  : D;
/** The typed values a strategy reads as `ctx.params`, from its declarations. */
export type ParamsOf<D extends ParamDecls> = { readonly [K in keyof D]: ValueOf<D[K]> };

const KINDS = new Set(["number", "string", "boolean", "symbols", "json"]);

function isSpec(d: ParamDecl): d is ParamSpec {
  return typeof d === "object" && d !== null && !Array.isArray(d) && KINDS.has((d as { type?: unknown }).type as string) && "default" in d;
}

/** Every declaration as a spec: a bare default becomes a spec of its own type with no range. */
export function normaliseParams(decls: ParamDecls): Record<string, ParamSpec> {
  const out: Record<string, ParamSpec> = {};
  for (const [key, d] of Object.entries(decls)) {
    if (isSpec(d)) out[key] = d;
    else if (typeof d === "number") out[key] = { type: "number", default: d };
    else if (typeof d === "string") out[key] = { type: "string", default: d };
    else if (typeof d === "boolean") out[key] = { type: "boolean", default: d };
    else if (Array.isArray(d) && d.every((x) => typeof x === "string") && d.length > 0) out[key] = { type: "symbols", default: d as string[] };
    else out[key] = { type: "json", default: d, parse: (raw) => raw };
  }
  return out;
}

const kind = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** The range of a number param as text: "(0, 100]", "≥ 1", "" when unbounded. */
export function rangeText(p: NumberParam): string {
  const lo = p.above !== undefined ? `(${p.above}` : p.min !== undefined ? `[${p.min}` : null;
  const hi = p.below !== undefined ? `${p.below})` : p.max !== undefined ? `${p.max}]` : null;
  const whole = p.integer ? "a whole number " : "";
  if (lo && hi) return `${whole}in ${lo}, ${hi}`;
  if (p.above !== undefined) return p.above === 0 ? `${whole}positive`.trim() : `${whole}above ${p.above}`;
  if (p.min !== undefined) return `${whole}≥ ${p.min}`;
  if (p.below !== undefined) return `${whole}below ${p.below}`;
  if (p.max !== undefined) return `${whole}≤ ${p.max}`;
  return p.integer ? "a whole number" : "";
}

function inRange(p: NumberParam, v: number): boolean {
  return (p.min === undefined || v >= p.min) && (p.max === undefined || v <= p.max) && (p.above === undefined || v > p.above)
    && (p.below === undefined || v < p.below) && (!p.integer || Number.isInteger(v));
}

/** How many values a sweep over a two-ended range takes by default (whole numbers: every one when there are at most 9). */
const SWEEP_POINTS = 5;

/**
 * The values a sweep of a number param runs when none are given: the declared `sweep`, else points
 * spread evenly over a range with two ends (an end that is excluded is not a point; whole-number
 * params get whole numbers), else null: a range open on one side has no sensible default.
 */
export function defaultSweep(p: NumberParam): number[] | null {
  if (p.sweep) return [...p.sweep];
  const lo = p.above ?? p.min;
  const hi = p.below ?? p.max;
  if (lo === undefined || hi === undefined || !(hi > lo)) return null;
  if (p.integer) {
    const first = p.above !== undefined ? Math.floor(lo) + 1 : Math.ceil(lo);
    const last = p.below !== undefined ? Math.ceil(hi) - 1 : Math.floor(hi);
    if (last < first) return null;
    if (last - first + 1 <= 9) return Array.from({ length: last - first + 1 }, (_, k) => first + k);
  }
  // the gaps between points: one more at each excluded end
  const gaps = SWEEP_POINTS - 1 + (p.above !== undefined ? 1 : 0) + (p.below !== undefined ? 1 : 0);
  const start = p.above !== undefined ? 1 : 0;
  const values = Array.from({ length: SWEEP_POINTS }, (_, k) => lo + ((start + k) * (hi - lo)) / gaps);
  const shown = values.map((v) => (p.integer ? Math.round(v) : +v.toPrecision(4)));
  return [...new Set(shown)].filter((v) => inRange(p, v));
}

/** Check one value against its spec; returns the error text, or null. */
export function checkParam(key: string, spec: ParamSpec, value: unknown): string | null {
  const got = kind(value);
  switch (spec.type) {
    case "number":
      if (got !== "number") return `'${key}' must be a number (got ${got} ${JSON.stringify(value)})`;
      if (!Number.isFinite(value as number)) return `'${key}' must be a finite number`;
      return inRange(spec, value as number) ? null : `'${key}' must be ${rangeText(spec)} (got ${value})`;
    case "string":
      if (got !== "string") return `'${key}' must be a string (got ${got} ${JSON.stringify(value)})`;
      return spec.oneOf && !spec.oneOf.includes(value as string) ? `'${key}' must be one of ${spec.oneOf.join(", ")} (got '${value}')` : null;
    case "boolean":
      return got === "boolean" ? null : `'${key}' must be a boolean (got ${got} ${JSON.stringify(value)})`;
    case "symbols":
      return got === "array" && (value as unknown[]).every((s) => typeof s === "string") ? null : `'${key}' must be an array of symbol names`;
    case "json": {
      const want = kind(spec.default);
      if (want !== "null" && want !== got) return `'${key}' must be a ${want} (got ${got} ${JSON.stringify(value)})`;
      try {
        spec.parse(value as ParamValue);
      } catch (err) {
        return (err as Error).message;
      }
      return null;
    }
  }
}

/** The typed values of checked params (a json param through its `parse`). */
export function paramValues(specs: Record<string, ParamSpec>, raw: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) out[key] = spec.type === "json" ? spec.parse(raw[key]) : raw[key];
  return out;
}

/** The `--help` lines of a strategy's params: name, type, default, range, the default sweep (number params with one) and doc. */
export function describeParams(specs: Record<string, ParamSpec>): string[] {
  return Object.entries(specs).map(([key, p]) => {
    const range = p.type === "number" ? rangeText(p) : p.type === "string" && p.oneOf ? `one of ${p.oneOf.join(", ")}` : "";
    const sweep = p.type === "number" ? defaultSweep(p) : null;
    const extra = `${range ? `, ${range}` : ""}${sweep ? `, sweep ${sweep.join(",")}` : ""}`;
    return `  ${key} (${p.type}, default ${JSON.stringify(p.default)}${extra})${p.doc ? `: ${p.doc}` : ""}`;
  });
}

/** One param in a line: "band (number, ≥ 0)". */
export function paramSummary(key: string, p: ParamSpec): string {
  const range = p.type === "number" ? rangeText(p) : p.type === "string" && p.oneOf ? `one of ${p.oneOf.join(", ")}` : "";
  return `${key} (${p.type}${range ? `, ${range}` : ""})`;
}

export function paramError(message: string): InputError {
  return new InputError(`--params: ${message}`);
}
