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

/**
 * Where `--shard auto/N` reads its index, first set wins. Each is counted from 0 as its engine sets it:
 * Kubernetes' Indexed Job (0 to completions − 1) and AWS Batch's array job (0 to size − 1) always;
 * Slurm gives whatever the array spec says, so auto expects `--array=0-(N-1)` (any other id is refused).
 */
export const SHARD_INDEX_VARIABLES = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "AWS_BATCH_JOB_ARRAY_INDEX"] as const;

/** The index of `auto/N` from the batch engine's environment (the CLI passes process.env). */
function autoIndex(text: string, env: Readonly<Record<string, string | undefined>>): string {
  const name = SHARD_INDEX_VARIABLES.find((n) => env[n] !== undefined && env[n] !== "");
  if (!name) throw new InputError(`--shard ${text}: none of ${SHARD_INDEX_VARIABLES.join(", ")} is set (auto takes the index from the batch engine; give i/n by hand elsewhere)`);
  const value = env[name]!.trim();
  if (!/^\d+$/.test(value)) throw new InputError(`--shard ${text}: ${name}=${JSON.stringify(env[name])} is not a whole number`);
  return value;
}

/**
 * `--shard i/n` (or `auto/n`, the index from `env`, see SHARD_INDEX_VARIABLES) → the spec;
 * 0 ≤ i < n ≤ paths, whole numbers, else a one-line InputError.
 */
export function parseShard(text: string, paths: number, env: Readonly<Record<string, string | undefined>> = {}): ShardSpec {
  const auto = /^\s*auto\s*\/\s*(\d+)\s*$/i.exec(text);
  const m = auto ? [text, autoIndex(text, env), auto[1]] : /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`--shard: expected i/n (shard i of n, counted from 0, e.g. 0/4) or auto/n, got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  const from = auto ? ` (index ${index} from ${SHARD_INDEX_VARIABLES.find((n) => env[n] !== undefined && env[n] !== "")})` : "";
  if (!Number.isSafeInteger(count) || count < 1) throw new InputError(`--shard ${text}: the shard count must be at least 1`);
  if (!Number.isSafeInteger(index) || index >= count) throw new InputError(`--shard ${text}${from}: the index must be 0 to ${count - 1} (shards count from 0${auto ? "; a Slurm array must be --array=0-" + (count - 1) : ""})`);
  if (count > paths) throw new InputError(`--shard ${text}: ${count} shards for ${paths} paths would leave a shard empty (at most ${paths})`);
  return { index, count };
}

/** `shard-<i>-of-<n>.bin`: the file a shard writes, and the pattern `perpsim merge` looks for in a folder. */
export function shardFileName(shard: ShardSpec): string {
  return `shard-${shard.index}-of-${shard.count}.bin`;
}

export const SHARD_FILE_PATTERN = /^shard-\d+-of-\d+\.bin$/;
