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
} as const;

export const PATH_FIELDS = 6;

/** Index of (path offset within a block, mode) in a result block. */
export function resultIndex(pathOffset: number, modeIndex: number, modes: number): number {
  return (pathOffset * modes + modeIndex) * PATH_FIELDS;
}
