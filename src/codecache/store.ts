import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cachedDataVersionTag } from "node:v8";

/**
 * Where code caches live: $PERPSIM_CACHE_DIR/code, else node_modules/.cache/perpsim/code in the project
 * (beside the report's and the data's caches); null when PERPSIM_CACHE_DIR=off.
 */
export function codeCacheDir(): string | null {
  const env = process.env.PERPSIM_CACHE_DIR;
  if (env === "off") return null;
  return join(env ? resolve(env) : resolve(dirname(fileURLToPath(import.meta.url)), "../../node_modules/.cache/perpsim"), "code");
}

/**
 * The cache of one bundle's exact bytes (`hash`) under this node and these V8 flags:
 * `<bundle>-<hash>-<node version>-<arch>-<V8's tag>.bin`. V8 refuses a cache made under other flags, and
 * the flags differ between commands (the stress command adds the kernel's, cli/v8Flags.ts, before it
 * loads the report's renderer; `perpsim report` does not): with one file for both, each command refused
 * and rewrote the other's, compiling vega's megabyte again on every switch. V8's tag
 * (`cachedDataVersionTag`: its version, its flags, as set so far, and the CPU's features) names the file instead.
 */
export function cacheFile(bundle: string, hash: string): string | null {
  const dir = codeCacheDir();
  return dir === null ? null : join(dir, `${basename(bundle)}-${hash}-${process.version}-${process.arch}-${cachedDataVersionTag().toString(16)}.bin`);
}

/**
 * A cache file is the SHA-256 of its payload, then the payload (V8's code cache). V8 checks the payload's
 * header (its version, flags, the source's length), not the rest of it: a damaged file is refused here.
 */
const DIGEST = 32;
const digest = (payload: Buffer) => createHash("sha256").update(payload).digest();

/** The cache's payload, or undefined when it is missing or damaged. */
export function readCache(file: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined; // not made yet
  }
  const payload = data.subarray(DIGEST);
  return data.length > DIGEST && digest(payload).equals(data.subarray(0, DIGEST)) ? payload : undefined;
}

/**
 * Caches kept per bundle: those of a few builds (checkouts or versions used in turn) under the flags of
 * each command that loads it (two at most today), not of every build ever made.
 */
export const KEPT_CACHES = 8;

/**
 * Write a cache (temporary name, then renamed: a reader never sees half a file) and remove the same
 * bundle's oldest caches past KEPT_CACHES. `payload` is called only once the folder is known to be writable:
 * making a cache costs V8 some milliseconds, not to be spent on every run of a read-only install.
 * Errors are ignored: a cache only saves time.
 */
export function writeCache(file: string, bundle: string, payload: () => Buffer): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  let fd: number | null = null;
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    fd = openSync(tmp, "wx");
    const data = payload();
    writeSync(fd, digest(data));
    writeSync(fd, data);
    closeSync(fd);
    fd = null;
    renameSync(tmp, file);
    const prefix = `${basename(bundle)}-`;
    const caches = readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith(".bin") && /^[0-9a-f]+-v/.test(f.slice(prefix.length)))
      .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const { f } of caches.slice(KEPT_CACHES)) rmSync(join(dir, f), { force: true });
  } catch {
    try {
      if (fd !== null) closeSync(fd);
      rmSync(tmp, { force: true });
    } catch {
      // read-only or full disk: compiled again next time
    }
  }
}
