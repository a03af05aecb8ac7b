import { getVenue, parseVenueTables, undated, withTableFiles, type CustomVenueSpec, type Venue } from "../venues/index.ts";
import type { StressConfig } from "./config.ts";

/**
 * The venue a stress config names, on its shipped tables plus the user's dated tables the CLI put
 * into the config (`venueTables`: file name and parsed JSON), so every worker thread and shard runs
 * on the same tables without reading files. Its own validation, one-line InputError.
 */
export function configVenue(config: StressConfig): Venue {
  const venue = getVenue(config.venue as string | CustomVenueSpec);
  const extra = config.venueTables ?? [];
  // model paths carry no calendar date: every step runs on the newest table
  if (extra.length === 0) return undated(venue);
  return undated(withTableFiles(venue, extra.map((t) => parseVenueTables(t.data, t.file, venue.name))));
}
