import { InputError } from "../market/index.ts";
import { loadStressConfig, parseJson, type HistoryLoader, type StressConfig } from "./config.ts";
import { configFingerprint, type StrategySourceReader } from "./fingerprint.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { simulateRange, type StressPool } from "./pool.ts";
import { stressOutputs, type RunOptions, type StressResult } from "./run.ts";
import { shardFileName, shardRange, type ShardSpec } from "./shard.ts";
import { encodeShard, type ShardConfigSource, type ShardHeader } from "./shardFile.ts";
import type { MergedShards } from "./shardMerge.ts";
import { createSimulator } from "./simulators.ts";
import { prepareBook } from "./strategyPaths.ts";

export interface ShardRun {
  /** `shard-<i>-of-<n>.bin` */
  fileName: string;
  bytes: Uint8Array;
  header: ShardHeader;
  /** wall-clock seconds of the simulation (printed, never written) */
  simulateSeconds: number;
}

/**
 * Simulate one shard of a validated config and encode its file. `source` is what the merge needs to
 * rebuild the same config (the config text and the command line's overrides). Validates the book on
 * path 0 first, as `runStress` does, so every shard fails the same way on a bad book. `readStrategy`
 * gives a strategy file's source to the fingerprint.
 */
export async function runShard(config: StressConfig, shard: ShardSpec, source: ShardConfigSource, readStrategy: StrategySourceReader, o: RunOptions = {}): Promise<ShardRun> {
  const version = o.version ?? "unknown";
  if (!(o.pool && config.book.kind === "strategy")) {
    // a strategy book given a pool runs only there (no user code on this thread): its chunk of path 0 fails as this would
    await prepareBook(config);
    createSimulator(config).run(0, new Float64Array(config.modes.length * PATH_FIELDS), 0);
  }
  const fingerprint = await configFingerprint(config, version, readStrategy);
  const range = shardRange(config.paths, shard);
  const t0 = performance.now();
  const results = await simulateRange(config, range.start, range.end - range.start, o);
  const simulateSeconds = (performance.now() - t0) / 1000;
  const { header, bytes } = encodeShard({ fingerprint, version, shard, range, paths: config.paths, modes: config.modes, fields: PATH_FIELDS, config: source }, results);
  return { fileName: shardFileName(shard), bytes, header, simulateSeconds };
}

/**
 * The outputs of the whole run the merged shards came from: the config is rebuilt from the shards'
 * config text and overrides, and must resolve here to the fingerprint the shards carry (same data,
 * same strategy file, same perpsim version), else the merge would pass off a different run as theirs.
 */
export async function mergedOutputs(merged: MergedShards, version: string, readStrategy: StrategySourceReader, loadHistory?: HistoryLoader, o: { pool?: StressPool; signal?: AbortSignal } = {}): Promise<Pick<StressResult, "summary" | "files"> & { config: StressConfig }> {
  const { header } = merged;
  const { source, text, overrides } = header.config;
  const { config } = await loadStressConfig(parseJson(text, source), source, overrides, loadHistory);
  // a strategy book given a pool re-simulates samples.csv's paths there: no user code on this thread
  const pooled = o.pool && config.book.kind === "strategy" ? o.pool : null;
  if (!pooled) await prepareBook(config);
  const here = await configFingerprint(config, version, readStrategy);
  if (here !== header.fingerprint)
    throw new InputError(`${source}: the shards' config resolves differently here (fingerprint ${here.slice(0, 12)} vs the shards' ${header.fingerprint.slice(0, 12)}; shards written by perpsim ${header.version}, this is ${version}): the data, the strategy file or perpsim's version differ`);
  return { config, ...stressOutputs(config, merged.results, version, pooled ? await pooled.samples(config, o.signal) : undefined) };
}
