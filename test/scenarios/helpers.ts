import { createModel, type ModelSpec, type PathModel } from "../../src/paths/index.ts";
import { pathStream } from "../../src/paths/random/stream.ts";

export const DT_HOUR = 1 / 8760;

export function gbmSpec(assets: [string, number, number][], correlation: number[][]): ModelSpec {
  return { type: "gbm", assets: assets.map(([symbol, price, vol]) => ({ symbol, price, vol, drift: 0 })), correlation };
}

/** Every path's hourly log returns: out[path][step][asset]. */
export function simulate(model: PathModel, paths: number, steps: number, seed = 7): Float64Array[][] {
  const n = model.symbols.length;
  const out: Float64Array[][] = [];
  const v = new Float64Array(n);
  for (let p = 0; p < paths; p++) {
    model.reset(pathStream(seed, p));
    const path: Float64Array[] = [];
    for (let s = 0; s < steps; s++) {
      const r = new Float64Array(n);
      model.step(DT_HOUR, r, v);
      path.push(r);
    }
    out.push(path);
  }
  return out;
}

export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let sx = 0, sy = 0;
  for (let i = 0; i < n; i++) { sx += x[i]; sy += y[i]; }
  const mx = sx / n, my = sy / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx, b = y[i] - my;
    sxy += a * b; sxx += a * a; syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export function stdev(x: ArrayLike<number>): number {
  let s = 0, ss = 0;
  for (let i = 0; i < x.length; i++) { s += x[i]; ss += x[i] * x[i]; }
  const m = s / x.length;
  return Math.sqrt(ss / x.length - m * m);
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

export { createModel };
