import { describe, expect, it } from "vitest";
import {
  blendCorrelation, cholesky, correlationProblem, equicorrelation, repairCorrelation, toRows, toSquareMatrix,
} from "../../src/paths/index.ts";
import { minEigenvalue, nearestCorrelation, symmetricEigen } from "../../src/paths/correlation.ts";

describe("correlation validation", () => {
  const ok = [[1, 0.8, 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]];
  it("accepts a valid matrix", () => expect(correlationProblem(ok, 3, "m")).toBeNull());
  it.each([
    [[[1, 0.8], [0.8, 1]], "m", "must have 3 rows"],
    [[[1, 0.8, 0.7], [0.8, 1], [0.7, 0.75, 1]], "m[1]", "square"],
    [[[1, 0.8, 0.7], [0.8, 1, 1.2], [0.7, 1.2, 1]], "m[1][2]", "[-1, 1]"],
    [[[1, 0.8, 0.7], [0.8, 0.9, 0.75], [0.7, 0.75, 1]], "m[1][1]", "diagonal must be 1"],
    [[[1, 0.8, 0.7], [0.5, 1, 0.75], [0.7, 0.75, 1]], "m[1][0]", "symmetric"],
    [[[1, "x", 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]], "m[0][1]", "must be a number"],
  ])("names the field of a bad matrix %#", (m, field, reason) => {
    const p = correlationProblem(m, 3, "m");
    expect(p?.[0]).toBe(field);
    expect(p?.[1]).toContain(reason);
  });
});

describe("Cholesky", () => {
  it("factors A = L·Lᵀ with the textbook 2×2 entries", () => {
    const l = cholesky(toSquareMatrix([[1, 0.6], [0.6, 1]]))!;
    expect(Array.from(l)).toEqual([1, 0, 0.6, expect.closeTo(0.8, 12)]);
  });
  it("accepts a perfectly correlated (semi-definite) pair and rejects an indefinite matrix", () => {
    expect(cholesky(toSquareMatrix([[1, 1], [1, 1]]))).not.toBeNull();
    expect(cholesky(toSquareMatrix([[1, 1, 0], [1, 1, 1], [0, 1, 1]]))).toBeNull();
  });
});

describe("symmetric eigen-decomposition (Jacobi)", () => {
  it("gives 1 + (n−1)ρ and 1 − ρ for an equicorrelation matrix", () => {
    const values = Array.from(symmetricEigen(equicorrelation(5, 0.3)).values).sort((a, b) => a - b);
    for (let i = 0; i < 4; i++) expect(values[i]).toBeCloseTo(0.7, 12);
    expect(values[4]).toBeCloseTo(2.2, 12);
  });
});

describe("Higham nearest correlation matrix", () => {
  // Higham (2002) §4 example, also the README example of mikecroucher/nearest_correlation
  const a = [[1, 1, 0], [1, 1, 1], [0, 1, 1]];
  it("repairs the paper's example to its published answer", () => {
    const x = toRows(nearestCorrelation(toSquareMatrix(a)));
    const expected = [[1, 0.76068985, 0.15729811], [0.76068985, 1, 0.76068985], [0.15729811, 0.76068985, 1]];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(x[i][j]).toBeCloseTo(expected[i][j], 4);
  });

  it("returns unit diagonal, min eigenvalue ≥ 0, and a Cholesky factor", () => {
    const x = nearestCorrelation(toSquareMatrix([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]));
    for (let i = 0; i < 3; i++) expect(x.data[i * 3 + i]).toBe(1);
    expect(minEigenvalue(x)).toBeGreaterThanOrEqual(0);
    expect(cholesky(x)).not.toBeNull();
  });

  it("leaves a valid matrix alone and warns with the change when it repairs", () => {
    expect(repairCorrelation([[1, 0.5], [0.5, 1]], "m").warning).toBeNull();
    const { warning } = repairCorrelation(a, "model.correlation");
    expect(warning).toMatch(/^model\.correlation: not positive semi-definite \(smallest eigenvalue -0\.4142\).*largest entry change 0\.2393/);
    expect(warning).not.toContain("\n");
  });
});

describe("blending toward a stress matrix", () => {
  it("stays a valid correlation matrix for every weight", () => {
    const calm = toSquareMatrix([[1, 0.8, 0.7], [0.8, 1, 0.75], [0.7, 0.75, 1]]);
    for (const w of [0, 0.3, 0.9, 1]) {
      const m = blendCorrelation(calm, equicorrelation(3, 0.95), w);
      expect(m.data[4]).toBe(1);
      expect(m.data[1]).toBeCloseTo(0.8 + w * 0.15, 12);
      expect(minEigenvalue(m)).toBeGreaterThan(0);
      expect(cholesky(m)).not.toBeNull();
    }
  });
});
