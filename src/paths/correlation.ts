/**
 * Correlation matrices: validation, Cholesky factors, Higham's nearest correlation matrix for
 * hand-edited matrices that are not positive semi-definite, and convex blending toward a stress matrix
 * (a convex blend of two correlation matrices is a correlation matrix, so it never needs repair).
 * Matrices are `number[][]` at the edges (config, JSON) and row-major Float64Array inside.
 */

/** A square matrix, row-major. */
export interface SquareMatrix {
  readonly n: number;
  readonly data: Float64Array;
}

export function toSquareMatrix(rows: readonly (readonly number[])[]): SquareMatrix {
  const n = rows.length;
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = rows[i][j];
  return { n, data };
}

export function toRows(m: SquareMatrix): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < m.n; i++) rows.push(Array.from(m.data.subarray(i * m.n, (i + 1) * m.n)));
  return rows;
}

const SYMMETRY_TOLERANCE = 1e-9;

/**
 * Why `value` is not a correlation matrix of size `size` (square, symmetric, unit diagonal, entries in
 * [−1, 1]) as `[fieldPath, reason]`, or null when it is one. Positive semi-definiteness is separate:
 * see `isPositiveSemiDefinite` and `nearestCorrelation`.
 */
export function correlationProblem(value: unknown, size: number, field: string): [string, string] | null {
  if (!Array.isArray(value)) return [field, "must be an array of rows"];
  if (value.length !== size) return [field, `must have ${size} rows (one per asset), has ${value.length}`];
  for (let i = 0; i < size; i++) {
    const row = value[i];
    if (!Array.isArray(row)) return [`${field}[${i}]`, "must be an array"];
    if (row.length !== size) return [`${field}[${i}]`, `must have ${size} entries (the matrix must be square), has ${row.length}`];
    for (let j = 0; j < size; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) return [`${field}[${i}][${j}]`, "must be a number"];
      if (v < -1 || v > 1) return [`${field}[${i}][${j}]`, `must be in [-1, 1], is ${v}`];
    }
  }
  for (let i = 0; i < size; i++) {
    if (Math.abs(value[i][i] - 1) > SYMMETRY_TOLERANCE) return [`${field}[${i}][${i}]`, `diagonal must be 1, is ${value[i][i]}`];
    for (let j = 0; j < i; j++) {
      if (Math.abs(value[i][j] - value[j][i]) > SYMMETRY_TOLERANCE)
        return [`${field}[${i}][${j}]`, `must equal ${field}[${j}][${i}] (the matrix must be symmetric): ${value[i][j]} vs ${value[j][i]}`];
    }
  }
  return null;
}

/**
 * Lower-triangular Cholesky factor L (row-major) with A = L·Lᵀ, or null when A is not positive
 * semi-definite. Zero pivots (a perfectly correlated pair) are allowed: the column is set to zero.
 */
