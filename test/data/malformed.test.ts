/** Every malformed file gets its own one-line message naming file, line and field — and exit 1 from the CLI. */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { readDataFile } from "../../src/data/index.ts";
import { InputError } from "../../src/market/index.ts";

const root = resolve(import.meta.dirname, "../..");
const fx = (name: string) => join("test/fixtures/data", name);

const table: [file: string, message: RegExp][] = [
  ["unknown-column.csv", /unknown-column\.csv:1: unknown column 'vol'/],
  ["unparseable-number.csv", /unparseable-number\.csv:3: field 'high': cannot parse '2x' as a number/],
  ["nan.csv", /nan\.csv:3: field 'close' is 'NaN', not a finite number/],
  ["infinity.csv", /infinity\.csv:2: field 'open' is 'Infinity', not a finite number/],
  ["non-positive-price.csv", /non-positive-price\.csv:3: field 'low' must be a positive price, found 0/],
  ["high-below-open-close.csv", /high-below-open-close\.csv:3: field 'high' 1\.4 is below max\(open, close\) 1\.5/],
  ["low-above-open-close.csv", /low-above-open-close\.csv:3: field 'low' 1\.3 is above min\(open, close\) 1\.2/],
  ["duplicate-timestamp.csv", /duplicate-timestamp\.csv:4: field 'open_time' duplicate timestamp 2020-01-01T01:00:00Z \(line 3/],
  ["decreasing-timestamp.csv", /decreasing-timestamp\.csv:4: field 'open_time' decreasing timestamp 2019-12-31T23:00:00Z/],
  ["mixed-intervals.csv", /mixed-intervals\.csv:6: field 'open_time' mixed bar intervals: a 30m step in a 1h series/],
  ["wrong-interval-for-name-1h.csv", /wrong-interval-for-name-1h\.csv:3: field 'open_time' mixed bar intervals: bars are mostly 4h apart but the file is named for 1h/],
  ["wrong-field-count.csv", /wrong-field-count\.csv:3: expected 6 fields, found 5/],
  ["unclosed-quote.csv", /unclosed-quote\.csv:3: malformed CSV/],
  ["funding-duplicate-settlement.csv", /funding-duplicate-settlement\.csv:4: field 'calc_time' duplicate settlement 2020-01-01T08:00:00Z \(line 3/],
  ["funding-bad-rate.csv", /funding-bad-rate\.csv:3: field 'fundingRate' is '-inf', not a finite number/],
  ["funding-unknown-columns.csv", /funding-unknown-columns\.csv:1: unknown columns 'time,rate'/],
  ["empty.csv", /empty\.csv: empty file/],
  ["not-gzip.csv.gz", /not-gzip\.csv\.gz: not a valid gzip file/],
];

describe("malformed files", () => {
  it.each(table)("%s is refused with its own message", async (name, message) => {
    const err = await readDataFile(fx(name)).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
  });

  it("each one makes `perpsim data validate FILE` print that line and exit 1", async () => {
    const run = promisify(execFile);
    for (const [name, message] of table) {
      const res = await run(process.execPath, ["--import", "tsx", "src/cli.ts", "data", "validate", fx(name)], { cwd: root }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(res.code, name).toBe(1);
      expect(res.stderr.trim().split("\n")).toHaveLength(1);
      expect(res.stderr, name).toMatch(message);
    }
  });
});

describe("valid variants", () => {
  it("reads a quoted CRLF file through csv-parse", async () => {
    const d = await readDataFile(fx("valid-quoted-1h.csv"));
    if (d.format !== "candles") throw new Error("expected candles");
    expect(Array.from(d.bars.high)).toEqual([2, 3]);
    expect(d.bars.intervalMs).toBe(3_600_000);
  });

  it("reads Binance's headerless 12-column kline layout", async () => {
    const d = await readDataFile(fx("valid-headerless-12col-1h.csv"));
    if (d.format !== "candles") throw new Error("expected candles");
    expect(d.bars.length).toBe(3);
    expect(d.bars.close[1]).toBe(7216.27);
    expect(d.bars.volume[2]).toBe(655.156);
  });

  it("reports gaps (count and first holes) without filling them", async () => {
    const d = await readDataFile(fx("valid-gaps-1h.csv"));
    if (d.format !== "candles") throw new Error("expected candles");
    expect(d.bars.length).toBe(5);
    expect(d.info.gaps).toEqual({
      missingBars: 3,
      holes: 2,
      first: [
        { from: Date.parse("2020-01-01T02:00:00Z"), to: Date.parse("2020-01-01T03:00:00Z"), bars: 2 },
        { from: Date.parse("2020-01-01T06:00:00Z"), to: Date.parse("2020-01-01T06:00:00Z"), bars: 1 },
      ],
    });
  });

  it("reads generic time,fundingRate files with the interval of their spacing", async () => {
    const d = await readDataFile(fx("valid-generic-funding.csv"));
    if (d.format === "candles") throw new Error("expected funding");
    expect(d.format).toBe("generic-funding");
    expect(Array.from(d.funding.intervalHours)).toEqual([8, 8, 8]);
    expect(d.funding.rate[0]).toBe(-0.00012359);
  });


});
