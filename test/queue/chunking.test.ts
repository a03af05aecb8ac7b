import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStressConfig } from "../../src/stress/config.ts";
import { defaultChunkPaths, MAX_CHUNK_PATHS, MIN_CHUNK_ASSET_STEPS } from "../../src/queue/index.ts";
import { cliLines as cli } from "../cli/inProcess.ts";

const json = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"));
const SSW = json("bench/ssw.json");
const ssw = (paths: number) => parseStressConfig(SSW, "bench/ssw.json", { paths }).config;

describe("a queued run's chunk jobs", () => {
  it("hold at least ~4 M asset-steps of a portfolio's work: the SSW (2,160 steps × 3 assets) in chunks of 618 paths, not 32 chunks of 94", () => {
    expect(MIN_CHUNK_ASSET_STEPS).toBe(4_000_000);
    expect(defaultChunkPaths(ssw(3000))).toBe(618); // ⌈4,000,000 / 6,480⌉
    expect(defaultChunkPaths(ssw(10_000))).toBe(618); // 32 chunks would be 313 paths
    expect(defaultChunkPaths(ssw(100_000))).toBe(1000); // about 32 chunks, at most 1,000 paths each
    expect(defaultChunkPaths(ssw(50))).toBe(618); // more than the run: one chunk
  });

  it("of a short one-asset book stop at MAX_CHUNK_PATHS; a strategy book's are about a 32nd of the run", () => {
    // BTC alone over one day: 24 asset-steps a path would want 166,667 paths a chunk
    const btcDay = {
      ...SSW, horizonHours: 24, portfolio: [SSW.portfolio[0]],
      model: { ...SSW.model, assets: { BTC: SSW.model.assets.BTC }, correlation: [[1]] },
    };
    const short = parseStressConfig(btcDay, "btc-day.json", { paths: 200_000 }).config;
    expect(short.steps * short.model.assets.length).toBe(24);
    expect(defaultChunkPaths(short)).toBe(MAX_CHUNK_PATHS);
    const strategy = parseStressConfig(json("examples/stress/strategy-hedger.json"), "strategy-hedger.json", { paths: 3000 }).config;
    expect(strategy.book.kind).toBe("strategy");
    expect(defaultChunkPaths(strategy)).toBe(94); // ⌈3,000 / 32⌉: its steps run the user's code
  });

  it("--chunk-paths is refused without --queue, and must be a whole number", async () => {
    const alone = await cli(["stress", "--config", "bench/ssw.json", "--chunk-paths", "100", "--paths", "10"]);
    expect(alone.code).toBe(1);
    expect(alone.err.at(-1)).toMatch(/--chunk-paths applies only with --queue/);
    const bad = await cli(["stress", "--config", "bench/ssw.json", "--chunk-paths", "0", "--queue", "redis://127.0.0.1:1", "--paths", "10"]);
    expect(bad.code).toBe(1);
    expect(bad.err.at(-1)).toMatch(/--chunk-paths: must be a whole number ≥ 1, got '0'/);
  });
});
