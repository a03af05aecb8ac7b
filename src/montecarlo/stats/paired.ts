import { Z95 } from "./wilson.ts";

/** A paired difference of two proportions on the same trials, with its 95 % interval. */
export interface PairedDifference {
  estimate: number;
  ci95: [number, number];
}

/**
 * The difference p₁ − p₂ of two proportions measured on the same n trials (McNemar's pairing), from the
 * discordant counts only: b = trials where only the first succeeded, c = only the second.
 * d = (b − c)/n, se = √(b + c − (b − c)²/n)/n, interval d ± z·se (Wald; Agresti & Min 2005 for the
 * pairing). With common random numbers this is far tighter than two independent intervals.
 */
export function pairedDifference(onlyFirst: number, onlySecond: number, trials: number, z = Z95): PairedDifference {
  if (trials <= 0) return { estimate: 0, ci95: [-1, 1] };
  const diff = onlyFirst - onlySecond;
  const d = diff / trials;
  const se = Math.sqrt(Math.max(0, onlyFirst + onlySecond - (diff * diff) / trials)) / trials;
  return { estimate: d, ci95: [Math.max(-1, d - z * se), Math.min(1, d + z * se)] };
}
