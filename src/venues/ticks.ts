import type { TickRule } from "./tableTypes.ts";

/** Decimals of a decimal string such as "0.0100" (4) or "1" (0). */
function decimalsOf(tick: string): number {
  const i = tick.indexOf(".");
  return i < 0 ? 0 : tick.length - i - 1;
}

function group(fixed: string): string {
  const neg = fixed.startsWith("-");
  const [int, frac] = (neg ? fixed.slice(1) : fixed).split(".");
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}${g}${frac !== undefined ? `.${frac}` : ""}`;
}

/** `figures` significant figures (all the digits of a larger integer part); never 0 for a price above 0. */
function significant(p: number, figures: number): string {
  if (p === 0) return "0";
  const mag = Math.floor(Math.log10(Math.abs(p)));
  const decimals = Math.max(0, figures - 1 - mag);
  return Number(p.toPrecision(Math.max(figures, mag + 1))).toFixed(Math.min(decimals, 20));
}

/**
 * A price as the venue quotes it: at its tick (rounded to the nearest tick), by Hyperliquid's
 * significant-figure rule, or to 6 significant figures when the tick is not known. A price above 0
 * that the tick would print as 0 is printed to 6 significant figures instead (a price that exists is
 * never shown as 0). Thousands are grouped.
 */
export function formatPrice(price: number, rule: TickRule): string {
  if (!Number.isFinite(price)) return String(price);
  let text: string;
  if (rule.kind === "tick") {
    const tick = Number(rule.tickSize);
    const d = decimalsOf(rule.tickSize);
    text = (Math.round(price / tick) * tick).toFixed(d);
  } else if (rule.kind === "significant") {
    const mag = Math.floor(Math.log10(Math.abs(price) || 1));
    // integers are always valid prices; otherwise 5 significant figures, at most maxDecimals decimals
    const decimals = Math.max(0, Math.min(rule.figures - 1 - mag, rule.maxDecimals));
    text = Number(price.toPrecision(Math.max(rule.figures, mag + 1))).toFixed(decimals);
  } else {
    text = significant(price, 6);
  }
  if (price > 0 && Number(text) === 0) text = significant(price, 6);
  return group(text);
}

/** The rule in words, for `venues show`. */
export function describeTick(rule: TickRule): string {
  if (rule.kind === "tick") return `tick ${rule.tickSize}`;
  if (rule.kind === "significant") return `${rule.figures} significant figures, at most ${rule.maxDecimals} decimals (integers always)`;
  return "tick not in the table (prices print to 6 significant figures)";
}
