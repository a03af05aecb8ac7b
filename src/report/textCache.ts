import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of the report's caches on disk: $PERPSIM_CACHE_DIR/vega, else node_modules/.cache/perpsim/vega
 * in the project; null when PERPSIM_CACHE_DIR=off (memory only).
 */
export function cacheDir(): string | null {
  const env = process.env.PERPSIM_CACHE_DIR;
  if (env === "off") return null;
  return join(env ? resolve(env) : resolve(dirname(fileURLToPath(import.meta.url)), "../../node_modules/.cache/perpsim"), "vega");
}

/**
 * A text computed once per input (a chart's shape as JSON): kept in memory for the process and on disk
 * in `cacheDir()` under a hash of the format, the computing library's version and the input, written
 * to a temporary name then renamed. Failing to read or write the disk only costs time; a failed
 * computation is not kept.
 */
export class TextCache {
  private readonly memory = new Map<string, Promise<string>>();

  constructor(
    private readonly format: number,
    /** the file name's ending, which tells the caches apart in one folder */
    private readonly suffix: string,
    /** the version of what computes the text (read on the first miss in memory) */
    private readonly version: () => string,
    private readonly compute: (input: string) => string | Promise<string>,
  ) {}

  get(input: string): Promise<string> {
    let text = this.memory.get(input);
    if (!text) {
      text = this.load(input);
      this.memory.set(input, text);
      text.catch(() => this.memory.delete(input));
    }
    return text;
  }

  private async load(input: string): Promise<string> {
    const dir = cacheDir();
    const key = createHash("sha256").update(`${this.format}\0${this.version()}\0${input}`).digest("hex").slice(0, 40);
    const file = dir && join(dir, `${key}${this.suffix}`);
    if (file) {
      try {
        return await readFile(file, "utf8");
      } catch {
        // not cached yet
      }
    }
    const text = await this.compute(input);
    if (dir && file) {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        await writeFile(tmp, text);
        await rename(tmp, file);
      } catch {
        // read-only or full disk: computed again next time
      }
    }
    return text;
  }
}
