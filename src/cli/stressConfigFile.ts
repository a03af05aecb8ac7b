import { readFile } from "node:fs/promises";
import { totalmem } from "node:os";
import { resolve } from "node:path";
import { InputError } from "../market/index.ts";
import { loadStressConfig, parseJson, type ConfigOverrides, type HistoryLoader, type ParsedStressConfig } from "../stress/index.ts";

/** A stress config file's text (a shard carries it, so the merge rebuilds the same config). */
export async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * A strategy file's bytes for the run's fingerprint (the loader resolves the file against the working
 * directory too), null when it cannot be read.
 */
export async function readStrategySource(file: string): Promise<Uint8Array | null> {
  return readFile(resolve(file)).catch(() => null);
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
