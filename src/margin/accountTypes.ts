import type { MarginMode, Venue } from "../venues/index.ts";
import type { EventSink } from "./events.ts";
import type { Ledger } from "./ledger.ts";
import type { RuleOverrides } from "./maintenance.ts";
import type { Side } from "./types.ts";

/* The options of `new Account`, of its trades, and what it reads back (account.ts). */

export interface AccountOptions {
  venue: Venue;
  /** initial wallet balance (cross wallet) */
  balance: number;
  /** symbols in slot order: price arrays passed to the checks are indexed by these slots */
  symbols: readonly string[];
  /** "exact" (decimal.js, venue's settlement precision; default) or "fast" (float64), or your own */
  ledger?: "exact" | "fast" | Ledger;
  /** where events go; none = not recorded */
  events?: EventSink;
  /** liquidation fills at the trigger price worsened by this share (0.002 = 0.2 %); default 0 */
  liquidationSlippage?: number;
}

export interface OpenOptions extends RuleOverrides {
  /** margin mode of a new position; default cross (ignored when the position exists) */
  mode?: MarginMode;
  /** leverage of a new position (default min(20, max)); with `margin`, derived from it */
  leverage?: number;
  /** isolated margin to put behind a new position instead of notional / leverage */
  margin?: number;
  /** maker fee instead of taker */
  maker?: boolean;
}

export type TradeResult = "filled" | "insufficient-margin";

/** A read-only view of an open position. */
export interface PositionView {
  symbol: string;
  slot: number;
  side: Side;
  size: number;
  entryPrice: number;
  mode: MarginMode;
  leverage: number;
  /** isolated margin (0 for cross) */
  margin: number;
}
