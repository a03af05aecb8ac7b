import type { MarginMode, TierTable } from "./types.ts";

/** Who gets what is left of a liquidated position's margin after the fee. */
export type Recipient = "trader" | "insurance fund" | "backstop vault";
export const RECIPIENTS: readonly Recipient[] = ["trader", "insurance fund", "backstop vault"];

/**
 * What a liquidated trader loses on one venue in one margin mode, as the venue states it: the price
 * the position is closed at, the fee, where what is left goes, the partial steps. `feeRate` is the
 * number the engine charges (share of the notional liquidated, from what is left only); the rest is
 * text for `venues show`, with its sources.
 */
export interface LiquidationLossRule {
  readonly closePrice: string;
  readonly feeRate: number;
  readonly feeBase: string;
  /**
   * who gets what is left after the fee when the liquidation closes the position (in the lowest
   * tier, for Bybit's tier-down): the margin policies return it to the trader or let the venue keep it
   */
  readonly remainder: Recipient;
  /**
   * who gets what is left when the venue's backstop takes the position over instead (Hyperliquid, below
   * 2/3 of the maintenance margin); required for a venue whose policy has a backstop
   */
  readonly backstopRemainder?: Recipient;
  readonly partial: string;
  readonly bankrupt: string;
  readonly sources: readonly string[];
  readonly unsourced: readonly string[];
}

/**
 * How a symbol's prices are quoted: a fixed tick (Binance PRICE_FILTER.tickSize, dYdX tickSize), or
 * Hyperliquid's rule (5 significant figures, at most 6 − szDecimals decimals, integers always), or
 * unknown (printed to 6 significant figures).
 */
export type TickRule =
  | { readonly kind: "tick"; readonly tickSize: string }
  | { readonly kind: "significant"; readonly figures: number; readonly maxDecimals: number }
  | { readonly kind: "unknown" };

/**
 * A symbol's own liquidation fee, where the venue charges one per symbol (Binance's exchangeInfo
 * `liquidationFee`): share of the notional liquidated, in both margin modes, with where it was read.
 */
export interface SymbolFee {
  readonly rate: number;
  readonly source: string;
}

/** One symbol's entry in a dated table file. */
export interface SymbolTable {
  /** the venue's own name (`SOLUSDT`, `kPEPE`, `xyz:AAPL`, `BTC-USD`); null for the file's default table */
  readonly symbol: string | null;
  readonly tiers: TierTable;
  readonly tick: TickRule;
  /** Hyperliquid meta fields, when the file has them */
  readonly szDecimals?: number;
  readonly marginTableId?: number;
  /** the symbol's own liquidation fee; absent: the file's `liquidationLoss` feeRate (the venue's default) */
  readonly liquidationFee?: SymbolFee;
  readonly unsourced: readonly string[];
  readonly notes: readonly string[];
}

/** A parsed, validated dated table file (`src/venues/tables/*.json` or a user's `venues update` file). */
export interface VenueTableFile {
  readonly venue: string;
  readonly id: string;
  /** YYYY-MM-DD */
  readonly asOf: string;
  /** asOf as epoch ms (UTC midnight) */
  readonly asOfMs: number;
  readonly source: string;
  readonly notes: readonly string[];
  readonly unsourced: readonly string[];
  readonly liquidationLoss: Readonly<Partial<Record<MarginMode, LiquidationLossRule>>>;
  /** true when some symbol of the file has its own liquidation fee: the venue charges per symbol, so the default is a stand-in */
  readonly perSymbolFees: boolean;
  readonly defaultTable: SymbolTable | null;
  /** by the venue's own symbol name */
  readonly symbols: ReadonlyMap<string, SymbolTable>;
  /** where it came from (file name), for messages */
  readonly file: string;
  /** what the file left out that a default stood in for (one line each, for the command to print) */
  readonly warnings: readonly string[];
}

/** The table a symbol runs on at a time, with where it came from. */
export interface TableChoice {
  readonly id: string;
  readonly asOf: string;
  readonly asOfMs: number;
  readonly source: string;
  readonly file: string;
  /** the venue's name of the symbol; null when the symbol is not in any table and a default is used */
  readonly venueSymbol: string | null;
  readonly table: SymbolTable;
  /** every unsourced figure behind this choice: the file's, the symbol's and its liquidation rule's */
  readonly unsourced: readonly string[];
  readonly liquidationLoss: Readonly<Partial<Record<MarginMode, LiquidationLossRule>>>;
  /** the symbol's own liquidation fee; null: each mode's `liquidationLoss` feeRate, the venue's default (see `liquidationFeeRate`) */
  readonly symbolFee: SymbolFee | null;
  /** the venue charges a fee per symbol and this one has none recorded: the default it is charged is a stand-in */
  readonly feeUnsourced: boolean;
}

