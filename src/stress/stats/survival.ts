/**
 * Kaplan–Meier survival of "not yet liquidated". Each path contributes an event time (hours) when it
 * was liquidated, or is censored at its end (the horizon, or earlier if a run stops a path early).
 * With horizon censoring only, S(t) is the plain share of paths not liquidated by t.
 */
export interface SurvivalSample {
  /** hours until the event or the censoring */
  time: ArrayLike<number>;
  /** 1 = liquidated at `time`, 0 = censored at `time` */
  event: ArrayLike<number>;
}

/** The KM step function as its jump points: [[0, 1], [t1, S(t1)], ...] at each distinct event time. */
export function kaplanMeier(sample: SurvivalSample): [number, number][] {
  // the curve needs, per distinct time in order, the deaths there and all who leave there: two numeric
  // sorts of the times (typed arrays sort natively), not a sort of path indices by a comparator
  const n = sample.time.length;
  const all = Float64Array.from(sample.time).sort();
  let d = 0;
  for (let i = 0; i < n; i++) if (sample.event[i]) d++;
  const deathTimes = new Float64Array(d);
  for (let i = 0, j = 0; i < n; i++) if (sample.event[i]) deathTimes[j++] = sample.time[i];
  deathTimes.sort();
  const curve: [number, number][] = [[0, 1]];
  let atRisk = n;
  let s = 1;
  let i = 0;
  let j = 0;
  while (i < n) {
    const t = all[i];
    if (t !== t) throw new RangeError("kaplanMeier: a time is NaN"); // sorted last; never a group of its own
    let leaving = 0;
    while (i < n && all[i] === t) {
      leaving++;
      i++;
    }
    let deaths = 0;
    while (j < d && deathTimes[j] === t) {
      deaths++;
      j++;
    }
    if (deaths > 0 && atRisk > 0) {
      s *= 1 - deaths / atRisk;
      curve.push([t, s]);
    }
    atRisk -= leaving;
  }
  return curve;
}

/** S(t) read off a KM curve (right-continuous step function). */
export function survivalAt(curve: readonly [number, number][], t: number): number {
  let s = 1;
  for (const [time, value] of curve) {
    if (time > t) break;
    s = value;
  }
  return s;
}

/** KM curve sampled on a fixed grid of hours (e.g. every hour to the horizon), for reports and merges. */
export function survivalOnGrid(curve: readonly [number, number][], hours: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let k = 0;
  let s = 1;
  for (const h of hours) {
    while (k < curve.length && curve[k][0] <= h) s = curve[k++][1];
    out.push([h, s]);
  }
  return out;
}

/**
 * The time by which a share q of paths is liquidated by KM: the first t with S(t) ≤ 1 − q, or null
 * when survival never falls that low (e.g. median when fewer than half are ever liquidated).
 */
export function timeToShare(curve: readonly [number, number][], q: number): number | null {
  for (const [t, s] of curve) if (s <= 1 - q + 1e-12) return t;
  return null;
}
