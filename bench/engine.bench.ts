/**
 * The margin engine's hot path: segment liquidation checks and funding settlements with nothing
 * liquidated, no event sink, float ledger — as the Monte Carlo kernel calls them. Baseline: the
 * same arithmetic written inline (one isolated comparison + the cross excess sum) in the same process.
 */
import { getVenue } from "../src/venues/index.ts";
import { Account, maintenanceMargin, maintenanceRule } from "../src/margin/index.ts";
import { cpuSeconds } from "./measure.ts";

export default async function bench(): Promise<void> {
  const venue = getVenue("binance");
  const symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
  const acc = new Account({ venue, balance: 100_000, symbols, ledger: "fast" });
  acc.trade(0, "BTCUSDT", "long", 0.5, 50_000, { leverage: 5 });
  acc.trade(0, "ETHUSDT", "short", 5, 3_000, { leverage: 5 });
  acc.trade(0, "SOLUSDT", "long", 50, 150, { mode: "isolated", leverage: 5 });
  const a = new Float64Array([50_000, 3_000, 150]);
  const b = new Float64Array([50_500, 2_990, 151]);
  const N = 2_000_000;

  let c0 = cpuSeconds();
  let t0 = performance.now();
  let hits = 0;
  for (let i = 0; i < N; i++) hits += acc.checkSegment(i, i + 1, (i & 1) ? a : b, (i & 1) ? b : a);
  const engineMs = performance.now() - t0;
  const engineCpu = (cpuSeconds() - c0) * 1000;

  const rules = symbols.map((s) => maintenanceRule(venue, s));
  const sizes = [0.5, 5, 50], entries = [50_000, 3_000, 150], dirs = [1, -1, 1];
  const liq = acc.isolatedLiquidationPriceAt(2);
  c0 = cpuSeconds();
  t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < N; i++) {
    const p = (i & 1) ? b : a;
    let g = 100_000;
    for (let k = 0; k < 2; k++) g += dirs[k] * sizes[k] * (p[k] - entries[k]) - maintenanceMargin(rules[k], sizes[k], entries[k], p[k]);
    sink += g < 0 ? 1 : 0;
    sink += p[2] < liq ? 1 : 0;
  }
  const baseMs = performance.now() - t0;
  const baseCpu = (cpuSeconds() - c0) * 1000;

  c0 = cpuSeconds();
  t0 = performance.now();
  for (let i = 0; i < N; i++) acc.settleFunding(symbols[i % 3], 1e-6, a[i % 3], i);
  const fundMs = performance.now() - t0;
  const fundCpu = (cpuSeconds() - c0) * 1000;

  const rate = (ms: number) => ((N / ms) * 1000 / 1e6).toFixed(1);
  const both = (ms: number, cpu: number) => `${rate(ms)} M/s (${rate(cpu)} M per CPU-s)`;
  console.log(`checkSegment (2 cross + 1 isolated): ${both(engineMs, engineCpu)}  (liquidations ${hits})`);
  console.log(`inline baseline (endpoint only):     ${both(baseMs, baseCpu)}  (sink ${sink})`);
  console.log(`ratio engine / baseline: ${(baseMs / engineMs).toFixed(2)}`);
  console.log(`settleFunding, no sink:              ${both(fundMs, fundCpu)}`);
}
