import { PATH_COLUMNS } from "../results/index.ts";
import { CsvTable } from "./csv.ts";
import type { PairedDifference } from "./paired.ts";

const Z95 = 1.959963984540054;

/** Per path and mode, what paths.csv says: the figures the stress table compares. */
interface PathRow {
  terminalEquity: number;
  fundingPaid: number;
  badDebt: number;
}

/** paths.csv keyed by path index, one map per mode. */
export function readPathPairs(text: string): Map<string, Map<number, PathRow>> {
  const t = new CsvTable("paths.csv", text, PATH_COLUMNS);
  const [cp, cm, ct, cf, cb] = ["path", "mode", "terminalEquity", "fundingPaid", "badDebt"].map((c) => t.column(c));
  const out = new Map<string, Map<number, PathRow>>();
  for (let r = 0; r < t.rows.length; r++) {
    const mode = t.text(r, cm);
    if (!out.has(mode)) out.set(mode, new Map());
    out.get(mode)!.set(t.num(r, cp), { terminalEquity: t.num(r, ct), fundingPaid: t.num(r, cf), badDebt: t.num(r, cb) });
  }
  return out;
}

/**
 * The mean of cross − isolated over the same paths, with the normal 95 % interval of a paired mean
 * (d̄ ± 1.96 · s_d / √n). For a 0/1 figure this is the paired difference of two proportions. Null when
 * either mode is missing or fewer than two paths pair up.
 */
export function pairedMean(pairs: Map<string, Map<number, PathRow>>, value: (r: PathRow) => number): PairedDifference | null {
  const c = pairs.get("cross"), i = pairs.get("isolated");
  if (!c || !i) return null;
  const d: number[] = [];
  for (const [p, rc] of c) {
    const ri = i.get(p);
    if (ri) d.push(value(rc) - value(ri));
  }
  if (d.length < 2) return null;
  const mean = d.reduce((s, x) => s + x, 0) / d.length;
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
  const half = (Z95 * sd) / Math.sqrt(d.length);
  return { estimate: mean, ci95: [mean - half, mean + half] };
}
