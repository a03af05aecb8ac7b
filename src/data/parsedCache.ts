import { mkdirSync } from "node:fs";
import { open, readFile, rename, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A binary cache of parsed data files: the columns a reader produced (typed arrays) and its small
 * metadata (JSON), so a later run reads a few megabytes of floats instead of gunzipping and parsing
 * CSV again. An entry is valid for the source file's exact path, size, mtime and inode, and for this
 * cache format; anything else and the file is parsed again. Entries are written only for files last
 * modified more than a few seconds ago (as git does for racily-clean files): a file rewritten twice
 * within the clock's granularity with the same size can never be served stale. A cache that cannot be
 * read or written is skipped silently — it only ever saves time.
 *
 * Where: $PERPSIM_CACHE_DIR, else node_modules/.cache/perpsim in the project. PERPSIM_CACHE_DIR=off
 * disables it.
 */
const FORMAT = 1;
const MAGIC = "perpsim-columns";
/** a file modified more recently than this is parsed but not cached */
const SETTLE_MS = 3000;

export interface CachedColumns<M> {
  meta: M;
  columns: Float64Array[];
}

function cacheDir(): string | null {
  const env = process.env.PERPSIM_CACHE_DIR;
  if (env === "off") return null;
  return env ? resolve(env) : resolve(dirname(fileURLToPath(import.meta.url)), "../../node_modules/.cache/perpsim");
}

interface Stamp {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * The cached result of `parse` for `file` (under `kind`, which names the reader and its options), or
 * `parse`'s own result, then cached. `encode`/`decode` map the reader's result to columns + metadata.
 */
export async function cachedParse<T, M>(
  file: string, kind: string, parse: () => Promise<T>, encode: (value: T) => CachedColumns<M>, decode: (cached: CachedColumns<M>) => T,
): Promise<T> {
  const dir = cacheDir();
  if (!dir) return parse();
  let stamp: Stamp;
  try {
    const st = await stat(file);
    stamp = { path: resolve(file), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return parse(); // the reader reports a missing file its own way
  }
  const entry = join(dir, `${createHash("sha256").update(`${kind}\0${stamp.path}`).digest("hex").slice(0, 32)}.bin`);
  const hit = await readEntry<M>(entry, kind, stamp);
  if (hit) return decode(hit);
  const value = await parse();
  if (Date.now() - stamp.mtimeMs > SETTLE_MS) await writeEntry(dir, entry, kind, stamp, encode(value));
  return value;
}

/** [u32 header length][header JSON][padding to 8][columns, float64 little-endian, back to back] */
async function readEntry<M>(entry: string, kind: string, stamp: Stamp): Promise<CachedColumns<M> | null> {
  let buf: Buffer;
  try {
    buf = await readFile(entry);
  } catch {
    return null;
  }
  try {
    const headerLength = buf.readUInt32LE(0);
    const header = JSON.parse(buf.toString("utf8", 4, 4 + headerLength)) as { magic: string; format: number; kind: string; stamp: Stamp; lengths: number[]; meta: M };
    const s = header.stamp;
    if (header.magic !== MAGIC || header.format !== FORMAT || header.kind !== kind) return null;
    if (s.path !== stamp.path || s.size !== stamp.size || s.mtimeMs !== stamp.mtimeMs || s.ino !== stamp.ino) return null;
    let at = align8(4 + headerLength);
    const total = header.lengths.reduce((a, b) => a + b, 0);
    if (buf.length !== at + total * 8) return null;
    // one aligned copy of the column block, then views into it
    const block = new Float64Array(total);
    new Uint8Array(block.buffer).set(buf.subarray(at, at + total * 8));
    at = 0;
    const columns = header.lengths.map((n) => {
      const c = block.subarray(at, at + n);
      at += n;
      return c;
    });
    return { meta: header.meta, columns };
  } catch {
    return null;
  }
}

async function writeEntry<M>(dir: string, entry: string, kind: string, stamp: Stamp, value: CachedColumns<M>): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true });
    const header = Buffer.from(JSON.stringify({ magic: MAGIC, format: FORMAT, kind, stamp, lengths: value.columns.map((c) => c.length), meta: value.meta }), "utf8");
    const start = align8(4 + header.length);
    const total = value.columns.reduce((a, c) => a + c.length, 0);
    const buf = Buffer.alloc(start + total * 8);
    buf.writeUInt32LE(header.length, 0);
    header.copy(buf, 4);
    let at = start;
    for (const c of value.columns) {
      Buffer.from(c.buffer, c.byteOffset, c.byteLength).copy(buf, at);
      at += c.byteLength;
    }
    const tmp = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(buf);
    } finally {
      await fh.close();
    }
    await rename(tmp, entry);
  } catch {
    // a read-only or full disk: no cache, same results
  }
}

const align8 = (n: number) => (n + 7) & ~7;
