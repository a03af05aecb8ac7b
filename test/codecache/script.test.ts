import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeCacheDir, runScript, saveCodeCaches } from "../../src/codecache/index.ts";
import { cachedDataVersionTag } from "node:v8";
import { KEPT_CACHES, writeCache } from "../../src/codecache/store.ts";

/** A script bundle as scripts/build.mjs writes one: CommonJS, its `import()`s renamed to the loader's importer. */
const BODY = `"use strict";
exports.add = (a, b) => a + b;
exports.osCpus = () => __perpsimImport("node:os").then((m) => typeof m.cpus);
exports.where = { filename: __filename, dirname: __dirname, url: __importMetaUrl };
exports.path = require("node:path").basename(__filename);
`;

let dir: string;
let body: string;
const saved = process.env.PERPSIM_CACHE_DIR;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-codecache-"));
  process.env.PERPSIM_CACHE_DIR = join(dir, "cache");
  body = join(dir, "body.cjs");
  await writeFile(body, BODY);
});
afterAll(async () => {
  if (saved === undefined) delete process.env.PERPSIM_CACHE_DIR;
  else process.env.PERPSIM_CACHE_DIR = saved;
  await rm(dir, { recursive: true, force: true });
});

/** The cache file of the bundle built as `hash`, under the V8 flags whose tag is `tag` (this process's by default). */
const cacheOf = (hash: string, tag = cachedDataVersionTag()) => join(codeCacheDir()!, `body.cjs-${hash}-${process.version}-${process.arch}-${tag.toString(16)}.bin`);

/**
 * The bundle run in a process of its own: V8 keeps every script it compiled in memory and would take the
 * second compile in one process from there, never reading the cache (so the cache's use is tested across processes).
 */
async function runInProcess(hash: string, v8Flags: string[] = []): Promise<{ sum: number; cpus: string; tag: number }> {
  const fixture = new URL("./fixtures/runBody.ts", import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, [...v8Flags, "--import", "tsx", fixture, body, hash], { env: { ...process.env } });
  return JSON.parse(stdout) as { sum: number; cpus: string; tag: number };
}

/** V8's tag in a child process run as runInProcess runs one (the test runner's own process may run under other flags) */
let childTag = 0;

