/**
 * A fixed-bin histogram: the bins are decided before any data is seen, so histograms built by
 * different workers over different paths merge by adding counts, in any order, to the same result.
 * Values below `min` / at or above `max` land in the underflow / overflow counts.
 */
export class FixedHistogram {
  readonly counts: Float64Array;
  underflow = 0;
  overflow = 0;
  total = 0;
  private readonly width: number;

  constructor(readonly min: number, readonly max: number, readonly bins: number) {
    if (!(max > min) || !(bins >= 1) || !Number.isInteger(bins)) throw new RangeError("histogram needs max > min and a whole number of bins");
    this.counts = new Float64Array(bins);
    this.width = (max - min) / bins;
  }

  add(value: number, weight = 1): void {
    this.total += weight;
    if (value < this.min) this.underflow += weight;
    else if (value >= this.max) this.overflow += weight;
    else this.counts[Math.min(this.bins - 1, Math.floor((value - this.min) / this.width))] += weight;
  }

  merge(other: FixedHistogram): void {
    if (other.min !== this.min || other.max !== this.max || other.bins !== this.bins) throw new RangeError("histograms with different bins cannot merge");
    for (let i = 0; i < this.bins; i++) this.counts[i] += other.counts[i];
    this.underflow += other.underflow;
    this.overflow += other.overflow;
    this.total += other.total;
  }

  /** lower edge of bin i */
  edge(i: number): number {
    return this.min + i * this.width;
  }

  toJSON(): { min: number; max: number; bins: number; counts: number[]; underflow: number; overflow: number } {
    return { min: this.min, max: this.max, bins: this.bins, counts: Array.from(this.counts), underflow: this.underflow, overflow: this.overflow };
  }

  static fromJSON(j: { min: number; max: number; bins: number; counts: number[]; underflow: number; overflow: number }): FixedHistogram {
    const h = new FixedHistogram(j.min, j.max, j.bins);
    h.counts.set(j.counts);
    h.underflow = j.underflow;
    h.overflow = j.overflow;
    h.total = j.counts.reduce((a, b) => a + b, 0) + j.underflow + j.overflow;
    return h;
  }
}
