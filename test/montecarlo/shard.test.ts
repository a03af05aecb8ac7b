import { describe, expect, it } from "vitest";
import { InputError } from "../../src/market/index.ts";
import {
  configFingerprint, decodeShard, encodeShard, mergeShards, parseShard, PATH_FIELDS, type NamedShard, type ShardSpec,
} from "../../src/stress/index.ts";
import { FIELD } from "../../src/stress/pathResult.ts";
import { shardFileName, shardRange } from "../../src/stress/shard.ts";
import { simulateAll, simulateRange } from "../../src/stress/pool.ts";
import { type ShardHeaderInput } from "../../src/stress/shardFile.ts";
import { poolBook } from "./fixtures/poolBook.ts";

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("the split rule: shard i of n runs paths [⌊i·P/n⌋, ⌊(i+1)·P/n⌋)", () => {
  it("300 paths in 3 shards are 0–99, 100–199, 200–299; 10 in 3 are 0–2, 3–5, 6–9", () => {
    expect([0, 1, 2].map((index) => shardRange(300, { index, count: 3 }))).toEqual([{ start: 0, end: 100 }, { start: 100, end: 200 }, { start: 200, end: 300 }]);
    expect([0, 1, 2].map((index) => shardRange(10, { index, count: 3 }))).toEqual([{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 10 }]);
  });

  it("for every P ≤ 60 and n ≤ P the shards tile [0, P) in order, none empty, sizes within one of P/n", () => {
    for (let paths = 1; paths <= 60; paths++) {
      for (let count = 1; count <= paths; count++) {
        let next = 0;
        for (let index = 0; index < count; index++) {
          const { start, end } = shardRange(paths, { index, count });
          expect(start).toBe(next);
          expect(end - start).toBeGreaterThanOrEqual(Math.floor(paths / count));
          expect(end - start).toBeLessThanOrEqual(Math.ceil(paths / count));
          next = end;
        }
        expect(next).toBe(paths);
      }
    }
  });

  it("--shard i/n: 0 ≤ i < n ≤ paths, else a one-line InputError", () => {
    expect(parseShard("2/3", 300)).toEqual({ index: 2, count: 3 });
    expect(parseShard(" 0 / 1 ", 1)).toEqual({ index: 0, count: 1 });
    expect(() => parseShard("3/3", 300)).toThrow(/--shard 3\/3: the index must be 0 to 2/);
    expect(() => parseShard("0/0", 300)).toThrow(/at least 1/);
    expect(() => parseShard("1/-2", 300)).toThrow(/expected i\/n/);
    expect(() => parseShard("1", 300)).toThrow(/expected i\/n/);
    expect(() => parseShard("0/301", 300)).toThrow(/301 shards for 300 paths/);
    expect(() => parseShard("x", 300)).toThrow(InputError);
    expect(shardFileName({ index: 4, count: 16 })).toBe("shard-4-of-16.bin");
  });
});

describe("simulateRange: a shard's results are exactly its slice of the whole run", () => {
  it("paths 100–199 of 300, in 7-path chunks, equal bytes 100·stride… of simulateAll", async () => {
    const config = poolBook(0.5);
    const stride = config.modes.length * PATH_FIELDS;
    const whole = await simulateAll(config, { workers: 1 });
    const part = await simulateRange(config, 100, 100, { workers: 1, chunkSize: 7 });
    expect(part.length).toBe(100 * stride);
    expect(bytes(part).equals(bytes(whole.subarray(100 * stride, 200 * stride)))).toBe(true);
    // the slice is not trivially equal to another slice (the comparison has teeth)
    expect(bytes(part).equals(bytes(whole.subarray(0, 100 * stride)))).toBe(false);
    await expect(simulateRange(config, 250, 51, { workers: 1 })).rejects.toThrow(RangeError);
  });
});

/** A synthetic shard: results k·1000 + field, with a NaN liquidation hour on every path (no liquidation). */
function shard(spec: ShardSpec, paths: number, fingerprint = "f".repeat(64), range = shardRange(paths, spec)): Uint8Array {
  const modes = 2;
  const results = new Float64Array((range.end - range.start) * modes * PATH_FIELDS);
  for (let i = 0; i < results.length; i++) results[i] = (range.start * modes * PATH_FIELDS + i) * 0.5;
  for (let i = FIELD.liquidationHour; i < results.length; i += PATH_FIELDS) results[i] = NaN;
  for (let i = FIELD.liquidated; i < results.length; i += PATH_FIELDS) results[i] = 0; // in its domain: merge checks every field
  const header: ShardHeaderInput = {
    fingerprint, version: "0.1.0", shard: spec, range, paths, modes: ["cross", "isolated"], fields: PATH_FIELDS,
    config: { source: "c.json", text: "{}", overrides: { seed: 3 } },
  };
  return encodeShard(header, results).bytes;
}
const named = (file: string, b: Uint8Array): NamedShard => ({ file, ...decodeShard(b, file) });

