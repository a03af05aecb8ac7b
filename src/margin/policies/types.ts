/**
 * What a liquidation policy sees and does: one bucket (an isolated position, or every cross position
 * of the account), the fill price of each of its positions, and the actions close / reduce / finish.
 * Actions happen as they are called (a cross fill after a gap depends on what was closed before it).
 */
export interface LiquidationBucket {
  readonly isolated: boolean;
  readonly time: number;
  /** the bucket's open positions, by slot */
  readonly slots: readonly number[];
  size(slot: number): number;
  /** the price a position of the bucket fills at now (trigger worsened by slippage; the trigger itself past bankruptcy after a gap) */
  fill(slot: number): number;
  /** the bucket's equity (isolated margin or cross wallet, plus unrealised PnL) and maintenance, at the fills */
  equityAtFills(): number;
  maintenanceAtFills(): number;
  /** the size whose notional is the cap of the next lower tier, or 0 in the lowest tier */
  tierDownKeep(slot: number): number;
  /** the account's partial-liquidation cooldown (ms) */
  cooldownUntil: number;
  /** liquidate the whole position */
  close(slot: number, detail: string): void;
  /** liquidate part of the position at `fill` */
  reduce(slot: number, size: number, fill: number, detail: string): void;
  /**
   * Charge the liquidation fee on everything liquidated (each position at its symbol's rate from the
   * table in force: Binance's per-symbol `liquidationFee`, else the venue's), then: `none` keeps the bucket going;
   * `settle` ends it (isolated: the margin left returns to the wallet; cross: a negative wallet is
   * written off as bad debt); `forfeit` ends it with the venue keeping what is left.
   */
  finish(end: "none" | "settle" | "forfeit"): void;
}

/** A venue's liquidation policy: applied when a bucket is liquidatable, isolated or cross alike. */
export interface LiquidationRule {
  apply(bucket: LiquidationBucket): void;
}
