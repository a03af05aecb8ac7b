import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../market/index.ts";
import { parseVenueTables, withTableFiles, type Venue, type VenueTableFile } from "../venues/index.ts";
import { parseJsonText } from "./jsonText.ts";

/**
 * Where `perpsim venues update` writes and every command reads a user's dated table files:
 * $PERPSIM_VENUE_TABLES, else `data/venues` under the working directory.
 */
export function userTablesDir(): string {
  return resolve(process.env.PERPSIM_VENUE_TABLES ?? join("data", "venues"));
}

export interface UserTable {
  file: string;
  raw: unknown;
  parsed: VenueTableFile;
}

/**
 * Every `<venue>-*.json` table file in the directory (none when it does not exist); a bad file is a
 * one-line InputError; what a default stood in for (an old file's missing field) is one warning line on stderr.
 */
export function readUserTables(venue: string, dir = userTablesDir()): UserTable[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(`${venue}-`) && n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return names.map((n) => {
    const file = join(dir, n);
    const raw = parseJsonText(readFileSync(file, "utf8"), file); // a byte-order mark is skipped
    const parsed = parseVenueTables(raw, file, venue);
    for (const w of parsed.warnings) console.error(`warning: ${w}`);
    return { file, raw, parsed };
  });
}

/** The venue with the user's dated tables added (shipped tables stay; the newest in force wins). */
export function withUserTables(venue: Venue, dir?: string): { venue: Venue; files: UserTable[] } {
  if (!venue.tables) return { venue, files: [] };
  const files = readUserTables(venue.name, dir);
  return { venue: withTableFiles(venue, files.map((f) => f.parsed)), files };
}
