import type { TierTable } from "./types.ts";
import { baseAsset } from "./symbols.ts";

/** A venue's `tiers(symbol)`: its published tables by base asset, else its default table. */
export function tierLookup(byAsset: Readonly<Record<string, TierTable>>, fallback: TierTable): (symbol: string) => TierTable {
  return (symbol) => byAsset[baseAsset(symbol)] ?? fallback;
}
