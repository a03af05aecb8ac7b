import { describe, expect, it } from "vitest";
import { atr, ema, rollingVolatility, sma } from "../../src/strategy/index.ts";

// every expected value below is worked by hand in the comment beside it
describe("indicators over history arrays", () => {
  it("sma: the mean of the last `length` values; NaN when too few or one is missing", () => {
    expect(sma(Float64Array.of(1, 2, 3, 4, 5), 3)).toBe(4); // (3 + 4 + 5) / 3
    expect(sma([2, 4, 6, 8])).toBe(5); // the whole window
    expect(sma([1, 2], 3)).toBeNaN();
    expect(sma([1, NaN, 3], 3)).toBeNaN();
    expect(() => sma([1, 2, 3], 0)).toThrow(/length must be a whole number/);
  });

  it("sma reads a view without copying: the subarray history hands out", () => {
    const closes = Float64Array.of(10, 20, 30, 40, 50, 60);
    const view = closes.subarray(2, 5); // 30, 40, 50
    expect(sma(view, 2)).toBe(45);
    closes[4] = 70; // the view sees the change: no copy was taken
    expect(sma(view, 2)).toBe(55);
  });

  it("ema: weight 2/(n+1), started from the SMA of the first n values", () => {
    // n = 3, k = 0.5: seed (1+2+3)/3 = 2; 4 → 2 + 0.5·2 = 3; 5 → 3 + 0.5·2 = 4
    expect(ema([1, 2, 3, 4, 5], 3)).toBe(4);
    // n = 2, k = 2/3: seed 15; 30 → 15 + 2/3·15 = 25; 40 → 25 + 2/3·15 = 35
    expect(ema([10, 20, 30, 40], 2)).toBeCloseTo(35, 12);
    expect(ema([7, 7, 7, 7, 7], 4)).toBe(7);
    expect(ema([1, 2], 3)).toBeNaN();
  });

  it("atr: the mean true range, a gap counted from the previous close", () => {
    // TR₁ = max(12−10, |12−10|, |10−10|) = 2; TR₂ = max(13−8, |13−11|, |8−11|) = 5; mean 3.5
    expect(atr([11, 12, 13], [9, 10, 8], [10, 11, 12], 2)).toBe(3.5);
    // a gap up: range 1, but |15 − 9.5| = 5.5 from the previous close
    expect(atr([10, 15], [9, 14], [9.5, 14.5], 1)).toBe(5.5);
    expect(atr([10, 15], [9, 14], [9.5, 14.5], 2)).toBeNaN(); // needs 3 closes
  });

  it("rollingVolatility: the sample standard deviation of log returns", () => {
    // closes 1, e, 1, e: log returns 1, −1, 1; mean 1/3; squared deviations 4/9 + 16/9 + 4/9 = 24/9; /(3−1) = 4/3
    expect(rollingVolatility([1, Math.E, 1, Math.E], 3)).toBeCloseTo(2 / Math.sqrt(3), 12);
    // a steady 1 % a bar has no volatility
    expect(rollingVolatility([100, 101, 102.01, 103.0301], 3)).toBeCloseTo(0, 12);
    expect(rollingVolatility([1, 2], 2)).toBeNaN();
  });
});
