import binance2024 from "./tables/binance-2024-10-24.json" with { type: "json" };
import binance2026 from "./tables/binance-2026-03-05.json" with { type: "json" };
import bybit2023 from "./tables/bybit-2023-06-01.json" with { type: "json" };
import dydx2025 from "./tables/dydx-2025-07-20.json" with { type: "json" };
import gmx2026 from "./tables/gmx-2026-03-13.json" with { type: "json" };
import hyperliquid2026 from "./tables/hyperliquid-2026-07-03.json" with { type: "json" };
import { parseVenueTables } from "./tableParse.ts";
import { VenueTables } from "./tableSet.ts";

/**
 * The dated tables shipped in src/venues/tables/, imported as modules (the venues room reads no
 * files; a user's `venues update` files are read by the CLI and added with `withTableFiles`).
 */
const RAW: Record<string, Array<[string, unknown]>> = {
  binance: [["binance-2024-10-24.json", binance2024], ["binance-2026-03-05.json", binance2026]],
  bybit: [["bybit-2023-06-01.json", bybit2023]],
  dydx: [["dydx-2025-07-20.json", dydx2025]],
  gmx: [["gmx-2026-03-13.json", gmx2026]],
  hyperliquid: [["hyperliquid-2026-07-03.json", hyperliquid2026]],
};

export function shippedTables(venue: string): VenueTables {
  const files = (RAW[venue] ?? []).map(([file, raw]) => parseVenueTables(raw, `src/venues/tables/${file}`, venue));
  return new VenueTables(venue, files);
}