describe("shard files", () => {
  it("round-trip header and results bit for bit, NaN included", () => {
    const b = shard({ index: 1, count: 3 }, 10);
    const { header, results } = decodeShard(b, "s.bin");
    expect(header).toMatchObject({ format: "perpsim-shard", shard: { index: 1, count: 3 }, range: { start: 3, end: 6 }, paths: 10, fields: PATH_FIELDS, config: { overrides: { seed: 3 } } });
    expect(Buffer.from(b.subarray(0, 8)).toString("latin1")).toBe("PSIMSHD1");
    expect(results.length).toBe(3 * 2 * PATH_FIELDS);
    expect(results[FIELD.terminalEquity]).toBe((3 * 2 * PATH_FIELDS + FIELD.terminalEquity) * 0.5); // path 3's terminal equity
    expect(Number.isNaN(results[FIELD.liquidationHour])).toBe(true);
  });

  it("stores each result as float64 little-endian, as a DataView writes it, and reads a file held at any byte offset", () => {
    const b = shard({ index: 0, count: 1 }, 2);
    const payloadAt = 8 + 4 + Buffer.from(b).readUInt32LE(8);
    const { results } = decodeShard(b, "s.bin");
    const expected = new Uint8Array(results.length * 8);
    const view = new DataView(expected.buffer);
    results.forEach((v, i) => view.setFloat64(i * 8, v, true));
    expect(Buffer.from(b.subarray(payloadAt)).equals(Buffer.from(expected))).toBe(true);
    // path 0's first record, low byte first: liquidated 0, liquidation hour NaN (0x7FF8…), terminal equity 1 (0x3FF0…)
    const at = (field: number) => [...b.subarray(payloadAt + field * 8, payloadAt + field * 8 + 8)];
    expect([FIELD.liquidated, FIELD.liquidationHour, FIELD.terminalEquity]).toEqual([0, 1, 2]);
    expect([at(0), at(1), at(2)]).toEqual([[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0xf8, 0x7f], [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]]);
    for (const offset of [1, 3, 5]) {
      const held = new Uint8Array(b.length + offset);
      held.set(b, offset);
      expect(bytes(decodeShard(held.subarray(offset), "odd.bin").results).equals(bytes(results))).toBe(true);
    }
  });

  it("a truncated, damaged or foreign file is one line naming the file", () => {
    const b = shard({ index: 0, count: 2 }, 10); // 5 paths × 2 modes × 14 fields × 8 bytes = 1,120 bytes of results
    expect(() => decodeShard(b.subarray(0, b.length - 8), "cut.bin")).toThrow(/^cut\.bin: truncated or damaged shard file: 1112 bytes of results, expected 1120 for paths 0–4$/);
    const flipped = Uint8Array.from(b);
    flipped[flipped.length - 1] ^= 1;
    expect(() => decodeShard(flipped, "bad.bin")).toThrow(/^bad\.bin: damaged shard file: its results do not match their checksum$/);
    expect(() => decodeShard(Buffer.from("paths,mode\n"), "paths.csv")).toThrow(/^paths\.csv: not a perpsim shard file/);
    expect(() => decodeShard(b.subarray(0, 30), "head.bin")).toThrow(/^head\.bin: truncated shard file/);
  });
});

describe("mergeShards", () => {
  const all = () => [0, 1, 2].map((i) => named(`s${i}.bin`, shard({ index: i, count: 3 }, 10)));

  it("assembles the shards in path order whatever order they come in", () => {
    const { header, results } = mergeShards(all().reverse());
    expect(header.shard.index).toBe(0);
    expect(results.length).toBe(10 * 2 * PATH_FIELDS);
    for (let i = 0; i < results.length; i++) if (i % PATH_FIELDS !== FIELD.liquidationHour && i % PATH_FIELDS !== FIELD.liquidated) expect(results[i]).toBe(i * 0.5);
  });

  it("a missing shard, a duplicate, another run's shard, another split's or a wrong range is one line naming the file", () => {
    const [s0, s1, s2] = all();
    expect(() => mergeShards([s0, s2])).toThrow(/^shard 1 of 3 missing \(have 2, e\.g\. s0\.bin\)$/);
    expect(() => mergeShards([s0, s1, s2, { ...s1, file: "copy/s1.bin" }])).toThrow(/^copy\/s1\.bin: duplicate of shard 1 of 3 \(also in s1\.bin\)$/);
    expect(() => mergeShards([s0, s1, s1, s2])).toThrow(/^s1\.bin: given twice$/);
    const other = named("other.bin", shard({ index: 1, count: 3 }, 10, "e".repeat(64)));
    expect(() => mergeShards([s0, other, s2])).toThrow(/^other\.bin: shard of a different run than s0\.bin \(config fingerprint eeeeeeeeeeee vs ffffffffffff/);
    expect(() => mergeShards([other, s0, s2])).toThrow(/^other\.bin: shard of a different run/); // the odd one out is named, not the first
    const half = named("half.bin", shard({ index: 1, count: 2 }, 10));
    expect(() => mergeShards([s0, half, s2])).toThrow(/^half\.bin: shard 1 of 2, but s0\.bin is one of 3/);
    const shifted = named("shifted.bin", shard({ index: 1, count: 3 }, 10, "f".repeat(64), { start: 4, end: 7 }));
    expect(() => mergeShards([s0, shifted, s2])).toThrow(/^shifted\.bin: paths 4–6, but shard 1 of 3 of 10 paths is 3–5$/);
    expect(() => mergeShards([])).toThrow(InputError);
  });
});

describe("configFingerprint", () => {
  it("depends on the seed, the paths and the version; not on key order", async () => {
    const a = poolBook(0.5);
    const f = await configFingerprint(a, "0.1.0");
    expect(f).toMatch(/^[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(await configFingerprint(reordered, "0.1.0")).toBe(f);
    expect(await configFingerprint({ ...a, seed: 4 }, "0.1.0")).not.toBe(f);
    expect(await configFingerprint(poolBook(0.5, 301), "0.1.0")).not.toBe(f);
    expect(await configFingerprint(poolBook(0.6), "0.1.0")).not.toBe(f);
    expect(await configFingerprint(a, "0.1.1")).not.toBe(f);
  });
});
