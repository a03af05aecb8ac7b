import { readFile } from "node:fs/promises";
import { totalmem } from "node:os";
import { InputError } from "../market/errors.ts";
import { loadStressConfig, parseJson, type ConfigOverrides, type HistoryLoader, type ParsedStressConfig } from "../montecarlo/index.ts";

/** A stress config file's text (a shard carries it, so the merge rebuilds the same config). */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** This machine's limits for a run: its per-path results may take a quarter of the memory. */
export function machineLimits(): { memoryBytes: number } {
  return { memoryBytes: totalmem() };
}

/** Read, parse and validate a stress config file (a bootstrap model's history is loaded with `loadHistory`). */
export async function readStressConfig(file: string, overrides: ConfigOverrides = {}, loadHistory?: HistoryLoader): Promise<ParsedStressConfig> {
  const text = await readConfigText(file);
  return loadStressConfig(parseJson(text, file), file, overrides, loadHistory, machineLimits());
}