describe("runScript: a script bundle run through V8's code cache", () => {
  it("runs the bundle with CommonJS's bindings and its own path; its cache is written at exit or when asked", async () => {
    const m = runScript(pathToFileURL(body), "aaaa") as { add: (a: number, b: number) => number; where: Record<string, string>; path: string; osCpus: () => Promise<string> };
    expect(m.add(2, 3)).toBe(5);
    expect(m.where).toEqual({ filename: body, dirname: dir, url: pathToFileURL(body).href });
    expect(m.path).toBe("body.cjs");
    expect(await m.osCpus()).toBe("function");
    await expect(stat(cacheOf("aaaa"))).rejects.toThrow();
    saveCodeCaches();
    expect((await stat(cacheOf("aaaa"))).size).toBeGreaterThan(100);

    const child = await runInProcess("pppp");
    expect(child).toMatchObject({ sum: 5, cpus: "function" });
    childTag = child.tag;
    expect((await stat(cacheOf("pppp", childTag))).size).toBeGreaterThan(100); // written at that process's exit
  }, 60_000);

  it("a later process loads from the cache, and the bundle's dynamic imports still work (Node 20 drops a cached script's import callback)", async () => {
    const before = await stat(cacheOf("pppp", childTag));
    expect(await runInProcess("pppp")).toMatchObject({ sum: 5, cpus: "function" });
    expect((await stat(cacheOf("pppp", childTag))).mtimeMs).toBe(before.mtimeMs); // accepted: not written again
  }, 60_000);

  it("a process under other V8 flags has a cache of its own: two commands used in turn never refuse and rewrite each other's", async () => {
    const plain = await stat(cacheOf("pppp", childTag));
    const other = await runInProcess("pppp", ["--no-use-osr"]); // V8 refuses a cache made under other flags
    expect(other.tag).not.toBe(childTag);
    const flagged = await stat(cacheOf("pppp", other.tag));
    expect((await runInProcess("pppp")).tag).toBe(childTag);
    expect((await runInProcess("pppp", ["--no-use-osr"])).tag).toBe(other.tag);
    expect((await stat(cacheOf("pppp", childTag))).mtimeMs).toBe(plain.mtimeMs);
    expect((await stat(cacheOf("pppp", other.tag))).mtimeMs).toBe(flagged.mtimeMs);
  }, 60_000);

  it("writes a script's cache only under the flags it was compiled under: the compiled CLI's command bundle, loaded before the flags are set, once they are undone (DEFAULT_V8_FLAGS)", async () => {
    const fixture = new URL("./fixtures/flagsAtSave.ts", import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", fixture, body, "ffff"], { env: { ...process.env } });
    const seen = JSON.parse(stdout) as { defaults: number; tuned: number; untuned: number; writtenTuned: boolean; writtenUntuned: boolean };
    expect(seen.tuned).not.toBe(seen.defaults);
    expect(seen.untuned).toBe(seen.defaults); // V8's own values: the CLI's flags undone
    expect(seen).toMatchObject({ writtenTuned: false, writtenUntuned: true }); // a cache made under the flags would be V8's to refuse
    const written = await stat(cacheOf("ffff", seen.defaults));
    expect(await runInProcess("ffff")).toMatchObject({ sum: 5, tag: seen.defaults });
    expect((await stat(cacheOf("ffff", seen.defaults))).mtimeMs).toBe(written.mtimeMs); // V8 took it: not written again
  }, 60_000);

  it("refuses a damaged cache (V8 itself checks only its header), runs the bundle and writes a good cache in its place", async () => {
    const good = await readFile(cacheOf("pppp", childTag));
    const damaged = Buffer.from(good);
    for (let i = good.length >> 1; i < good.length; i += 13) damaged[i] ^= 0x5a;
    await writeFile(cacheOf("pppp", childTag), damaged);
    expect(await runInProcess("pppp")).toMatchObject({ sum: 5, cpus: "function" });
    const rewritten = await readFile(cacheOf("pppp", childTag));
    expect(rewritten.equals(damaged)).toBe(false);
    expect(rewritten.length).toBe(good.length);
  }, 60_000);

  it("keeps a bundle's most recent caches (KEPT_CACHES), and another bundle's are left alone", async () => {
    for (const f of await readdir(codeCacheDir()!)) await rm(join(codeCacheDir()!, f));
    const other = join(codeCacheDir()!, `other.cjs-bbbb-${process.version}-${process.arch}.bin`);
    await writeFile(other, "x");
    await utimes(other, new Date(0), new Date(0));
    const hashes = Array.from({ length: KEPT_CACHES + 1 }, (_, i) => `b${i + 1}`);
    for (const [i, h] of hashes.entries()) {
      runScript(pathToFileURL(body), h);
      saveCodeCaches();
      const t = new Date(Date.now() - (hashes.length - i) * 60_000); // b1 the oldest
      await utimes(cacheOf(h), t, t);
    }
    runScript(pathToFileURL(body), "b0");
    saveCodeCaches();
    const left = (await readdir(codeCacheDir()!)).sort();
    expect(left).toEqual(["b0", ...hashes.slice(2)].map((h) => basename(cacheOf(h))).concat(`other.cjs-bbbb-${process.version}-${process.arch}.bin`).sort());
  });

  it("where the cache cannot be written, V8 is not asked to make one (a read-only install pays nothing at exit)", async () => {
    const blocked = join(dir, "not-a-folder");
    await writeFile(blocked, "a file where the cache folder would be");
    let made = 0;
    writeCache(join(blocked, "code", "body.cjs-dddd.bin"), body, () => {
      made++;
      return Buffer.from("x");
    });
    expect(made).toBe(0);
    writeCache(cacheOf("dddd"), body, () => {
      made++;
      return Buffer.from("payload");
    });
    expect(made).toBe(1);
    expect((await readFile(cacheOf("dddd"))).subarray(32).toString()).toBe("payload");
  });

  it("writes nothing with PERPSIM_CACHE_DIR=off", async () => {
    process.env.PERPSIM_CACHE_DIR = "off";
    try {
      expect(codeCacheDir()).toBeNull();
      const m = runScript(pathToFileURL(body), "cccc") as { add: (a: number, b: number) => number };
      expect(m.add(2, 2)).toBe(4);
      saveCodeCaches();
    } finally {
      process.env.PERPSIM_CACHE_DIR = join(dir, "cache");
    }
    await expect(stat(cacheOf("cccc"))).rejects.toThrow();
  });
});
