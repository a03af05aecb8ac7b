import binance20220205 from "./tables/binance-2022-02-05.json" with { type: "json" };
import binance20220521 from "./tables/binance-2022-05-21.json" with { type: "json" };
import binance20220820 from "./tables/binance-2022-08-20.json" with { type: "json" };
import binance20221125 from "./tables/binance-2022-11-25.json" with { type: "json" };
import binance20230217 from "./tables/binance-2023-02-17.json" with { type: "json" };
import binance20230313 from "./tables/binance-2023-03-13.json" with { type: "json" };
import binance20230801 from "./tables/binance-2023-08-01.json" with { type: "json" };
import binance20231212 from "./tables/binance-2023-12-12.json" with { type: "json" };
import binance20240203 from "./tables/binance-2024-02-03.json" with { type: "json" };
import binance20240530 from "./tables/binance-2024-05-30.json" with { type: "json" };
import binance2024 from "./tables/binance-2024-10-24.json" with { type: "json" };
import binance2026 from "./tables/binance-2026-03-05.json" with { type: "json" };
import bybit2023 from "./tables/bybit-2023-06-01.json" with { type: "json" };
import bybit20240615 from "./tables/bybit-2024-06-15.json" with { type: "json" };
import dydx2025 from "./tables/dydx-2025-07-20.json" with { type: "json" };
import dydx20251208 from "./tables/dydx-2025-12-08.json" with { type: "json" };
import gmx2026 from "./tables/gmx-2026-03-13.json" with { type: "json" };
import hyperliquid2026 from "./tables/hyperliquid-2026-07-03.json" with { type: "json" };

/**
 * The dated tables shipped in src/venues/tables/, imported as modules (the venues room reads no
 * files; a user's `venues update` files are read by the CLI and added with `withTableFiles`).
 */
export const SHIPPED_RAW: Record<string, Array<[string, unknown]>> = {
  binance: [
    // BTCUSDT/ETHUSDT brackets at each change in freqtrade's recorded history (2022-02 .. 2024-05)
    ["binance-2022-02-05.json", binance20220205], ["binance-2022-05-21.json", binance20220521], ["binance-2022-08-20.json", binance20220820], ["binance-2022-11-25.json", binance20221125], ["binance-2023-02-17.json", binance20230217], ["binance-2023-03-13.json", binance20230313], ["binance-2023-08-01.json", binance20230801], ["binance-2023-12-12.json", binance20231212], ["binance-2024-02-03.json", binance20240203], ["binance-2024-05-30.json", binance20240530],
    ["binance-2024-10-24.json", binance2024], ["binance-2026-03-05.json", binance2026]],
  bybit: [["bybit-2023-06-01.json", bybit2023], ["bybit-2024-06-15.json", bybit20240615]],
  dydx: [["dydx-2025-07-20.json", dydx2025], ["dydx-2025-12-08.json", dydx20251208]],
  gmx: [["gmx-2026-03-13.json", gmx2026]],
  hyperliquid: [["hyperliquid-2026-07-03.json", hyperliquid2026]],
};

/**
 * Where the newest shipped table of a venue sends what is left when its backstop takes a position over
 * (`liquidationLoss[mode].backstopRemainder`), for a user's file that predates the field.
 */
export function shippedBackstopRemainder(venue: string, mode: "cross" | "isolated"): unknown {
  const files = SHIPPED_RAW[venue] ?? [];
  const newest = files[files.length - 1]?.[1] as { liquidationLoss?: Record<string, { backstopRemainder?: unknown }> } | undefined;
  return newest?.liquidationLoss?.[mode]?.backstopRemainder;
}
