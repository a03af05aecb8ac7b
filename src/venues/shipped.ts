import { parseVenueTables } from "./tableParse.ts";
import { VenueTables } from "./tableSet.ts";
import { SHIPPED_RAW } from "./shippedRaw.ts";

/** The venue's shipped dated tables (src/venues/tables/, listed in shippedRaw.ts), parsed and checked. */
export function shippedTables(venue: string): VenueTables {
  const files = (SHIPPED_RAW[venue] ?? []).map(([file, raw]) => parseVenueTables(raw, `src/venues/tables/${file}`, venue));
  return new VenueTables(venue, files);
}
