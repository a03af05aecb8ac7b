import { hasBar, annualisedRate, isoTime, type SymbolData } from "../market/index.ts";

/** One row of the `perpsim data inspect` table. */
export interface InspectRow {
  metric: string;
  value: string;
}

/**
 * Summary statistics of one loaded symbol, computed with danfojs-node (imported here, lazily: it
 * takes seconds to load and must never reach a worker or a hot loop).
 */
export async function inspectSymbol(sd: SymbolData, from: number, to: number): Promise<InspectRow[]> {
  const dfd = await import("danfojs-node");
  const { bars } = sd;
  const hoursPerBar = bars.intervalMs / 3_600_000;
  const closes: number[] = [];
  const logReturns: number[] = [];
  let prev = NaN;
  for (let i = 0; i < bars.length; i++) {
    if (!hasBar(bars, i)) {
      prev = NaN; // a return across a gap would mix several bars into one
      continue;
    }
    closes.push(bars.close[i]);
    if (prev === prev) logReturns.push(Math.log(bars.close[i] / prev));
    prev = bars.close[i];
  }
  const close = new dfd.Series(closes);
  const ret = new dfd.Series(logReturns);
  const runningMax = close.cumMax() as InstanceType<typeof dfd.Series>;
  const drawdown = close.div(runningMax).sub(1) as InstanceType<typeof dfd.Series>;
  const pct = (x: number, d = 2) => `${(x * 100).toFixed(d)} %`;
  const rows: InspectRow[] = [
    { metric: "symbol", value: sd.symbol },
    { metric: "span", value: `${isoTime(from)} → ${isoTime(to)}` },
    { metric: "bars", value: `${closes.length} of ${bars.length} steps` },
    { metric: "first close", value: String(closes[0]) },
    { metric: "last close", value: String(closes[closes.length - 1]) },
    { metric: "total return", value: pct(closes[closes.length - 1] / closes[0] - 1) },
    { metric: "annualised volatility", value: logReturns.length > 1 ? pct(Number(ret.std()) * Math.sqrt(8760 / hoursPerBar)) : "n/a" },
    { metric: "max drawdown (close)", value: pct(Number(drawdown.min())) },
    { metric: "largest bar return", value: logReturns.length ? `${pct(Math.expm1(Number(ret.max())))} / ${pct(Math.expm1(Number(ret.min())))}` : "n/a" },
    { metric: "lowest low", value: String(minOf(sd.bars.low)) },
  ];
  if (sd.mark) rows.push({ metric: "lowest mark low", value: String(minOf(sd.mark.low)) });
  const f = sd.funding;
  if (f && f.length > 0) {
    const rates = new dfd.Series(Array.from(f.rate));
    const annual = new dfd.Series(Array.from(f.rate, (r, i) => annualisedRate(r, f.intervalHours[i])));
    const positive = Array.from(f.rate).filter((r) => r > 0).length;
    rows.push(
      { metric: "funding settlements", value: String(f.length) },
      { metric: "mean funding / settlement", value: pct(Number(rates.mean()), 4) },
      { metric: "mean annualised funding", value: pct(Number(annual.mean())) },
      { metric: "positive settlements", value: pct(positive / f.length, 1) },
      { metric: "funding min / max", value: `${pct(Number(rates.min()), 4)} / ${pct(Number(rates.max()), 4)}` },
    );
  } else rows.push({ metric: "funding", value: "none in range" });
  return rows;
}

/** smallest present value (NaN steps are absent bars) */
function minOf(a: Float64Array): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
}

/** The rows as an aligned two-column text table. */
export function formatTable(rows: InspectRow[]): string {
  const w = Math.max(...rows.map((r) => r.metric.length));
  return rows.map((r) => `${r.metric.padEnd(w)}  ${r.value}`).join("\n");
}
