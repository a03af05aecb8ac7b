/**
 * Issue 16, rows 6 and 7: inputs that would run for ever or exhaust memory are refused up front, in one
 * line giving the limit; a forged shard is refused by field instead of hanging the merge.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeShard, encodeShard, PATH_FIELDS } from "../../src/stress/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { cli, ls, oneLine, ROOT } from "./cli.ts";

const work = mkdtempSync(join(tmpdir(), "perpsim-limits-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const GBM = join(ROOT, "examples/stress/long-btc-gbm.json");
const config = (patch: Record<string, unknown>) => {
  const p = join(work, `cfg-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify({ ...JSON.parse(readFileSync(GBM, "utf8")), ...patch }));
  return p;
};

describe("row 7: limits checked before anything is built, each stated in one line", () => {
  const cores = availableParallelism();
  const rows: [string, () => string[], RegExp][] = [
    ["stepMinutes 0.0001 (43 M steps)", () => ["stress", "--config", config({ stepMinutes: 0.0001 }), "--workers", "1"], /stepMinutes: 720 h in 0\.0001-minute steps is 432,000,000 steps \(per-step tables alone about [\d.]+ GiB\); at most 525,600 steps per path$/],
    ["horizonHours 1e9", () => ["stress", "--config", config({ horizonHours: 1e9 }), "--workers", "1"], /horizonHours: 1000000000 h in 60-minute steps is 1,000,000,000 steps .* at most 525,600 steps per path$/],
    ["--workers 1000", () => ["stress", "--config", GBM, "--workers", "1000"], new RegExp(`^perpsim stress: --workers 1000: this machine has ${cores} cores; at most ${cores} workers \\(each holds its own model and strategy in memory\\), or pass --force$`)],
    ["--sweep of a billion values", () => ["stress", "--config", GBM, "--workers", "1", "--sweep", "leverage=1:1000000:0.001"], /^perpsim stress: --sweep leverage=1:1000000:0\.001: 999,999,001 values; a sweep has at most 400 cells$/],
  ];
  it.each(rows)("%s", async (_name, argv) => {
    const out = join(work, "out");
    const started = Date.now();
    const r = await cli([...argv(), "--out", out]);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(rows.find((x) => x[1] === argv)![2]);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(ls(work).filter((n) => n.startsWith("out") || n.startsWith(".out"))).toEqual([]);
  });
});

describe("row 6: merge checks every decoded field's domain (a forged shard with its checksum recomputed)", () => {
  const forge = (bytes: Uint8Array, field: keyof typeof FIELD, value: number, record = 3) => {
    const { header, results } = decodeShard(bytes, "shard");
    results[record * PATH_FIELDS + FIELD[field]] = value;
    const { payload: _, format: _f, formatVersion: _v, ...input } = header;
    return encodeShard(input, results).bytes;
  };
  const cases: [string, keyof typeof FIELD, number, RegExp][] = [
    ["liquidated = 2", "liquidated", 2, /path 1, mode cross: field 'liquidated' is 2, not 0 or 1$/],
    ["liquidated = −1", "liquidated", -1, /path 1, mode cross: field 'liquidated' is -1, not 0 or 1$/],
    ["terminal equity NaN", "terminalEquity", NaN, /path 1, mode cross: field 'terminalEquity' is NaN$/],
  ];
  let shard: Uint8Array;
  it("a whole shard merges", async () => {
    const dir = join(work, "shards");
    expect((await cli(["stress", "--config", GBM, "--paths", "40", "--workers", "1", "--shard", "0/1", "--out", dir])).code).toBe(0);
    shard = readFileSync(join(dir, "shard-0-of-1.bin"));
    expect((await cli(["merge", dir, "--no-report", "--out", join(work, "merged")])).code).toBe(0);
  }, 60_000);
  it.each(cases)("%s: exit 1 at once, one line naming the shard, path and field", async (_n, field, value, line) => {
    const file = join(work, `forged-${field}-${value}.bin`);
    writeFileSync(file, forge(shard, field, value, 2)); // record 2 = path 1 (2 modes), cross
    const started = Date.now();
    const r = await cli(["merge", file, "--no-report", "--out", join(work, "forged-out")]);
    expect(r.code).toBe(1);
    const got = oneLine(r.err);
    expect(got.startsWith(`perpsim merge: ${file}: damaged shard file: `)).toBe(true);
    expect(got).toMatch(line);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(ls(work).filter((n) => n.includes("forged-out"))).toEqual([]);
  });
});
