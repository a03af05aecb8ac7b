import type { PositionStoreView } from "../margin/index.ts";

/**
 * Margin in use, time-weighted: isolated positions' margin as the engine holds it (funding paid from
 * it lowers it, added margin raises it); cross positions' initial margin, size × entry / leverage. It
 * changes only when the account's position store does, so it is integrated exactly as a step
 * function, measured again after an action (`track`) when the store's version has moved. The average
 * over the time anything was held is what funding is a share of.
 */
export class MarginInUse {
  private now = 0;
  private since: number;
  private area = 0;
  private heldMs = 0;
  private seen: number;

  constructor(private readonly pos: PositionStoreView, from: number) {
    this.since = from;
    this.seen = pos.version;
  }

  /** Integrate the current margin up to `t`. */
  advance(t: number): void {
    if (t > this.since) {
      if (this.now > 0) { this.area += this.now * (t - this.since); this.heldMs += t - this.since; }
      this.since = t;
    }
  }

  /** After an action at `t`: measure the margin again if the positions changed since the last measure. */
  track(t: number): void {
    const pos = this.pos;
    if (pos.version === this.seen) return;
    this.seen = pos.version;
    this.advance(t);
    let now = 0;
    for (let s = 0; s < pos.slots; s++) {
      if (pos.dir[s] !== 0) now += pos.isolated[s] ? pos.margin[s] : (pos.size[s] * pos.entry[s]) / pos.leverage[s];
    }
    this.now = now;
  }

  /** the time-weighted average over the time a position was held; 0 when none was */
  average(): number {
    return this.heldMs > 0 ? this.area / this.heldMs : 0;
  }
}
