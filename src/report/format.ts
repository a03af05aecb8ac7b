/** Number formats of the report: fixed, locale-free, so the same run gives the same bytes; money is the terminal's (results/grouped.ts). */
import { signed } from "../results/index.ts";

export { money } from "../results/index.ts";

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

/** A difference of two probabilities, in percentage points with its sign: "−5.0 points", "+0.3 points". */
export function points(d: number, digits = 1): string {
  if (!Number.isFinite(d)) return "–";
  const text = Math.abs(d * 100).toFixed(digits);
  const sign = Number(text) === 0 ? "" : d < 0 ? "−" : "+";
  return `${sign}${text} points`;
}

/** A 95 % interval of a difference: "−8.5 to −1.5 points". */
export function pointsInterval([lo, hi]: [number, number], digits = 1): string {
  return `${points(lo, digits).replace(/ points$/, "")} to ${points(hi, digits)}`;
}
