/**
 * Indices of a series to draw so that a long history stays light on the page: the series is cut into
 * buckets and each bucket keeps its first point, its minimum and its maximum (a wick or a drawdown
 * survives downsampling; an average would hide it). `keep` adds indices that must be drawn (liquidations).
 * Null values are never chosen as extremes. The result is sorted and has no duplicates.
 */
export function extremaIndices(values: ArrayLike<number | null>, maxPoints: number, keep: Iterable<number> = []): number[] {
  const n = values.length;
  const chosen = new Set<number>(keep);
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) chosen.add(i);
  } else {
    const buckets = Math.max(1, Math.floor(maxPoints / 3));
    const size = Math.ceil(n / buckets);
    for (let start = 0; start < n; start += size) {
      const end = Math.min(n, start + size);
      let lo = -1, hi = -1;
      for (let i = start; i < end; i++) {
        const v = values[i];
        if (v === null) continue;
        if (lo < 0 || v < (values[lo] as number)) lo = i;
        if (hi < 0 || v > (values[hi] as number)) hi = i;
      }
      chosen.add(start);
      if (lo >= 0) chosen.add(lo);
      if (hi >= 0) chosen.add(hi);
    }
    chosen.add(n - 1);
  }
  return [...chosen].filter((i) => i >= 0 && i < n).sort((a, b) => a - b);
}

/** Union of several index lists, sorted. */
export function unionIndices(...lists: number[][]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}
