/**
 * `x` as `x.toLocaleString("en-US", { minimumFractionDigits, maximumFractionDigits })` writes it — digits
 * grouped by commas, rounded half away from zero on the shortest decimal form of the double (1.005 →
 * "1.01"), the sign of a negative that rounds to zero kept ("-0.00") — without ICU: the first
 * `toLocaleString` of a process loads ICU's number formatting, ~45 ms of a command's start or end
 * (measured on the stress CLI's progress line and summary). The same text (test/results/grouped.test.ts
 * compares the two). `maxFraction` defaults as Intl's does: 3, or `minFraction` when more.
 */
export function grouped(x: number, minFraction = 0, maxFraction = Math.max(minFraction, 3)): string {
  if (Number.isNaN(x)) return "NaN";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (!Number.isFinite(x)) return `${sign}∞`;
  // the shortest form's digits and where its point falls among them
  const text = String(Math.abs(x));
  const e = text.indexOf("e");
  const mantissa = e < 0 ? text : text.slice(0, e);
  const dot = mantissa.indexOf(".");
  let digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  let point = (dot < 0 ? mantissa.length : dot) + (e < 0 ? 0 : Number(text.slice(e + 1)));
  if (point < 1) {
    digits = "0".repeat(1 - point) + digits;
    point = 1;
  }
  const keep = point + maxFraction;
  if (digits.length < keep) digits += "0".repeat(keep - digits.length);
  const up = digits.length > keep && digits.charCodeAt(keep) >= 53; // "5"
  digits = digits.slice(0, keep);
  if (up) {
    const carried = increment(digits);
    if (carried.length > digits.length) point++;
    digits = carried;
  }
  let int = digits.slice(0, point).replace(/^0+(?=\d)/, "");
  let frac = digits.slice(point);
  let end = frac.length;
  while (end > minFraction && frac.charCodeAt(end - 1) === 48) end--; // "0"
  frac = frac.slice(0, end);
  int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac.length > 0 ? `${sign}${int}.${frac}` : `${sign}${int}`;
}

/**
 * A figure as the terminal and the report print it: exactly `fractionDigits` decimals, digits grouped, a minus
 * sign (U+2212) only when the printed figure is not zero (−0.004 → "0.00", never "−0.00"), "–" for NaN. The
 * digits are grouped()'s (half away from zero on the shortest decimal form), so a CLI table and the report
 * show the same cents for the same number.
 */
export function signed(x: number, fractionDigits: number): string {
  if (Number.isNaN(x)) return "–";
  const body = grouped(Math.abs(x), fractionDigits, fractionDigits);
  return x < 0 && /[1-9∞]/.test(body) ? `−${body}` : body;
}

/** Money to the cent (signed with 2 decimals). */
export const money = (x: number): string => signed(x, 2);

/** A string of decimal digits plus one in its last place ("199" → "200", "99" → "100"). */
function increment(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === "9") i--;
  if (i < 0) return "1" + "0".repeat(digits.length);
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + "0".repeat(digits.length - 1 - i);
}

/**
 * A difference of two probabilities, in percentage points with its sign, in the verdict's words (the report's and
 * the terminal's): "−5.0 points", "+0.3 points", "0.0 points"; rounded as `signed` rounds.
 */
export function points(d: number, digits = 1): string {
  if (!Number.isFinite(d)) return "–";
  const text = signed(d * 100, digits);
  return `${d > 0 && /[1-9]/.test(text) ? "+" : ""}${text} points`;
}

/** A 95 % interval of a difference: "−8.5 to −1.5 points". */
export function pointsInterval([lo, hi]: [number, number], digits = 1): string {
  return `${points(lo, digits).replace(/ points$/, "")} to ${points(hi, digits)}`;
}
