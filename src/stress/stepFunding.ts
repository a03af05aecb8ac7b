import { fundingPayment } from "../paths/index.ts";
import type { StepContext } from "./modeKernel.ts";

const MS_PER_HOUR = 3_600_000;

/**
 * The funding one position pays over the settlements due inside a step (negative = received). A
 * settlement at the step's end is charged at the end price; one at an earlier time t (a fraction u of the
 * step) at the expected price on the step's Brownian bridge from x0 to the pre-jump end xPre,
 * E[S_u] = exp((1 − u)·x0 + u·xPre + u(1 − u)·σ²Δt/2). The payment is linear in the price, so the expected
 * funding is exact whatever the drift or a scenario's trend, where charging every settlement of a coarse
 * step at its end price was biased by the drift over the step. No random number is drawn: the paths'
 * streams are the same as before.
 */
export function stepFunding(c: StepContext, asset: number, signedSize: number): number {
  return fundingOverStep(c.t0Ms, c.t1Ms, c.settlements, c.settleEveryHours, c.rates[asset], c.x0[asset], c.xPre[asset], c.variance[asset], c.s1[asset], signedSize);
}

/**
 * `stepFunding` on one asset's numbers (the fused kernel's form): the step from `t0Ms` to `t1Ms` with
 * `settlements` due in it every `every` hours, the capped rate per 8h, log prices at the start (`x0`) and
 * at the end before any jump (`xPre`), the diffusive variance `v`, and the end price `s1`.
 */
export function fundingOverStep(
  t0Ms: number, t1Ms: number, settlements: number, every: number, rate: number, x0: number, xPre: number, v: number, s1: number, signedSize: number,
): number {
  if (settlesAtStepEndOnly(t1Ms, settlements, every)) return fundingPayment(signedSize * s1, rate, every);
  return fundingInsideStep(t0Ms, t1Ms, settlements, every, rate, x0, xPre, v, s1, signedSize);
}

/**
 * The one settlement of the step falls on its end (every step of the standard workload): charged at the
 * end price, `fundingPayment(signedSize × s1, rate, every)`. A kernel may decide this once per step.
 */
export function settlesAtStepEndOnly(t1Ms: number, settlements: number, every: number): boolean {
  return settlements === 1 && t1Ms % (every * MS_PER_HOUR) === 0;
}

/** `fundingOverStep` when some settlement falls inside the step: each at its expected price on the bridge. */
export function fundingInsideStep(
  t0Ms: number, t1Ms: number, settlements: number, every: number, rate: number, x0: number, xPre: number, v: number, s1: number, signedSize: number,
): number {
  const t0 = t0Ms / MS_PER_HOUR, t1 = t1Ms / MS_PER_HOUR;
  const first = Math.floor(t0 / every + 1e-9);
  let paid = 0;
  for (let k = 1; k <= settlements; k++) {
    const u = ((first + k) * every - t0) / (t1 - t0);
    const price = u >= 1 - 1e-12 ? s1 : Math.exp((1 - u) * x0 + u * xPre + 0.5 * u * (1 - u) * v);
    paid += fundingPayment(signedSize * price, rate, every);
  }
  return paid;
}
