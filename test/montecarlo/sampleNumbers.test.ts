import { describe, expect, it } from "vitest";
import { num } from "../../src/stress/outputs.ts";

/** What samples.csv and paths.csv wrote before: the rounded double's own shortest form. */
const reference = (x: number, digits: number) => (Number.isFinite(x) ? String(Math.round(x * 10 ** digits) / 10 ** digits) : "");

describe("the CSV number formatter (outputs.ts num)", () => {
  it("writes the text the rounded double's shortest form gives, on random values of every magnitude", () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const mismatches: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 26 - 9);
      for (const d of [2, 4, 6] as const) if (num(x, d) !== reference(x, d)) mismatches.push(`${x} @${d}: ${num(x, d)} vs ${reference(x, d)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it("handles the edges: zero and −0, half-way values, the smallest and largest plain decimals, non-finite", () => {
    const xs = [0, -0, 1e-7, -1e-7, 5e-7, -5e-7, 4.9999999e-7, 1e-6, -1e-6, 0.5e-2, 1.005, 2.675, -2.675, 0.125, -0.125, 1e9 + 0.5, 123456789.123456789, 999999999.9999995, 1e15, -1e15, 1e20, 1e21, 1e22, 9.007199254740993e15, 5e-324, 1e300, -1e300, NaN, Infinity, -Infinity];
    for (const x of xs) for (const d of [2, 4, 6] as const) expect(`${x} @${d}: ${num(x, d)}`).toBe(`${x} @${d}: ${reference(x, d)}`);
    expect(num(-0.0000004, 6)).toBe("0");
    expect(num(1.5, 2)).toBe("1.5");
    expect(num(-20000.1, 2)).toBe("-20000.1");
    expect(num(0.000123, 6)).toBe("0.000123");
    expect(num(2160, 4)).toBe("2160");
  });
});
