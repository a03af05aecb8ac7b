import type { Venue } from "./types.ts";
import type { VenueTables } from "./tableSet.ts";

/** A venue's rules on a set of dated tables: tiers, table choice and liquidation fee all come from them. */
export function onTables(base: Omit<Venue, "tiers" | "table" | "tables" | "liquidationFee" | "liquidationLoss">, tables: VenueTables): Venue {
  const newest = tables.all[tables.all.length - 1];
  const loss = newest.liquidationLoss.cross ?? newest.liquidationLoss.isolated!;
  return {
    ...base,
    liquidationFee: loss.feeRate,
    liquidationLoss: newest.liquidationLoss,
    tables,
    tiers: (symbol, time) => tables.choose(symbol, time).table.tiers,
    table: (symbol, time) => tables.choose(symbol, time),
  };
}
