import { readFile } from "node:fs/promises";
import { totalmem } from "node:os";
import { resolve } from "node:path";
import { InputError } from "../market/index.ts";
import { loadStressConfig, parseJson, stressVenue, type ConfigOverrides, type HistoryLoader, type ParsedStressConfig, type StressConfig } from "../stress/index.ts";

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
  const parsed = await loadStressConfig(parseJson(text, file), file, overrides, loadHistory, machineLimits());
  checkVenueModes(parsed.config, file);
  return parsed;
}

/** The config's `modes` against its venue's (GMX v2: isolated only), named by file and field before anything runs. */
export function checkVenueModes(config: StressConfig, file: string): void {
  const venue = stressVenue(config);
  const lacking = config.modes.filter((m) => !venue.modes.includes(m));
  if (lacking.length) {
    const kept = config.modes.filter((m) => venue.modes.includes(m));
    throw new InputError(`${file}: modes: ${venue.label} has no ${lacking.join(" or ")} margin (its modes: ${venue.modes.join(", ")}); set "modes": ${JSON.stringify(kept.length ? kept : venue.modes)}`);
  }
}
