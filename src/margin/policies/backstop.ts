import type { LiquidationBucket } from "./types.ts";
import type { Recipient } from "../../venues/index.ts";
import { endFor } from "./remainder.ts";

/** The venue takes the positions over (Hyperliquid's backstop, Bybit's takeover); what is left goes where its table says. */
export function takeOver(b: LiquidationBucket, detail: string, to: Recipient): void {
  for (const s of b.slots) b.close(s, detail);
  b.finish(endFor(to));
}
