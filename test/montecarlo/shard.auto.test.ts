import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { parseShard } from "../../src/stress/index.ts";
import { SHARD_INDEX_VARIABLES } from "../../src/stress/shard.ts";

describe("--shard auto/N takes the index from the batch engine", () => {
  it.each(SHARD_INDEX_VARIABLES.map((name) => [name]))("from %s, counted from 0", (name) => {
    expect(parseShard("auto/4", 100, { [name]: "0" })).toEqual({ index: 0, count: 4 });
    expect(parseShard("auto/4", 100, { [name]: "3" })).toEqual({ index: 3, count: 4 });
    expect(() => parseShard("auto/4", 100, { [name]: "4" })).toThrow(/the index must be 0 to 3/);
  });

  it("a Slurm array not started at 0 is refused with the rule", () => {
    expect(() => parseShard("auto/4", 100, { SLURM_ARRAY_TASK_ID: "4" })).toThrow(/index 4 from SLURM_ARRAY_TASK_ID\): .*--array=0-3/);
  });

  it("no variable set, or one that is not a whole number, is one line naming them", () => {
    expect(() => parseShard("auto/4", 100, {})).toThrow(/none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX is set/);
    expect(() => parseShard("auto/4", 100, { JOB_COMPLETION_INDEX: "x1" })).toThrow(/JOB_COMPLETION_INDEX="x1" is not a whole number/);
  });

  it("the first variable set wins (Kubernetes, then Slurm, then AWS Batch)", () => {
    expect(parseShard("auto/4", 100, { AWS_BATCH_JOB_ARRAY_INDEX: "2", SLURM_ARRAY_TASK_ID: "1" })).toEqual({ index: 1, count: 4 });
  });
});

describe("perpsim stress --shard auto/3 writes the shard the environment names", () => {
  let dir: string;
  let config: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "perpsim-shard-auto-"));
    config = join(dir, "book.json");
    await writeFile(config, JSON.stringify({
      venue: "hyperliquid", initialBalance: 10000, portfolio: [{ symbol: "BTC", side: "long", leverage: 3, weight: 0.5 }],
      model: { type: "gbm", assets: { BTC: { price: 60000, vol: 0.6 } } }, funding: { type: "none" },
      horizonHours: 24, stepMinutes: 60, paths: 30, seed: 1, modes: ["cross", "isolated"],
    }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(SHARD_INDEX_VARIABLES.map((name, i) => [name, i]))("%s=%i", async (name, index) => {
    const saved = { ...process.env };
    for (const n of SHARD_INDEX_VARIABLES) delete process.env[n];
    process.env[name] = String(index);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const out = join(dir, name);
      expect(await main(["stress", "--config", config, "--workers", "1", "--shard", "auto/3", "--out", out])).toBe(0);
      expect(await readdir(out)).toEqual([`shard-${index}-of-3.bin`]);
    } finally {
      log.mockRestore();
      process.env = saved;
    }
  });
});
