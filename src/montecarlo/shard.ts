import { InputError } from "../market/index.ts";

/** Shard `index` of `count` (0 ≤ index < count): one machine's share of a run's paths. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** A contiguous range of path indices, `end` exclusive. */
export interface PathRange {
  start: number;
  end: number;
}

/**
 * The split rule: shard i of n runs paths [⌊i·P/n⌋, ⌊(i+1)·P/n⌋). The ranges tile [0, P) in order and
 * their sizes differ by at most one; with n ≤ P none is empty. Path i draws only from (seed, i), so a
 * shard's results are exactly its slice of the whole run's.
 */
export function shardRange(paths: number, shard: ShardSpec): PathRange {
  return { start: Math.floor((shard.index * paths) / shard.count), end: Math.floor(((shard.index + 1) * paths) / shard.count) };
}

/** `--shard i/n` → the spec; 0 ≤ i < n ≤ paths, whole numbers, else a one-line InputError. */
export function parseShard(text: string, paths: number): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`--shard: expected i/n (shard i of n, counted from 0, e.g. 0/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new InputError(`--shard ${text}: the shard count must be at least 1`);
  if (!Number.isSafeInteger(index) || index >= count) throw new InputError(`--shard ${text}: the index must be 0 to ${count - 1} (shards count from 0)`);
  if (count > paths) throw new InputError(`--shard ${text}: ${count} shards for ${paths} paths would leave a shard empty (at most ${paths})`);
  return { index, count };
}

/** `shard-<i>-of-<n>.bin`: the file a shard writes, and the pattern `perpsim merge` looks for in a folder. */
export function shardFileName(shard: ShardSpec): string {
  return `shard-${shard.index}-of-${shard.count}.bin`;
}

export const SHARD_FILE_PATTERN = /^shard-\d+-of-\d+\.bin$/;
