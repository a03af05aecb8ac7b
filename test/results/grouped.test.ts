import { describe, expect, it } from "vitest";
import { grouped } from "../../src/results/index.ts";
import { RandomStream } from "../../src/paths/random/stream.ts";

/** ICU's own text (V8's Intl: what toLocaleString("en-US", …) uses), the oracle grouped() must equal. */
const formats = new Map<string, Intl.NumberFormat>();
function icu(x: number, min: number, max: number): string {
  const key = `${min}/${max}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat("en-US", { minimumFractionDigits: min, maximumFractionDigits: max })));
  return f.format(x);
}

describe("grouped: en-US grouping without ICU, the same text as toLocaleString", () => {
  it("the cases that tell rounding rules and forms apart", () => {
    const cases: [number, number, number][] = [
      [1.005, 2, 2], [0.125, 2, 2], [2.675, 2, 2], [1.0049999999999999, 2, 2], [-0.001, 2, 2], [-0, 0, 0], [0, 2, 2],
      [1e21, 2, 2], [1.5e300, 0, 0], [123456789.125, 2, 2], [-1234.5, 0, 0], [0.5, 0, 0], [2.5, 0, 0], [-0.5, 0, 0],
      [999.995, 2, 2], [9999999.9999, 2, 2], [0.1 + 0.2, 0, 3], [12345.678, 0, 3], [1e-7, 0, 8], [5e-324, 2, 2],
      [0.00000123456, 0, 8], [1234567, 0, 3], [NaN, 2, 2], [Infinity, 2, 2], [-Infinity, 0, 0], [1e21 + 12345, 0, 0],
    ];
    for (const [x, min, max] of cases) expect(grouped(x, min, max), `${x} ${min} ${max}`).toBe(icu(x, min, max));
    expect(grouped(1234567.891)).toBe("1,234,567.891");
    expect(grouped(20000, 2)).toBe("20,000.00");
  });

  it("100,000 random doubles across magnitudes and digit settings", () => {
    const rng = new RandomStream("grouped");
    for (let k = 0; k < 100_000; k++) {
      const magnitude = Math.floor(rng.next() * 40) - 12;
      const x = (rng.next() < 0.5 ? -1 : 1) * rng.next() * 10 ** magnitude;
      // whole cents and halves too: the ties of the rounding rule
      const v = k % 3 === 0 ? Math.round(x * 1000) / 1000 + (k % 2) * 0.005 : x;
      const min = k % 4, max = min + (k % 7);
      const want = icu(v, min, max);
      if (grouped(v, min, max) !== want) expect(`${v} ${min} ${max}: ${grouped(v, min, max)}`).toBe(`${v} ${min} ${max}: ${want}`);
    }
  });
});
