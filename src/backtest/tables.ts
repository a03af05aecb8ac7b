import type { Account } from "../margin/index.ts";
import { describeSpans, type Venue } from "../venues/index.ts";

/**
 * The venue tables a run used, into its settings (`venueTable:<symbol>`: id, asOf and the dates each
 * covered) and a warning for each symbol whose bars lie more than a year from the date of the table
 * they ran on (`STALE_AFTER_DAYS`).
 */
export function recordTables(venue: Venue, symbols: readonly string[], from: number, to: number, settings: Record<string, string | number | boolean>, warnings: string[]): void {
  for (const symbol of symbols) {
    if (!venue.tables) {
      settings[`venueTable:${symbol}`] = venue.table(symbol).id;
      continue;
    }
    const { setting, warning } = describeSpans(symbol, venue.tables.spans(symbol, from, to));
    const t = venue.table(symbol, from);
    settings[`venueTable:${symbol}`] = t.venueSymbol === null ? `${setting} (not listed: the venue's default table, unsourced)` : setting;
    if (warning) warnings.push(`venue tables: ${warning}`);
    if (t.venueSymbol === null) warnings.push(`venue tables: ${symbol} is in no ${venue.label} table; it runs on the default table (unsourced)`);
  }
}

/** Times after `start` at which some symbol's table changes, ascending (the runner re-tables positions there). */
export function tableBoundaries(venue: Venue, symbols: readonly string[], start: number): number[] {
  if (!venue.tables) return [];
  const all = new Set<number>();
  for (const s of symbols) for (const b of venue.tables.boundaries(s)) if (b > start) all.add(b);
  return [...all].sort((a, b) => a - b);
}

/**
 * Before a bar: a venue table dated at or before the bar's open replaces the older one for the
 * positions held (new positions take the table in force at their own time anyway).
 */
export class TableClock {
  private readonly due: number[];
  private next = 0;

  constructor(venue: Venue, symbols: readonly string[], start: number, private readonly account: Account) {
    this.due = tableBoundaries(venue, symbols, start);
  }

  /** Re-table the positions held if a table's date has come by `t`. */
  advance(t: number): void {
    if (!(this.next < this.due.length && this.due[this.next] <= t)) return;
    while (this.next < this.due.length && this.due[this.next] <= t) this.next++;
    this.account.retable(t);
  }
}
