import { FLOAT, excessIntercept, excessSlope, isLinearRule, liquidationPriceF, type Account, type PositionStoreView } from "../margin/index.ts";

/**
 * What a cross-margin check derives from the account's position store, once per store version: the
 * linear pieces of D = equity − maintenance (from the margin room's algebra), the bridge's gradient
 * terms, and the lone position's liquidation price against the wallet. Shared by the fused kernel
 * (fusedMode.ts) and its reference (modeKernel.ts), so both derive the same floats in the same order.
 */
export class CrossPieces {
  /** when every open position has a linear rule: D = wallet + constant + Σ slope_i × price_i */
  linear = false;
  constant = 0;
  readonly slope: Float64Array;
  /**
   * ∂D/∂price per position on its first tier, for the bridge's bound and variance. A slot a partial
   * liquidation closed keeps the term of its last size, as the kernel always has (kept so results stay
   * the same bytes; arguably it should be 0).
   */
  readonly gradSlope: Float64Array;
  private readonly lastSize: Float64Array;
  /** the lone cross position's liquidation price against the wallet (0: never for a long, always for a short) */
  readonly trigger: Float64Array;

  constructor(private readonly n: number) {
    this.slope = new Float64Array(n);
    this.gradSlope = new Float64Array(n);
    this.lastSize = new Float64Array(n);
    this.trigger = new Float64Array(n);
  }

  /** a new path: no slot has a last size yet */
  reset(): void {
    this.lastSize.fill(0);
  }

  /** Recompute the linear pieces and, for a lone position, its trigger (after the engine changed the positions). */
  derive(st: PositionStoreView): void {
    this.linearize(st);
    if (st.open === 1) this.setTrigger(st);
  }

  /** the lone position's trigger against `wallet` (the store's, or a funding hold's) */
  setTrigger(st: PositionStoreView, wallet = st.wallet): void {
    for (let i = 0; i < this.n; i++) {
      const d = st.dir[i];
      if (d !== 0) this.trigger[i] = liquidationPriceF(st.rules[i], d as 1 | -1, st.size[i], st.entry[i], wallet);
    }
  }

  /** cross account value minus maintenance at these prices on this cross wallet (funding accrued included) */
  excess(wallet: number, account: Account, prices: Float64Array): number {
    if (this.linear) {
      let g = wallet + this.constant;
      for (let i = 0; i < this.n; i++) g += this.slope[i] * prices[i];
      return g;
    }
    return account.crossExcess(prices, wallet);
  }

  private linearize(st: PositionStoreView): void {
    for (let i = 0; i < this.n; i++) {
      const d = st.dir[i];
      const rule = st.rules[i];
      if (d !== 0) {
        this.lastSize[i] = st.size[i];
        this.gradSlope[i] = excessSlope(FLOAT, rule.family, rule.tiers[0], d as 1 | -1, st.size[i]);
      } else this.gradSlope[i] = 0 - (rule.family === "mm-at-entry" ? 0 : rule.tiers[0].mmr) * this.lastSize[i];
    }
    this.linear = true;
    this.constant = 0;
    this.slope.fill(0);
    for (let i = 0; i < this.n; i++) {
      const d = st.dir[i];
      if (d === 0) continue;
      const rule = st.rules[i];
      if (!isLinearRule(rule)) {
        this.linear = false;
        return;
      }
      this.slope[i] = excessSlope(FLOAT, rule.family, rule.tiers[0], d as 1 | -1, st.size[i]);
      this.constant += excessIntercept(FLOAT, rule.family, rule.tiers[0], d as 1 | -1, st.size[i], st.entry[i]);
    }
  }
}

/** The step's ends and shocks, as much as `mostProbableCrossing` reads of them. */
export interface CrossingStep {
  readonly s0: Float64Array;
  readonly variance: Float64Array;
  readonly correlation: Float64Array;
}

/**
 * Where the account most likely touched D = 0 from the step's start: log returns along −Σg (the most
 * probable Gaussian move to the boundary), scaled until D is just below 0 on the posted wallet, written
 * into `at`. Runs on events only.
 */
export function mostProbableCrossing(c: CrossingStep, g: Float64Array, d0: number, varD: number, account: Account, at: Float64Array): Float64Array {
  const n = g.length;
  const move = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += c.correlation[i * n + j] * g[j];
    move[i] = (Math.sqrt(c.variance[i]) * row) / varD; // ∂x_i per unit of D lost, along the most probable direction
  }
  const place = (lambda: number) => {
    for (let i = 0; i < n; i++) at[i] = c.s0[i] * Math.exp(-lambda * move[i]);
    return account.postedCrossExcess(at); // placed on the posted wallet, as it always has been (the engine then walks with funding posted)
  };
  let lo = 0;
  let hi = d0;
  for (let k = 0; k < 200 && place(hi) >= 0; k++) {
    lo = hi;
    hi *= 2;
  }
  for (let k = 0; k < 60; k++) {
    const mid = 0.5 * (lo + hi);
    if (place(mid) >= 0) lo = mid;
    else hi = mid;
  }
  place(hi);
  return at;
}
