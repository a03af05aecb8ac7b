import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliLines as cli } from "../cli/inProcess.ts";
import { decodeShard, encodeShard } from "../../src/stress/index.ts";
import { standardBook } from "./fixtures/standardBook.ts";


let dir: string;
let config: string;
const shardsDir = () => join(dir, "shards");
const shardFile = (i: number, d = shardsDir()) => join(d, `shard-${i}-of-3.bin`);
// The config file says 1000 paths and seed 1; the command line says 300 and 5: the shards must carry the overrides.
const overrides = ["--paths", "300", "--seed", "5", "--workers", "1"];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-shard-"));
  config = join(dir, "book.json");
  await writeFile(config, JSON.stringify(standardBook({ horizonHours: 240, paths: 1000, seed: 1 })));
  expect((await cli(["stress", "--config", config, ...overrides, "--out", join(dir, "whole"), "--no-report"])).code).toBe(0);
  for (let i = 0; i < 3; i++) {
    const r = await cli(["stress", "--config", config, ...overrides, "--shard", `${i}/3`, "--out", shardsDir()]);
    expect(r.code).toBe(0);
    expect(r.out.join("\n")).toContain(`paths ${[0, 100, 200][i]}–${[99, 199, 299][i]} (100 of 300)`);
  }
  // shard 2 of another run: the same config file with seed 6
  const other = await cli(["stress", "--config", config, "--paths", "300", "--seed", "6", "--workers", "1", "--shard", "2/3", "--out", join(dir, "other")]);
  expect(other.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("perpsim stress --shard i/n, then perpsim merge", () => {
  it("a shard writes only its shard file: no summary, no report", async () => {
    expect((await readdir(shardsDir())).sort()).toEqual(["shard-0-of-3.bin", "shard-1-of-3.bin", "shard-2-of-3.bin"]);
  });

  it("merging the 3 shards (given in any order) gives summary.json, paths.csv and samples.csv byte-identical to one whole run", async () => {
    const out = join(dir, "merged");
    const r = await cli(["merge", shardFile(2), shardFile(0), shardFile(1), "--out", out]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    for (const f of ["summary.json", "paths.csv", "samples.csv"]) expect(await readFile(join(out, f), "utf8")).toBe(await readFile(join(dir, "whole", f), "utf8"));
    expect((await readdir(out)).sort()).toEqual([".perpsim-run", "paths.csv", "report.html", "samples.csv", "summary.json"]);
    const summary = JSON.parse(await readFile(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ command: "stress", paths: 300, seed: 5, horizonHours: 240 });
    expect((await readFile(join(out, "paths.csv"), "utf8")).trim().split("\n")).toHaveLength(1 + 300 * 2);
  });

  it("a folder argument reads every shard file in it", async () => {
    const out = join(dir, "merged-dir");
    expect((await cli(["merge", shardsDir(), "--out", out, "--no-report"])).code).toBe(0);
    expect(await readFile(join(out, "paths.csv"), "utf8")).toBe(await readFile(join(dir, "whole", "paths.csv"), "utf8"));
  });

  const refused: [string, () => Promise<string[]>, RegExp][] = [
    ["a missing shard", async () => [shardFile(0), shardFile(2)], /shard 1 of 3 missing/],
    ["a duplicate shard", async () => {
      await mkdir(join(dir, "copy"), { recursive: true });
      await copyFile(shardFile(1), join(dir, "copy", "shard-1-of-3.bin"));
      return [shardsDir(), join(dir, "copy")];
    }, /copy\/shard-1-of-3\.bin: duplicate of shard 1 of 3 \(also in .*shards\/shard-1-of-3\.bin\)/],
    ["shards of different configs", async () => [shardFile(0), shardFile(1), shardFile(2, join(dir, "other"))], /other\/shard-2-of-3\.bin: shard of a different run than .*shards\/shard-0-of-3\.bin/],
    ["a damaged shard", async () => {
      const bytes = await readFile(shardFile(1));
      await mkdir(join(dir, "damaged"), { recursive: true });
      await writeFile(join(dir, "damaged", "shard-1-of-3.bin"), bytes.subarray(0, bytes.length - 100));
      return [shardFile(0), join(dir, "damaged", "shard-1-of-3.bin"), shardFile(2)];
    }, /damaged\/shard-1-of-3\.bin: truncated or damaged shard file/],
    ["shards whose config resolves differently here (another perpsim version)", async () => {
      await mkdir(join(dir, "foreign"), { recursive: true });
      return Promise.all([0, 1, 2].map(async (i) => {
        const { header, results } = decodeShard(await readFile(shardFile(i)), "x");
        const file = join(dir, "foreign", `shard-${i}-of-3.bin`);
        await writeFile(file, encodeShard({ ...header, version: "0.0.9", fingerprint: "0".repeat(64) }, results).bytes);
        return file;
      }));
    }, /book\.json: the shards' config resolves differently here \(fingerprint [0-9a-f]{12} vs the shards' 000000000000; shards written by perpsim 0\.0\.9, this is [^)]+\)/],
  ];
  for (const [label, inputs, message] of refused) {
    it(`${label}: one line naming the file, exit 1, nothing written`, async () => {
      const out = join(dir, `out-${label.replace(/\W+/g, "-")}`);
      const r = await cli(["merge", ...(await inputs()), "--out", out]);
      expect(r.code).toBe(1);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).not.toContain("\n");
      expect(r.err[0]).toMatch(/^perpsim merge: /);
      expect(r.err[0]).toMatch(message);
      await expect(readdir(out)).rejects.toThrow();
    });
  }

  it("--shard is refused with --sweep, and beyond its count, before anything runs", async () => {
    const out = join(dir, "refused");
    const sweep = await cli(["stress", "--config", config, ...overrides, "--shard", "0/3", "--sweep", "correlation=0.5,0.9", "--out", out]);
    expect(sweep.code).toBe(1);
    expect(sweep.err).toEqual(["perpsim stress: --shard cannot be combined with --sweep: shard the base run, or run the sweep on one machine"]);
    const beyond = await cli(["stress", "--config", config, ...overrides, "--shard", "3/3", "--out", out]);
    expect(beyond.code).toBe(1);
    expect(beyond.err).toEqual(["perpsim stress: --shard 3/3: the index must be 0 to 2 (shards count from 0)"]);
    await expect(readdir(out)).rejects.toThrow();
  });
});
