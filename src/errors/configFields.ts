import { InputError } from "./inputError.ts";

/**
 * Small readers for validating a JSON config: each names the field path in its one-line InputError
 * (`<source>: model.assets.BTC.vol: must be > 0`).
 */
export class ConfigReader {
  constructor(readonly source: string) {}

  fail(field: string, reason: string): never {
    throw new InputError(`${this.source}: ${field}: ${reason}`);
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(field, "must be an object");
    return value as Record<string, unknown>;
  }

  /** Reject keys outside `allowed`. */
  onlyKeys(obj: Record<string, unknown>, field: string, allowed: readonly string[], context = ""): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(join(field, key), `unknown field${context} (expected one of: ${allowed.join(", ")})`);
    }
  }

  number(
    obj: Record<string, unknown>,
    key: string,
    field: string,
    rule: { default?: number; gt?: number; ge?: number; lt?: number; le?: number; integer?: boolean },
  ): number {
    const path = join(field, key);
    const value = obj[key];
    if (value === undefined) {
      if (rule.default === undefined) this.fail(path, "is required");
      return rule.default;
    }
    if (typeof value !== "number" || !Number.isFinite(value)) this.fail(path, `must be a number, got ${show(value)}`);
    if (rule.integer && !Number.isSafeInteger(value)) this.fail(path, `must be a whole number, got ${value}`);
    if (rule.gt !== undefined && !(value > rule.gt)) this.fail(path, `must be > ${rule.gt}, got ${value}`);
    if (rule.ge !== undefined && !(value >= rule.ge)) this.fail(path, `must be >= ${rule.ge}, got ${value}`);
    if (rule.lt !== undefined && !(value < rule.lt)) this.fail(path, `must be < ${rule.lt}, got ${value}`);
    if (rule.le !== undefined && !(value <= rule.le)) this.fail(path, `must be <= ${rule.le}, got ${value}`);
    return value;
  }

  string(obj: Record<string, unknown>, key: string, field: string, options?: { default?: string; oneOf?: readonly string[] }): string {
    const path = join(field, key);
    const value = obj[key];
    if (value === undefined) {
      if (options?.default === undefined) this.fail(path, "is required");
      return options.default;
    }
    if (typeof value !== "string" || value === "") this.fail(path, `must be a non-empty string, got ${show(value)}`);
    if (options?.oneOf && !options.oneOf.includes(value)) this.fail(path, `must be one of ${options.oneOf.join(", ")}, got ${show(value)}`);
    return value;
  }

  /** `false`, `true` (= the defaults) or an object of overrides. */
  switchable(obj: Record<string, unknown>, key: string, field: string, defaultOn: boolean): Record<string, unknown> | false {
    const value = obj[key];
    if (value === undefined) return defaultOn ? {} : false;
    if (value === false) return false;
    if (value === true) return {};
    return this.object(value, join(field, key));
  }
}

export function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

function show(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value); // 1e400 parses to Infinity, which JSON would print as null
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
