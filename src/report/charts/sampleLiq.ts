import { SAMPLE_FIXED_COLUMNS } from "../../results/index.ts";
import { CsvTable } from "../csv.ts";
import { round } from "../format.ts";
import { CHART_WIDTH, topLevel, type Chart } from "./chart.ts";

/** Assets drawn (one chart each) for the chosen sample path. */
const MAX_ASSETS = 3;

/**
 * The liquidation price over time on one sample path: the asset's price and each mode's liquidation
 * price, hour by hour, from samples.csv's `<ASSET>:price` and `<ASSET>:liqPrice` columns. The path shown
 * is the first sample on which a mode was liquidated (else the first sample). Empty when the file has no
 * liquidation-price columns (older runs).
 */
export function sampleLiquidationCharts(text: string, horizon: number, color: (title?: string | null) => unknown): Chart[] {
  const t = new CsvTable("samples.csv", text, SAMPLE_FIXED_COLUMNS);
  const assets = t.header.filter((h) => h.endsWith(":liqPrice")).map((h) => h.slice(0, -":liqPrice".length)).filter((a) => t.has(`${a}:price`));
  if (assets.length === 0) return [];
  const [cPath, cMode, cHour] = ["path", "mode", "hour"].map((c) => t.column(c));
  const cLiq = t.has("liquidated") ? t.column("liquidated") : -1;
  let chosen = t.rows.length > 0 ? t.text(0, cPath) : "";
  if (cLiq >= 0) {
    const r = t.rows.findIndex((row) => row[cLiq] === "1");
    if (r >= 0) chosen = t.text(r, cPath);
  }
  const charts: Chart[] = [];
  assets.slice(0, MAX_ASSETS).forEach((asset, k) => {
    const cp = t.column(`${asset}:price`), cl = t.column(`${asset}:liqPrice`);
    const price: Record<string, unknown>[] = [];
    const liq: Record<string, unknown>[] = [];
    const seen = new Set<number>();
    const lastHour = new Map<string, number>();
    for (let r = 0; r < t.rows.length; r++) {
      if (t.text(r, cPath) !== chosen) continue;
      const hour = t.num(r, cHour), mode = t.text(r, cMode);
      if (!seen.has(hour)) { seen.add(hour); price.push({ hour: round(hour), price: round(t.num(r, cp)) }); }
      const l = t.num(r, cl, true);
      liq.push({ hour: round(hour), mode, liqPrice: l === null ? null : round(l) });
      lastHour.set(mode, hour);
    }
    charts.push({
      id: `sample-liquidation-${k}`,
      title: `${asset}: liquidation price over time on sample path ${chosen}`,
      howToRead: `The grey line is ${asset}'s simulated price on one sample path (the first sample with a liquidation), the dashed lines each mode's liquidation price for the position in ${asset} on the same shocks. A line ends where that position is liquidated or closed; in cross the liquidation price moves with the other positions' PnL and the shared wallet, in isolated only with the position's own margin (funding drawn from it pulls it toward the price). Hours from the start to the horizon.`,
      spec: topLevel({
        width: CHART_WIDTH, height: 220,
        layer: [
          { data: { name: "price" }, mark: { type: "line", color: "#6b7280", strokeWidth: 1.2, tooltip: true },
            encoding: { x: { field: "hour", type: "quantitative", title: "hours", scale: { domain: [0, horizon], nice: false } }, y: { field: "price", type: "quantitative", title: `${asset} price`, scale: { zero: false } } } },
          { data: { name: "liqPrice" }, mark: { type: "line", strokeDash: [5, 3], strokeWidth: 1.4, tooltip: true, invalid: "break-paths-show-domains" },
            encoding: { x: { field: "hour", type: "quantitative" }, y: { field: "liqPrice", type: "quantitative" }, color: color("liquidation price") } },
        ],
      }, { price, liqPrice: liq }),
    });
  });
  return charts;
}
