import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "../errors/index.ts";
import { isStrategy } from "./define.ts";
import type { Strategy } from "./types.ts";

/** The shipped strategies, by the name `--strategy` accepts. */
export const BUILTIN_STRATEGIES = {
  hold: () => import("../../strategies/hold.ts"),
  scalper: () => import("../../strategies/scalper.ts"),
  swing: () => import("../../strategies/swing.ts"),
  hedger: () => import("../../strategies/hedger.ts"),
  "funding-carry": () => import("../../strategies/funding-carry.ts"),
  "margin-keeper": () => import("../../strategies/margin-keeper.ts"),
} as const;

export type BuiltinStrategyName = keyof typeof BUILTIN_STRATEGIES;

const looksLikePath = (s: string) => /[\\/]/.test(s) || /\.(ts|mts|js|mjs)$/.test(s);

/** A built-in name or a path to a module whose default export was made with defineStrategy. */
export async function loadStrategy(nameOrPath: string): Promise<Strategy> {
  const key = nameOrPath.trim();
  if (Object.hasOwn(BUILTIN_STRATEGIES, key)) return (await BUILTIN_STRATEGIES[key as BuiltinStrategyName]()).default as unknown as Strategy;
  if (!looksLikePath(key)) throw new InputError(`--strategy: unknown strategy '${key}' (built-in: ${Object.keys(BUILTIN_STRATEGIES).join(", ")}; or a file path)`);
  const file = resolve(key);
  if (!existsSync(file)) throw new InputError(`--strategy ${key}: no such file`);
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new InputError(`--strategy ${key}: cannot load: ${((err as Error).message ?? String(err)).split("\n")[0]}`);
  }
  if (!isStrategy(mod.default)) throw new InputError(`--strategy ${key}: does not export a strategy (its default export must be made with defineStrategy)`);
  return mod.default;
}
