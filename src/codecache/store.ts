import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where code caches live: $PERPSIM_CACHE_DIR/code, else node_modules/.cache/perpsim/code in the project
 * (beside the report's and the data's caches); null when PERPSIM_CACHE_DIR=off.
 */
export function codeCacheDir(): string | null {
  const env = process.env.PERPSIM_CACHE_DIR;
  if (env === "off") return null;
  return join(env ? resolve(env) : resolve(dirname(fileURLToPath(import.meta.url)), "../../node_modules/.cache/perpsim"), "code");
}

/** The cache of one bundle's exact bytes (`hash`) under this node: `<bundle>-<hash>-<node version>-<arch>.bin`. */
export function cacheFile(bundle: string, hash: string): string | null {
  const dir = codeCacheDir();
  return dir === null ? null : join(dir, `${basename(bundle)}-${hash}-${process.version}-${process.arch}.bin`);
}

export function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined; // not made yet
  }
}

/**
 * Write a cache (temporary name, then renamed: a reader never sees half a file) and remove the caches
 * of the same bundle's earlier builds or other node versions. Errors are ignored: a cache only saves time.
 */
export function writeCache(file: string, bundle: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    const name = basename(file);
    const others = `${basename(bundle)}-`;
    for (const other of readdirSync(dir)) {
      if (other !== name && other.startsWith(others) && other.endsWith(".bin") && /^[0-9a-f]+-v/.test(other.slice(others.length))) rmSync(join(dir, other), { force: true });
    }
  } catch {
    rmSync(tmp, { force: true }); // read-only or full disk: compiled again next time
  }
}
