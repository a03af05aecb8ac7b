import { InputError } from "../market/index.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { shardRange } from "./shard.ts";
import type { ShardFile, ShardHeader } from "./shardFile.ts";

/** A decoded shard and the file it came from (named in every error). */
export interface NamedShard extends ShardFile {
  file: string;
}

export interface MergedShards {
  /** the header of shard 0 (every shard's agrees on fingerprint, config, paths and modes) */
  header: ShardHeader;
  /** every path's results in path order, as one whole run's `simulateAll` returns them */
  results: Float64Array;
}

const short = (fingerprint: string) => fingerprint.slice(0, 12);

/** The fingerprint most files share (the first seen on a tie): the odd ones out are the ones named. */
function majorityFingerprint(shards: NamedShard[]): string {
  const counts = new Map<string, number>();
  for (const s of shards) counts.set(s.header.fingerprint, (counts.get(s.header.fingerprint) ?? 0) + 1);
  let best = shards[0].header.fingerprint;
  for (const [f, c] of counts) if (c > counts.get(best)!) best = f;
  return best;
}

/**
 * Check that the shards are every shard 0..n−1 of one run exactly once, their path ranges those of
 * the split rule (so they tile [0, paths)), and assemble their results in path order. The first problem
 * is a one-line InputError naming the file.
 */
export function mergeShards(shards: NamedShard[]): MergedShards {
  if (shards.length === 0) throw new InputError("no shard files given");
  const fingerprint = majorityFingerprint(shards);
  const like = shards.find((s) => s.header.fingerprint === fingerprint)!;
  for (const s of shards) {
    if (s.header.fingerprint !== fingerprint)
      throw new InputError(`${s.file}: shard of a different run than ${like.file} (config fingerprint ${short(s.header.fingerprint)} vs ${short(fingerprint)}: config, seed, paths, data or perpsim version differ)`);
  }
  const { count } = like.header.shard;
  const { paths } = like.header;
  const byIndex = new Map<number, NamedShard>();
  for (const s of shards) {
    const { index, count: n } = s.header.shard;
    if (n !== count) throw new InputError(`${s.file}: shard ${index} of ${n}, but ${like.file} is one of ${count} (merge the shards of one split)`);
    if (s.header.fields !== PATH_FIELDS) throw new InputError(`${s.file}: ${s.header.fields} fields per path, this perpsim writes ${PATH_FIELDS}`);
    const seen = byIndex.get(index);
    if (seen) throw new InputError(seen.file === s.file ? `${s.file}: given twice` : `${s.file}: duplicate of shard ${index} of ${count} (also in ${seen.file})`);
    const want = shardRange(paths, s.header.shard);
    if (s.header.range.start !== want.start || s.header.range.end !== want.end)
      throw new InputError(`${s.file}: paths ${s.header.range.start}–${s.header.range.end - 1}, but shard ${index} of ${count} of ${paths} paths is ${want.start}–${want.end - 1}`);
    byIndex.set(index, s);
  }
  const missing: number[] = [];
  for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length) {
    const list = missing.length > 10 ? `${missing.slice(0, 10).join(", ")}, … (${missing.length} in all)` : missing.join(", ");
    throw new InputError(`shard${missing.length > 1 ? "s" : ""} ${list} of ${count} missing (have ${byIndex.size}, e.g. ${like.file})`);
  }
  const stride = like.header.modes.length * PATH_FIELDS;
  const results = new Float64Array(paths * stride);
  for (const s of byIndex.values()) results.set(s.results, s.header.range.start * stride);
  return { header: byIndex.get(0)!.header, results };
}
