/**
 * The whole number of bars of `barHours` that best covers `hours`: rounded to the nearest bar, at
 * least 1. So a duration in a strategy's params means the same time at every bar size: 24 hours is
 * 24 bars at 1h, 6 at 4h, 1 at 1d and 96 at 15-minute stress steps; 3 hours is 1 bar at 4h or 1d.
 */
export function barsFor(hours: number, barHours: number): number {
  if (!(hours > 0) || !Number.isFinite(hours)) throw new Error(`barsFor: hours must be a positive number (got ${hours})`);
  if (!(barHours > 0) || !Number.isFinite(barHours)) throw new Error(`barsFor: barHours must be a positive number (got ${barHours})`);
  // the epsilon keeps a half bar that float division lands just under (0.5 / (20/60)) rounding up
  return Math.max(1, Math.round(hours / barHours + 1e-9));
}
