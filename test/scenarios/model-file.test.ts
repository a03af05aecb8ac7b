/**
 * `perpsim calibrate` output runs as is (issue 12 item 11): `stress --model model.json` on a book, a config
 * naming the model file, and `--model` alone on the default book. The file's figures are the model's: the
 * summary's model carries the file's diffusionVol, jump betas and per-asset idiosyncratic rates.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "perpsim-model-"));
  vi.spyOn(console, "log").mockImplementation(() => {});
  vi.spyOn(console, "error").mockImplementation(() => {});
  expect(await main(["calibrate", "--symbols", "BTCUSDT,ETHUSDT", "--from", "2024-01-01", "--to", "2024-07-01", "--out", join(dir, "cal")])).toBe(0);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const book = { venue: "binance", initialBalance: 10000, portfolio: [{ symbol: "BTCUSDT", side: "long", leverage: 5, weight: 0.2 }], horizonHours: 48, paths: 40, seed: 3 };
const summary = async (out: string) => JSON.parse(await readFile(join(out, "summary.json"), "utf8"));

describe("stress --model: a calibrated model file runs as it is", () => {
  it("--model FILE --config BOOK and a config naming the file give the same run, with the file's model and funding", async () => {
    const file = JSON.parse(await readFile(join(dir, "cal", "model.json"), "utf8"));
    await writeFile(join(dir, "book.json"), JSON.stringify(book));
    await writeFile(join(dir, "named.json"), JSON.stringify({ ...book, model: "cal/model.json" }));
    expect(await main(["stress", "--config", join(dir, "book.json"), "--model", join(dir, "cal", "model.json"), "--out", join(dir, "a"), "--no-report", "--workers", "1"])).toBe(0);
    expect(await main(["stress", "--config", join(dir, "named.json"), "--out", join(dir, "b"), "--no-report", "--workers", "1"])).toBe(0);
    const a = await summary(join(dir, "a")), b = await summary(join(dir, "b"));
    expect(a.runs).toEqual(b.runs);
    expect(a.model.assets.map((x: { vol: number }) => x.vol)).toEqual([file.model.assets.BTCUSDT.diffusionVol, file.model.assets.ETHUSDT.diffusionVol]);
    expect(a.model.assets.map((x: { idiosyncraticJumpsPerYear: number }) => x.idiosyncraticJumpsPerYear)).toEqual([0, file.model.assets.ETHUSDT.idiosyncraticJumpsPerYear]);
    expect(file.model.assets.ETHUSDT.idiosyncraticJumpsPerYear).toBeGreaterThan(0);
    expect(file.funding?.type).toBe("mean-reverting");
    expect(a.settings.funding).toBe(`mean-reverting around ${file.funding.mean} per 8h, cap ${file.funding.capPer8h}, settled every 8 h`);
  });

  it("--model alone runs the default book on every model asset", async () => {
    expect(await main(["stress", "--model", join(dir, "cal", "model.json"), "--paths", "20", "--out", join(dir, "c"), "--no-report", "--workers", "1"])).toBe(0);
    const s = await summary(join(dir, "c"));
    expect(s.paths).toBe(20);
    expect(s.settings.portfolio).toBe("long BTCUSDT 2x weight 0.25, long ETHUSDT 2x weight 0.25");
  });

  it("a model file that is not one is a one-line error naming it, exit 1, nothing written", async () => {
    await writeFile(join(dir, "bad.json"), JSON.stringify({ description: "no model here" }));
    const err = vi.spyOn(console, "error");
    err.mockClear();
    expect(await main(["stress", "--config", join(dir, "book.json"), "--model", join(dir, "bad.json"), "--out", join(dir, "d")])).toBe(1);
    expect(err.mock.calls.map((c) => String(c[0])).join("\n")).toMatch(/bad\.json: model: missing/);
    expect(existsSync(join(dir, "d"))).toBe(false);
  });
});
