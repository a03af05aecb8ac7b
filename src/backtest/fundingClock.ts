import type { ReplayState } from "./state.ts";

/**
 * Step 1 of a bar, and every settlement inside it: the funding clock. A settlement at t is paid by
 * the positions held before t, each symbol on its own price in the array it is given (the trigger
 * open at a bar's open; the intrabar path's price at t inside a bar). Each payment also measures how
 * far it moved the liquidation prices it touches toward the market (the position's own when isolated,
 * every cross position's when paid from the shared wallet): the funding erosion.
 */
export class FundingClock {
  /** the earliest settlement not yet paid, over all symbols (Infinity: none left) */
  next = Infinity;
  private readonly index: Int32Array;
  private readonly liqBefore: Float64Array;
  private readonly openPrice: Float64Array;

  constructor(private readonly state: ReplayState) {
    this.index = new Int32Array(state.n);
    this.liqBefore = new Float64Array(state.n);
    this.openPrice = new Float64Array(state.n);
    this.findNext();
  }

  /** Settle what is due at or before bar i's open time t, on the trigger open (where the bar has none: the last price). */
  settleAtOpen(i: number, t: number): void {
    if (!(this.next <= t)) return;
    const { trig, px } = this.state;
    for (let s = 0; s < this.state.n; s++) this.openPrice[s] = trig[s].open[i] === trig[s].open[i] ? trig[s].open[i] : px[s];
    this.settleUpTo(t, this.openPrice);
  }

  /** Settle every settlement at or before `tau`, each symbol on its price in `P`. */
  settleUpTo(tau: number, P: Float64Array): void {
    const st = this.state;
    const { n, pos } = st;
    const dir = pos.dir;
    for (let s = 0; s < n; s++) {
      const f = st.market.symbols[s].funding;
      if (!f) continue;
      while (this.index[s] < f.length && f.time[this.index[s]] <= tau) {
        const k = this.index[s]++;
        st.lastInterval[s] = f.intervalHours[k];
        st.lastRate[s] = (f.rate[k] * 8) / f.intervalHours[k];
        if (dir[s] === 0) continue;
        // isolated: its own liquidation price moves; cross: every cross position's (the wallet pays)
        const cross = !pos.isolated[s];
        for (let q = 0; q < n; q++) {
          const moved = q === s || (cross && dir[q] !== 0 && !pos.isolated[q]);
          this.liqBefore[q] = moved ? st.liquidationPriceAt(q, P) : NaN;
        }
        st.account.settleFunding(st.symbols[s], f.rate[k], P[s], f.time[k]);
        st.marginInUse.track(f.time[k]);
        this.measureDrift(P);
      }
    }
    this.findNext();
  }

  private measureDrift(P: Float64Array): void {
    const st = this.state;
    for (let q = 0; q < st.n; q++) {
      if (!(this.liqBefore[q] === this.liqBefore[q])) continue;
      const after = st.liquidationPriceAt(q, P);
      if (!(after === after)) continue;
      st.drift[q] += (after - this.liqBefore[q]) * st.pos.dir[q];
      const pct = (st.drift[q] / P[q]) * 100;
      if (pct > st.maxDrift) st.maxDrift = pct;
    }
  }

  private findNext(): void {
    this.next = Infinity;
    const { market, n } = this.state;
    for (let s = 0; s < n; s++) {
      const f = market.symbols[s].funding;
      if (f && this.index[s] < f.length && f.time[this.index[s]] < this.next) this.next = f.time[this.index[s]];
    }
  }
}
