import type { RandomStream } from "./stream.ts";

/*
 * Marsaglia & Tsang (2000), "The Ziggurat Method for Generating Random Variables", 128 layers:
 * one 32-bit draw, one table lookup and one multiply for ~98.8 % of normals.
 */
const LAYERS = 128;
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const M1 = 2147483648;

/** layer bounds and widths (|hz| < kn[iz] → hz·wn[iz]); the fast paths read them from `knwn` below */
const kn = new Float64Array(LAYERS);
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
{
  let dn = R;
  let tn = dn;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * M1;
  kn[1] = 0;
  wn[0] = q / M1;
  wn[LAYERS - 1] = dn / M1;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * M1;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M1;
  }
}

/**
 * kn and wn interleaved (kn[i] at 2i, wn[i] at 2i + 1), what every fast path reads (here, fastDraws.ts, the
 * compiled steps of models/compiledStep.ts): in optimised code each read of a typed array bound as a
 * constant checks its map, loads its base and checks its bounds; a second read of the same array shares the
 * first one's (callgrind, the stress kernel's loop with its four normals a step: −18 instructions a step).
 */
export const knwn = new Float64Array(2 * LAYERS);
for (let i = 0; i < LAYERS; i++) {
  knwn[2 * i] = kn[i];
  knwn[2 * i + 1] = wn[i];
}

/**
 * fn[i] and fn[i − 1] interleaved (layer i's pair at 2i, 2i + 1; layer 0's second is unused): the wedge test's two
 * figures for code that reads them together (the stress kernel's two-lane step, stress/lanes/laneMarket.ts).
 */
export const fnPairs = new Float64Array(2 * LAYERS);
for (let i = 1; i < LAYERS; i++) {
  fnPairs[2 * i] = fn[i];
  fnPairs[2 * i + 1] = fn[i - 1];
}
fnPairs[0] = fn[0];

/**
 * Where the slow path leaves its draw. Returned directly, its value (a call's result: a tagged value)
 * would meet the fast path's raw double in one variable, and the optimiser would then box every draw,
 * the fast ones too, in a fresh heap number (16 bytes a normal, measured). Read from a Float64Array,
 * both paths stay raw doubles and a draw allocates nothing.
 */
export const slowDraw = new Float64Array(1);

/** A standard normal draw. */
export function normal(rng: RandomStream): number {
  const hz = rng.int32();
  const iz = hz & 127;
  if (Math.abs(hz) < knwn[iz << 1]) return hz * knwn[(iz << 1) | 1];
  normalSlow(rng, hz, iz);
  return slowDraw[0];
}

/** The rare draws (the tail layer and the wedges, ~1.2 %), into slowDraw[0]. */
export function normalSlow(rng: RandomStream, hz: number, iz: number): void {
  slowDraw[0] = normalSlowValue(rng, hz, iz);
}

function normalSlowValue(rng: RandomStream, hz: number, iz: number): number {
  for (;;) {
    if (iz === 0) {
      // the tail beyond R, by Marsaglia's exponential rejection
      let x: number;
      let y: number;
      do {
        x = -Math.log(rng.nextOpen()) / R;
        y = -Math.log(rng.nextOpen());
      } while (y + y < x * x);
      return hz > 0 ? R + x : -R - x;
    }
    const x = hz * wn[iz];
    if (fn[iz] + rng.next() * (fn[iz - 1] - fn[iz]) < Math.exp(-0.5 * x * x)) return x;
    hz = rng.int32();
    iz = hz & 127;
    if (Math.abs(hz) < kn[iz]) return hz * wn[iz];
  }
}

/**
 * One draw from each side of the tail (|z| > R: one normal in ~1,700), on `rng`. Code that inlines the
 * draw and is compiled before a tail draw ever ran has no type feedback there and deoptimises at the
 * first one; run once beforehand, the tail has its feedback (stress/loopWarmUp.ts).
 */
export function drawBothTails(rng: RandomStream): void {
  normalSlow(rng, 1, 0);
  normalSlow(rng, -1, 0);
}

/** Fill `out[0..count)` with standard normals (the fastest way to draw many). */
export function fillNormals(rng: RandomStream, out: Float64Array, count = out.length): void {
  for (let i = 0; i < count; i++) {
    const hz = rng.int32();
    const iz = hz & 127;
    if (Math.abs(hz) < knwn[iz << 1]) out[i] = hz * knwn[(iz << 1) | 1];
    else {
      normalSlow(rng, hz, iz);
      out[i] = slowDraw[0];
    }
  }
}
