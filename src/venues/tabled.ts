import type { Venue } from "./types.ts";
import type { VenueTables } from "./tableSet.ts";

type TableFields = "tiers" | "table" | "tables" | "liquidationFee" | "liquidationLoss";

/**
 * A venue's rules on a set of dated tables: tiers, table choice and liquidation fee all come from them.
 * `tables` may be a function: the shipped tables are then parsed on first use, not when the venues room
 * loads (~30 ms of every thread's start-up otherwise, also for runs on another venue or a custom one).
 */
export function onTables(base: Omit<Venue, TableFields>, tables: VenueTables | (() => VenueTables)): Venue {
  let loaded = typeof tables === "function" ? null : tables;
  const get = (): VenueTables => (loaded ??= (tables as () => VenueTables)());
  const newestLoss = () => get().all[get().all.length - 1].liquidationLoss;
  const venue = {
    ...base,
    tiers: (symbol, time) => get().choose(symbol, time).table.tiers,
    table: (symbol, time) => get().choose(symbol, time),
  } as Omit<Venue, "tables" | "liquidationFee" | "liquidationLoss">;
  return Object.defineProperties(venue, {
    tables: { get, enumerable: true },
    liquidationLoss: { get: newestLoss, enumerable: true },
    liquidationFee: { get: () => (newestLoss().cross ?? newestLoss().isolated!).feeRate, enumerable: true },
  }) as Venue;
}
