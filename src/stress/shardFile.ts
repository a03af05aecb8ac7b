import { createHash } from "node:crypto";
import { endianness } from "node:os";
import { InputError } from "../market/index.ts";
import type { MarginMode } from "../results/index.ts";
import type { ConfigOverrides } from "./config.ts";
import type { PathRange, ShardSpec } from "./shard.ts";
import { FIELD, PATH_FIELDS } from "./pathResult.ts";

/**
 * A shard file: the 8-byte magic `PSIMSHD1`, the header's length (uint32 little-endian), the header
 * (UTF-8 JSON), then the shard's per-path results as float64 little-endian, path-major as in
 * pathResult.ts (path `range.start + k` at block k). Nothing in it depends on the clock or the machine.
 */
export const SHARD_MAGIC = "PSIMSHD1";
export const SHARD_FORMAT_VERSION = 1;

/** How to rebuild the run's config where the shards are merged: the config file's text as read, and the command line's overrides. */
export interface ShardConfigSource {
  /** the config file as given on the command line (named in the merge's errors, and the config's own) */
  source: string;
  text: string;
  overrides: ConfigOverrides;
}

export interface ShardHeader {
  format: "perpsim-shard";
  formatVersion: typeof SHARD_FORMAT_VERSION;
  /** configFingerprint of the resolved config (fingerprint.ts) */
  fingerprint: string;
  /** perpsim's version (also inside the fingerprint) */
  version: string;
  shard: ShardSpec;
  range: PathRange;
  /** the whole run's path count */
  paths: number;
  modes: MarginMode[];
  /** float64 per (path, mode): PATH_FIELDS */
  fields: number;
  config: ShardConfigSource;
  /** the results' length and SHA-256, so a truncated or damaged file is caught before merging */
  payload: { bytes: number; sha256: string };
}

/** The header a shard's results need (the payload part is computed here). */
export type ShardHeaderInput = Omit<ShardHeader, "format" | "formatVersion" | "payload">;

export interface ShardFile {
  header: ShardHeader;
  results: Float64Array;
}

/**
 * On a little-endian machine (every one perpsim runs on in practice) a Float64Array's memory already is
 * the file's layout: the payload is its bytes, copied whole, where the per-value DataView loop cost a
 * queue's coordinator and worker ~1–2 ms each a 600-path chunk in cold code (beside the threads simulating).
 */
const LITTLE_ENDIAN = endianness() === "LE";

/** `values` as float64 little-endian bytes: a view of their memory on a little-endian machine (the caller copies it), else swapped into a new array. */
function littleEndianBytes(values: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  return out;
}

/** Float64 little-endian bytes (any alignment) as numbers in a new array. */
function float64sOf(payload: Uint8Array): Float64Array {
  const results = new Float64Array(payload.length / 8);
  if (LITTLE_ENDIAN) {
    new Uint8Array(results.buffer).set(payload);
    return results;
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let i = 0; i < results.length; i++) results[i] = view.getFloat64(i * 8, true);
  return results;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export function encodeShard(input: ShardHeaderInput, results: Float64Array): { header: ShardHeader; bytes: Uint8Array } {
  const payload = littleEndianBytes(results);
  const header: ShardHeader = { format: "perpsim-shard", formatVersion: SHARD_FORMAT_VERSION, ...input, payload: { bytes: payload.length, sha256: sha256(payload) } };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const out = Buffer.alloc(SHARD_MAGIC.length + 4 + json.length + payload.length);
  out.write(SHARD_MAGIC, 0, "latin1");
  out.writeUInt32LE(json.length, SHARD_MAGIC.length);
  json.copy(out, SHARD_MAGIC.length + 4);
  out.set(payload, SHARD_MAGIC.length + 4 + json.length);
  return { header, bytes: out };
}

/** Read a shard file's bytes; anything that is not a whole, intact shard is a one-line InputError naming `file`. */
export function decodeShard(bytes: Uint8Array, file: string): ShardFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new InputError(`${file}: ${why}`);
  };
  if (buf.length < SHARD_MAGIC.length + 4 || buf.toString("latin1", 0, SHARD_MAGIC.length) !== SHARD_MAGIC) fail("not a perpsim shard file (written by perpsim stress --shard i/n)");
  const headerBytes = buf.readUInt32LE(SHARD_MAGIC.length);
  const payloadAt = SHARD_MAGIC.length + 4 + headerBytes;
  if (payloadAt > buf.length) fail("truncated shard file (its header is cut short)");
  let header: ShardHeader;
  try {
    header = JSON.parse(buf.toString("utf8", SHARD_MAGIC.length + 4, payloadAt)) as ShardHeader;
  } catch {
    return fail("damaged shard file (its header is not JSON)");
  }
  if (header.format !== "perpsim-shard" || header.formatVersion !== SHARD_FORMAT_VERSION)
    fail(`shard file format ${String(header.formatVersion)} is not the one this perpsim reads (${SHARD_FORMAT_VERSION})`);
  const { start, end } = header.range ?? {};
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !(start >= 0 && end > start) || !Array.isArray(header.modes) || header.modes.length === 0 || header.fields !== PATH_FIELDS) {
    fail("damaged shard file: its header's range, modes or field count are not those of a shard");
  }
  const payload = buf.subarray(payloadAt);
  const expected = (header.range.end - header.range.start) * header.modes.length * header.fields * 8;
  if (payload.length !== header.payload.bytes || payload.length !== expected)
    fail(`truncated or damaged shard file: ${payload.length} bytes of results, expected ${expected} for paths ${header.range.start}–${header.range.end - 1}`);
  if (sha256(payload) !== header.payload.sha256) fail("damaged shard file: its results do not match their checksum");
  const results = float64sOf(payload);
  const bad = outOfDomain(results);
  if (bad !== null) fail(`damaged shard file: path ${start + Math.floor(bad.record / header.modes.length)}, mode ${header.modes[bad.record % header.modes.length]}: ${bad.why}`);
  return { header, results };
}

/** The first per-path record whose fields a simulation cannot produce (a forged or corrupted shard with a recomputed checksum). */
function outOfDomain(results: Float64Array): { record: number; why: string } | null {
  for (let at = 0, record = 0; at < results.length; at += PATH_FIELDS, record++) {
    const liquidated = results[at + FIELD.liquidated];
    const hour = results[at + FIELD.liquidationHour];
    if (liquidated !== 0 && liquidated !== 1) return { record, why: `field 'liquidated' is ${liquidated}, not 0 or 1` };
    if (liquidated === 1 && !(Number.isFinite(hour) && hour >= 0)) return { record, why: `field 'liquidationHour' is ${hour} on a liquidated path` };
    for (const f of ["terminalEquity", "minEquity", "fundingPaid", "badDebt"] as const) {
      if (!Number.isFinite(results[at + FIELD[f]])) return { record, why: `field '${f}' is ${results[at + FIELD[f]]}` };
    }
    if (results[at + FIELD.badDebt] < 0) return { record, why: `field 'badDebt' is negative` };
  }
  return null;
}
