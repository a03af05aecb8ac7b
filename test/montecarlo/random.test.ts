import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { ChiSquareSampler, GammaSampler, exponential, poisson } from "../../src/paths/random/distributions.ts";
import { fillNormals, normal } from "../../src/paths/random/ziggurat.ts";
import { normCdf } from "../../src/paths/math.ts";
import { pathStream } from "../../src/paths/random/stream.ts";
import { RandomStream, streamKey } from "../../src/paths/index.ts";

/** mean and variance of a sample */
function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

describe("per-path random streams", () => {
  it("reproduce seedrandom.alea's sequence for the path's key", () => {
    const reference = seedrandom.alea(streamKey(7, 123));
    const ours = pathStream(7, 123);
    for (let i = 0; i < 1000; i++) expect(ours.next()).toBe(reference());
  });

  it("start from seedrandom.alea's own state for any key (Alea's Mash seeding done here, random/mash.ts)", () => {
    const keys = ["", " ", "7/0/0", "héllo", "🎲/1", "a".repeat(300), "-3.5/1e+21/2"];
    for (let s = 0; s < 20; s++) for (let p = 0; p < 100; p++) for (let q = 0; q < 3; q++) keys.push(streamKey(s, p, q));
    let state = 12345;
    const lcg = () => (state = (state * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 500; i++) {
      const chars = Array.from({ length: lcg() % 25 }, () => lcg() % 65536);
      keys.push(String.fromCharCode(...chars));
    }
    const ours = new RandomStream("x");
    for (const key of keys) {
      const reference = (seedrandom.alea(key, { state: true }) as unknown as { state(): object }).state();
      ours.reseed(key);
      expect({ s0: ours.s0, s1: ours.s1, s2: ours.s2, c: ours.c }, JSON.stringify(key)).toStrictEqual(reference);
    }
  });

  it("depend only on (seed, path, substream)", () => {
    const a = pathStream(7, 5);
    a.next();
    const again = pathStream(7, 5);
    const fresh = pathStream(7, 5);
    for (let i = 0; i < 10; i++) expect(again.next()).toBe(fresh.next());
    expect(pathStream(7, 5).next()).not.toBe(pathStream(7, 6).next());
    expect(pathStream(7, 5).next()).not.toBe(pathStream(8, 5).next());
    expect(pathStream(7, 5, 0).next()).not.toBe(pathStream(7, 5, 1).next());
  });
});

describe("Ziggurat normals", () => {
  const N = 400_000;
  const rng = new RandomStream("zig");
  const z = new Float64Array(N);
  fillNormals(rng, z);

  it("have mean 0 and variance 1 (4 standard errors)", () => {
    const { mean, variance } = moments(z);
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
  });

  it("put the right mass in the tails: P(z < −3) and P(z > 2)", () => {
    for (const [test, p] of [[(x: number) => x < -3, normCdf(-3)], [(x: number) => x > 2, 1 - normCdf(2)]] as const) {
      let k = 0;
      for (const x of z) if (test(x)) k++;
      expect(Math.abs(k / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it("per-call and bulk draws give the same numbers", () => {
    const a = new RandomStream("same");
    const b = new RandomStream("same");
    const bulk = new Float64Array(1000);
    fillNormals(a, bulk);
    for (let i = 0; i < 1000; i++) expect(normal(b)).toBe(bulk[i]);
  });
});

describe("gamma, chi-square, Poisson, exponential", () => {
  const N = 200_000;
  const rng = new RandomStream("dist");

  it.each([0.5, 2, 7.5])("Gamma(%s) has mean k and variance k", (k) => {
    const g = new GammaSampler(k);
    const xs = Float64Array.from({ length: N }, () => g.sample(rng));
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - k)).toBeLessThan(4 * Math.sqrt(k / N));
    // Var of the sample variance of a gamma: (μ4 − σ⁴)/N with μ4 = 3k² + 6k
    expect(Math.abs(variance - k)).toBeLessThan(4 * Math.sqrt((2 * k * k + 6 * k) / N));
  });

  it.each([1.5, 3, 4, 9])("χ²_%s then normals in one pass (state in locals) are the draws of draw() then fillNormals", (dof) => {
    const chi = new ChiSquareSampler(dof);
    const a = new RandomStream(`one pass ${dof}`);
    const b = new RandomStream(`one pass ${dof}`);
    const fast = new Float64Array(4);
    const slow = new Float64Array(4);
    for (let k = 0; k < 20_000; k++) {
      chi.drawThenNormals(a, fast, 3);
      chi.draw(b);
      slow[3] = chi.result[0];
      fillNormals(b, slow, 3);
      for (let i = 0; i < 4; i++) if (!Object.is(fast[i], slow[i])) expect([k, i, fast[i]]).toEqual([k, i, slow[i]]);
    }
    expect(a.next()).toBe(b.next());
  });

  it("χ²_4 has mean 4 and P(χ²_4 > 9.4877) = 0.05", () => {
    const c = new ChiSquareSampler(4);
    let sum = 0;
    let tail = 0;
    for (let i = 0; i < N; i++) {
      const x = c.sample(rng);
      sum += x;
      if (x > 9.487729036781154) tail++;
    }
    expect(Math.abs(sum / N - 4)).toBeLessThan(4 * Math.sqrt(8 / N));
    expect(Math.abs(tail / N - 0.05)).toBeLessThan(4 * Math.sqrt(0.05 * 0.95 / N));
  });

  it.each([0.02, 3, 80])("Poisson(%s) has mean and variance λ", (lambda) => {
    const xs = Float64Array.from({ length: N }, () => poisson(rng, lambda));
    const { mean, variance } = moments(xs);
    expect(Number.isInteger(xs[17])).toBe(true);
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / N));
    expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((2 * lambda * lambda + lambda) / N));
  });

  it("Poisson(0.02) puts e^−0.02 on zero", () => {
    let zeros = 0;
    for (let i = 0; i < N; i++) if (poisson(rng, 0.02) === 0) zeros++;
    const p = Math.exp(-0.02);
    expect(Math.abs(zeros / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });

  it("exponential has mean 1 and P(X > 3) = e^−3", () => {
    let sum = 0;
    let tail = 0;
    for (let i = 0; i < N; i++) {
      const x = exponential(rng);
      sum += x;
      if (x > 3) tail++;
    }
    expect(Math.abs(sum / N - 1)).toBeLessThan(4 / Math.sqrt(N));
    const p = Math.exp(-3);
    expect(Math.abs(tail / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
  });
});
