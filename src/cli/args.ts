import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../market/index.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node's parseArgs, with its errors turned into one-line InputErrors. */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true });
  } catch (err) {
    throw new InputError((err as Error).message.split("\n")[0]);
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  // decimal only: Number() also reads 0x10, 0b1 and 0o7, which nobody means as a leverage or a price
  if (!DECIMAL.test(value.trim()) || !Number.isFinite(n)) throw new InputError(`--${name}: '${value}' is not a number`);
  return n;
}

export function requireFlag<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new InputError(`--${name} is required`);
  return value;
}

/**
 * `--entry -5` would make node's parser read `-5` as a flag; join a negative number to the option
 * that takes it (`--entry=-5`) so the command can say what is wrong with the value itself.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : null;
    const next = argv[i + 1];
    if (name && options[name]?.type === "string" && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}
