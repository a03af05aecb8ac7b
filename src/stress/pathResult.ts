/**
 * The compact per-path result a worker sends back: PATH_FIELDS float64 per (path, mode), laid out
 * path-major: results[(pathOffset × modes + modeIndex) × PATH_FIELDS + field].
 */
export const FIELD = {
  /** 1 when any position was liquidated, else 0 */
  liquidated: 0,
  /** hours from the start to the first liquidation (NaN when none) */
  liquidationHour: 1,
  /** equity at the horizon (wallet + isolated margins + unrealised PnL) */
  terminalEquity: 2,
  /** lowest equity seen at step ends and right after liquidations */
  minEquity: 3,
  /** funding paid over the path (negative = received) */
  fundingPaid: 4,
  /** loss the venue absorbed beyond the margin (bad debt), positive */
  badDebt: 5,
  /**
   * hours to the first liquidation of the position in symbol slot k, at legHour + k (NaN when that
   * position was never liquidated), for the first MAX_LEG_SLOTS symbols of the model. Isolated
   * positions die one by one; a cross liquidation closes every cross position at once, so in cross all
   * legs carry the account's liquidation time.
   */
  legHour: 6,
} as const;

/** Symbols whose per-leg liquidation time is kept (a wider book reports per-leg figures for these only). */
export const MAX_LEG_SLOTS = 8;

export const PATH_FIELDS = 6 + MAX_LEG_SLOTS;

/** Index of (path offset within a block, mode) in a result block. */
export function resultIndex(pathOffset: number, modeIndex: number, modes: number): number {
  return (pathOffset * modes + modeIndex) * PATH_FIELDS;
}
