/**
 * The cross account's coarse-step bias at realistic sizes (test/montecarlo/crossCurvature.test.ts
 * checks an exaggerated book quickly): the liquidation probability by the flat bridge on
 * D = equity − maintenance (the kernel before) and by bridge.ts's curved test, each against a
 * 15- or 30-minute reference on the same coarse ends (test/montecarlo/crossReference.ts), as a paired
 * difference with its standard error; then what the curved test costs per call against the flat one
 * (about 3 minutes of CPU in all).
 */
import { crossAccountCrossingProbability, type CrossBarrier } from "../src/paths/index.ts";
import { crossReference, mean, pairedBias, type CrossBook } from "../test/montecarlo/crossReference.ts";
import { timed } from "./measure.ts";

const BALANCE = 20_000;
const MMR = 0.005;
const YEAR_HOURS = 8760;
const PATHS = 100_000;

/**
 * Long BTC at 60 % and long or short ETH at 75 % volatility (× `volScale`), ρ 0.8, on 30 % and 20 % of
 * the balance at `leverage` each.
 */
function book(ethSide: 1 | -1, leverage: number, volScale = 1): CrossBook {
  const prices = [60_000, 3_000];
  return {
    prices, vols: [0.6 * volScale, 0.75 * volScale], correlation: [[1, 0.8], [0.8, 1]], mmr: MMR, balance: BALANCE,
    sizes: [0.3, 0.2].map((w, i) => ((i === 1 ? ethSide : 1) * BALANCE * w * leverage) / prices[i]),
  };
}

const pp = (x: number) => (100 * x).toFixed(3);

async function biasLine(label: string, b: CrossBook, stepHours: number, steps: number, fine: number, replicates: number, paths = PATHS): Promise<void> {
  const t = await timed(() => crossReference(b, { paths, steps, stepYears: stepHours / YEAR_HOURS, fine, replicates, seed: `mcbias/${label}` }));
  const r = t.value;
  const flat = pairedBias(r.flat, r.fine);
  const curved = pairedBias(r.curved, r.fine);
  console.log(
    `${label}, ${steps} × ${stepHours} h, ${paths.toLocaleString("en-US")} paths: P(liquidated) ${pp(1 - mean(r.fine))} % by the ${(stepHours * 60) / fine}-minute reference (${replicates} a step); ` +
      `flat bridge on D ${pp(flat.bias)} ± ${pp(flat.se)} pp, curved ${pp(curved.bias)} ± ${pp(curved.se)} pp (paired, ± 1 standard error; ${t.cpu.toFixed(1)} CPU-s)`,
  );
}

async function costLine(): Promise<void> {
  const b = book(1, 10);
  const n = 2;
  const slope = b.sizes.map((q) => q - MMR * Math.abs(q));
  const constant = BALANCE - b.sizes.reduce((s, q, i) => s + q * b.prices[i], 0);
  const barrier: CrossBarrier = { slope, excess: (p) => constant + slope[0] * p[0] + slope[1] * p[1] };
  const v = b.vols.map((s) => (s * s * 24) / YEAR_HOURS);
  const corr = b.correlation.flat();
  const work = new Float64Array(2 * n);
  // a day near the barrier (about 19.5 % down): from 17 % down to 18.5 % down
  const x0 = [Math.log(b.prices[0] * 0.83), Math.log(b.prices[1] * 0.83)];
  const x1 = [Math.log(b.prices[0] * 0.815), Math.log(b.prices[1] * 0.815)];
  const dAt = (x: number[]) => constant + slope[0] * Math.exp(x[0]) + slope[1] * Math.exp(x[1]);
  const d0 = dAt(x0), d1 = dAt(x1);
  const calls = 1_000_000;
  let sink = 0;
  const curved = await timed(() => {
    for (let k = 0; k < calls; k++) sink += crossAccountCrossingProbability(x0, d0, x1, d1 * (1 + k * 1e-12), barrier, v, corr, work);
  });
  const flat = await timed(() => {
    for (let k = 0; k < calls; k++) {
      const g0 = slope[0] * Math.exp(x0[0]) * Math.sqrt(v[0]), g1 = slope[1] * Math.exp(x0[1]) * Math.sqrt(v[1]);
      sink += Math.exp((-2 * d0 * d1 * (1 + k * 1e-12)) / (g0 * g0 + g1 * g1 + 2 * corr[1] * g0 * g1));
    }
  });
  console.log(
    `cost per test of a step near the barrier (2 positions): curved ${((curved.cpu / calls) * 1e9).toFixed(0)} CPU-ns, flat ${((flat.cpu / calls) * 1e9).toFixed(0)} CPU-ns ` +
      `(only steps whose flat exponent is below 40 pay it; probability ${(sink / (2 * calls)).toFixed(3)} on average)`,
  );
}

export default async function (): Promise<void> {
  // daily steps: 30-minute reference, 4 bridges a step near the barrier (its own bias ~1/48 of the daily one)
  await biasLine("long/long 10x", book(1, 10), 24, 30, 48, 4);
  await biasLine("long/short 20x", book(-1, 20), 24, 30, 48, 4);
  await biasLine("long/short 5x at 4× the volatility", book(-1, 5, 4), 24, 30, 48, 2, 50_000);
  await biasLine("long/long 10x", book(1, 10), 1, 720, 4, 1);
  await costLine();
}
