import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../market/errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node's parseArgs, with its errors turned into one-line InputErrors. */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new InputError((err as Error).message.split("\n")[0]);
  }
}

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InputError(`--${name}: '${value}' is not a number`);
  return n;
}

export function requireFlag<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new InputError(`--${name} is required`);
  return value;
}