export function cholesky(a: SquareMatrix): Float64Array | null {
  const { n, data } = a;
  const l = new Float64Array(n * n);
  const scale = Math.max(1, ...Array.from({ length: n }, (_, i) => Math.abs(data[i * n + i])));
  for (let j = 0; j < n; j++) {
    let d = data[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (d < -1e-10 * scale) return null;
    if (d <= 1e-13 * scale) {
      // semi-definite: column j adds nothing, but the rows below must already be explained
      for (let i = j + 1; i < n; i++) {
        let s = data[i * n + j];
        for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
        if (Math.abs(s) > 1e-7 * scale) return null;
      }
      continue;
    }
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = data[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (fine for n ≤ ~20). */
export function symmetricEigen(a: SquareMatrix): { values: Float64Array; vectors: SquareMatrix } {
  const { n } = a;
  const m = Float64Array.from(a.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p];
          const akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k];
          const aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: { n, data: v } };
}

export function minEigenvalue(a: SquareMatrix): number {
  return Math.min(...symmetricEigen(a).values);
}

export function isPositiveSemiDefinite(a: SquareMatrix, tolerance = 1e-10): boolean {
  return minEigenvalue(a) >= -tolerance;
}

/** V·diag(max(λ, floor))·Vᵀ: the projection onto the PSD cone when floor = 0. */
function clipEigenvalues(a: SquareMatrix, floor: number): SquareMatrix {
  const { n } = a;
  const { values, vectors } = symmetricEigen(a);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lambda = Math.max(values[k], floor);
    if (lambda === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors.data[i * n + k] * lambda;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors.data[j * n + k];
    }
  }
  return { n, data: out };
}

/**
 * Higham (2002) nearest correlation matrix in the Frobenius norm: alternating projections onto the PSD
 * cone and the unit-diagonal set with Dykstra's correction. The result is finally nudged to a
 * strictly positive minimum eigenvalue (`eigenFloor`) and rescaled to a unit diagonal so its Cholesky
 * factor exists.
 */
export function nearestCorrelation(a: SquareMatrix, tolerance = 1e-10, maxIterations = 2000, eigenFloor = 1e-10): SquareMatrix {
  const { n } = a;
  let y: SquareMatrix = { n, data: Float64Array.from(a.data) };
  const correction = new Float64Array(n * n);
  for (let iter = 0; iter < maxIterations; iter++) {
    const r = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) r[k] = y.data[k] - correction[k];
    const x = clipEigenvalues({ n, data: r }, 0);
    for (let k = 0; k < n * n; k++) correction[k] = x.data[k] - r[k];
    const next = Float64Array.from(x.data);
    for (let i = 0; i < n; i++) next[i * n + i] = 1;
    let change = 0;
    let norm = 0;
    for (let k = 0; k < n * n; k++) {
      change += (next[k] - y.data[k]) ** 2;
      norm += next[k] ** 2;
    }
    y = { n, data: next };
    if (Math.sqrt(change) <= tolerance * Math.sqrt(norm)) break;
  }
  const floored = clipEigenvalues(symmetrize(y), eigenFloor);
  return unitDiagonal(floored);
}

function symmetrize(a: SquareMatrix): SquareMatrix {
  const { n } = a;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
  return { n, data: out };
}

function unitDiagonal(a: SquareMatrix): SquareMatrix {
  const { n } = a;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out[i * n + j] = i === j ? 1 : a.data[i * n + j] / Math.sqrt(a.data[i * n + i] * a.data[j * n + j]);
    }
  }
  return { n, data: out };
}

/** (1 − w)·calm + w·target: stays a valid correlation matrix for w in [0, 1]. */
export function blendCorrelation(calm: SquareMatrix, target: SquareMatrix, w: number): SquareMatrix {
  const out = new Float64Array(calm.data.length);
  for (let k = 0; k < out.length; k++) out[k] = (1 - w) * calm.data[k] + w * target.data[k];
  return { n: calm.n, data: out };
}

/** The n×n equicorrelation matrix with off-diagonal rho (valid for rho ≥ −1/(n−1)). */
export function equicorrelation(n: number, rho: number): SquareMatrix {
  const data = new Float64Array(n * n).fill(rho);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { n, data };
}

/**
 * A user's matrix made usable: unchanged when PSD, else Higham-repaired with a one-line warning that
 * prints the largest change and the repaired matrix.
 */
export function repairCorrelation(rows: readonly (readonly number[])[], field: string): { matrix: SquareMatrix; warning: string | null } {
  const m = toSquareMatrix(rows);
  const lambdaMin = minEigenvalue(m);
  if (lambdaMin >= -1e-12) return { matrix: m, warning: null };
  const repaired = nearestCorrelation(m);
  let largest = 0;
  for (let k = 0; k < m.data.length; k++) largest = Math.max(largest, Math.abs(repaired.data[k] - m.data[k]));
  const shown = toRows(repaired).map((r) => `[${r.map((v) => v.toFixed(4)).join(", ")}]`).join(", ");
  return {
    matrix: repaired,
    warning:
      `${field}: not positive semi-definite (smallest eigenvalue ${lambdaMin.toFixed(4)}); ` +
      `replaced by the nearest correlation matrix (Higham), largest entry change ${largest.toFixed(4)}: [${shown}]`,
  };
}
