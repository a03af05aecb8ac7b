/** The columnar types' helpers: intrabar path rule, resampling arithmetic, alignment policy. */
import { describe, expect, it } from "vitest";
import { alignBars, resample } from "../../src/data/index.ts";
import { BarsBuilder, barPath, hasBar, writeBarPath } from "../../src/market/index.ts";

const H = 3_600_000;

describe("intrabar path: open → nearer extreme → farther extreme → close", () => {
  it("visits the low first when it is nearer to the open", () => {
    expect(barPath(100, 110, 95, 105).points).toEqual([100, 95, 110, 105]);
  });
  it("visits the high first when it is nearer", () => {
    expect(barPath(100, 103, 80, 90).points).toEqual([100, 103, 80, 90]);
  });
  it("on a tie takes the low first (pessimistic for longs) and the allocation-free form agrees", () => {
    const out = new Float64Array(4);
    expect(writeBarPath(100, 105, 95, 101, out)).toBe(true);
    expect(Array.from(out)).toEqual([100, 95, 105, 101]);
  });
});

describe("resample", () => {
  const b = new BarsBuilder();
  // four 1h bars 00:00–03:00, then 04:00 and 06:00 (05:00 missing)
  b.push(0, 10, 12, 9, 11, 1);
  b.push(H, 11, 15, 10, 14, 2);
  b.push(2 * H, 14, 14.5, 7, 8, 3);
  b.push(3 * H, 8, 9, 7.5, 8.5, 4);
  b.push(4 * H, 8.5, 9, 8, 8.8, 5);
  b.push(6 * H, 9, 9.5, 8.9, 9.1, 6);
  const hourly = b.finish(H);

  it("to 4h: first open, max high, min low, last close, summed volume", () => {
    const { bars, partialBuckets } = resample(hourly, 4 * H);
    expect(bars.length).toBe(1);
    expect([bars.time[0], bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]]).toEqual([0, 10, 15, 7, 8.5, 10]);
    expect(partialBuckets).toBe(1); // 04:00–08:00 lacks 05:00 and 07:00: left absent, not guessed
  });

  it("refuses a target that is not a whole multiple", () => {
    expect(() => resample(hourly, 90 * 60_000)).toThrow(/cannot resample 1h bars to 90m/);
  });
});

describe("alignBars", () => {
  it("places bars at their steps and leaves missing steps NaN", () => {
    const b = new BarsBuilder();
    b.push(H, 1, 2, 0.5, 1.5, 1);
    b.push(3 * H, 2, 3, 1.5, 2.5, 1);
    const a = alignBars(b.finish(H), 0, 5, "t");
    expect(Array.from(a.time)).toEqual([0, H, 2 * H, 3 * H, 4 * H]);
    expect([0, 1, 2, 3, 4].map((i) => hasBar(a, i))).toEqual([false, true, false, true, false]);
    expect(a.close[3]).toBe(2.5);
  });

  it("refuses bars off the clock's grid", () => {
    const b = new BarsBuilder();
    b.push(H / 2, 1, 2, 0.5, 1.5, 1);
    expect(() => alignBars(b.finish(H), 0, 3, "f.csv")).toThrow(/f\.csv: bar at 1970-01-01T00:30:00Z is not on the 1h clock/);
  });
});
