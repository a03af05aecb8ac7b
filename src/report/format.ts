/** Number formats of the report: fixed, locale-free, so the same run gives the same bytes; money is the terminal's (results/grouped.ts). */
import { signed } from "../results/index.ts";

export { money, points, pointsInterval } from "../results/index.ts";

export function pct(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${signed(x, digits)} %` : "–";
}

/** A probability (0..1) shown as a percentage. */
export function prob(p: number, digits = 1): string {
  return pct(p * 100, digits);
}

export function hours(h: number | null): string {
  if (h === null || !Number.isFinite(h)) return "never";
  return h >= 48 ? `${(h / 24).toFixed(1)} d` : `${h.toFixed(1)} h`;
}

/** Keep about `sig` significant digits: chart data does not need more, and it keeps the page light. */
export function round(x: number, sig = 6): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(sig));
}

