/**
 * The intrabar path model. OHLC alone does not say whether a bar's high or low came first, so the
 * replay walks each bar as four points: open → nearer extreme → farther extreme → close. "Nearer"
 * is measured from the open; on a tie (|high − open| = |open − low|) the low comes first, the
 * pessimistic choice for a long. Liquidation checks run on every point, not just the close.
 */
export interface BarPath {
  /** the four prices in path order */
  readonly points: readonly [number, number, number, number];
  /** true when the low is visited before the high */
  readonly lowFirst: boolean;
}

/** Which extreme a bar visits first under the open → nearer extreme rule. */
export function lowFirst(open: number, high: number, low: number): boolean {
  return open - low <= high - open;
}

export function barPath(open: number, high: number, low: number, close: number): BarPath {
  const lf = lowFirst(open, high, low);
  return { points: lf ? [open, low, high, close] : [open, high, low, close], lowFirst: lf };
}

/**
 * Allocation-free form for hot loops: writes the four path prices into `out` (length ≥ 4) and
 * returns whether the low came first.
 */
export function writeBarPath(open: number, high: number, low: number, close: number, out: Float64Array | number[]): boolean {
  const lf = lowFirst(open, high, low);
  out[0] = open;
  out[1] = lf ? low : high;
  out[2] = lf ? high : low;
  out[3] = close;
  return lf;
}

/** The extreme adverse to a position side: the low for longs, the high for shorts (the `worst` policy). */
export function adverseExtreme(side: 1 | -1, high: number, low: number): number {
  return side > 0 ? low : high;
}
