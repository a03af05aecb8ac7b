import { type BacktestSummary, EQUITY_FIXED_COLUMNS } from "../../results/index.ts";
import { CsvTable } from "../csv.ts";
import { extremaIndices, unionIndices } from "../downsample.ts";
import { round } from "../format.ts";
import { CHART_WIDTH, TIME_ZOOM, modeColor, topLevel, type Chart } from "./chart.ts";

/** Points drawn per series: a full history downsampled to this keeps the page under its size budget. */
export const MAX_POINTS_PER_SERIES = 900;
/** liquidation prices beyond this factor outside the price's range are not drawn on the price chart */
const FAR = 2;

interface ModeSeries {
  mode: string;
  time: number[];
  equity: number[];
  drawdownPct: number[];
  fundingPaid: number[];
  price: Map<string, (number | null)[]>;
  liqPrice: Map<string, (number | null)[]>;
}

/** Split equity.csv into one series per mode, in file order. */
export function readEquity(text: string, symbols: string[]): ModeSeries[] {
  const t = new CsvTable("equity.csv", text, [...EQUITY_FIXED_COLUMNS, ...symbols.flatMap((s) => [`${s}:price`, `${s}:liqPrice`])]);
  const [cTime, cMode, cEq, cDd, cFund] = ["time", "mode", "equity", "drawdownPct", "fundingPaid"].map((c) => t.column(c));
  const symCols = symbols.map((s) => [s, t.column(`${s}:price`), t.column(`${s}:liqPrice`)] as const);
  const byMode = new Map<string, ModeSeries>();
  for (let r = 0; r < t.rows.length; r++) {
    const mode = t.text(r, cMode);
    let s = byMode.get(mode);
    if (!s) {
      s = { mode, time: [], equity: [], drawdownPct: [], fundingPaid: [], price: new Map(), liqPrice: new Map() };
      for (const [sym] of symCols) { s.price.set(sym, []); s.liqPrice.set(sym, []); }
      byMode.set(mode, s);
    }
    s.time.push(t.time(r, cTime));
    s.equity.push(t.num(r, cEq));
    s.drawdownPct.push(t.num(r, cDd));
    s.fundingPaid.push(t.num(r, cFund));
    for (const [sym, cp, cl] of symCols) {
      s.price.get(sym)!.push(t.num(r, cp, true));
      // a liquidation price at or below zero means the position cannot be liquidated by price: no line
      const liq = t.num(r, cl, true);
      s.liqPrice.get(sym)!.push(liq !== null && liq > 0 ? liq : null);
    }
  }
  return [...byMode.values()];
}

/** Index of the last recorded time at or before `t` (0 when `t` precedes the series). */
function indexAt(times: number[], t: number): number {
  let lo = 0, hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid] <= t) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Time-axis label format for a span: vega's default drops the year on long runs ("October April …"). */
function timeFormat(spanMs: number): string {
  const days = spanMs / 86_400_000;
  return days > 3 * 365 ? "%Y" : days > 60 ? "%b %Y" : "%b %d";
}
let timeAxisFormat = "%b %d";
const timeX = (title: string | null = null) => ({ field: "t", type: "temporal", title, axis: { labelOverlap: true, format: timeAxisFormat } });
const LINE = { type: "line", strokeWidth: 1.4, interpolate: "linear", invalid: "break-paths-show-domains" };

export function backtestCharts(summary: BacktestSummary, equityCsv: string | undefined): Chart[] {
  const modes = summary.runs.map((r) => r.mode);
  const color = (title?: string | null) => modeColor(modes, title);
  if (equityCsv === undefined) return [fundingShareChart(summary)];
  const series = readEquity(equityCsv, summary.symbols);
  timeAxisFormat = timeFormat(Date.parse(summary.to) - Date.parse(summary.from));
  const liqs = summary.runs.flatMap((run) => run.liquidations.map((l) => ({ ...l, mode: run.mode, t: Date.parse(l.time) })));

  // keep the bars where liquidations happened, so their markers sit on the drawn line
  const keepFor = (s: ModeSeries) => liqs.filter((l) => l.mode === s.mode).map((l) => indexAt(s.time, l.t));

  const equityRows: Record<string, unknown>[] = [];
  const ddRows: Record<string, unknown>[] = [];
  const fundRows: Record<string, unknown>[] = [];
  for (const s of series) {
    const keep = keepFor(s);
    for (const i of extremaIndices(s.equity, MAX_POINTS_PER_SERIES, keep)) equityRows.push({ t: s.time[i], mode: s.mode, equity: round(s.equity[i]) });
    for (const i of extremaIndices(s.drawdownPct, MAX_POINTS_PER_SERIES, keep)) ddRows.push({ t: s.time[i], mode: s.mode, drawdown: round(-Math.abs(s.drawdownPct[i]), 4) });
    for (const i of extremaIndices(s.fundingPaid, MAX_POINTS_PER_SERIES)) fundRows.push({ t: s.time[i], mode: s.mode, funding: round(s.fundingPaid[i]) });
  }
  const liqMarks = liqs.map((l) => {
    const s = series.find((x) => x.mode === l.mode);
    const equity = s ? s.equity[indexAt(s.time, l.t)] : null;
    return { t: l.t, mode: l.mode, symbol: l.symbol, side: l.side, price: l.price, size: l.size, loss: round(l.loss), equity: equity === null ? null : round(equity) };
  });

  const charts: Chart[] = [
    {
      id: "equity",
      title: "Equity per margin mode",
      howToRead: "Each line is the account's equity under one margin mode, on the same trades. A ✕ marks a liquidation (hover for symbol, price and loss). Drag to pan, scroll to zoom the time axis, double-click to reset.",
      spec: topLevel({
        width: CHART_WIDTH, height: 260,
        layer: [
          { data: { name: "equity" }, params: [TIME_ZOOM], mark: { ...LINE, tooltip: true }, encoding: { x: timeX(), y: { field: "equity", type: "quantitative", title: "equity", scale: { zero: false } }, color: color() } },
          { data: { name: "liquidations" }, mark: { type: "point", shape: "cross", size: 140, filled: true, strokeWidth: 1, stroke: "#111" },
            encoding: { x: timeX(), y: { field: "equity", type: "quantitative" }, color: color(),
              tooltip: [{ field: "t", type: "temporal", title: "time", format: "%Y-%m-%d %H:%M" }, { field: "mode" }, { field: "symbol" }, { field: "side" }, { field: "price", type: "quantitative", format: ",.2f" }, { field: "loss", type: "quantitative", format: ",.2f" }] } },
        ],
      }, { equity: equityRows, liquidations: liqMarks }),
    },
  ];

  summary.symbols.forEach((sym, k) => charts.push(priceChart(sym, k, series, liqMarks.filter((l) => l.symbol === sym), color)));

  charts.push({
    id: "funding",
    title: "Funding paid, cumulative",
    howToRead: "Funding paid so far under each mode (negative means received). Cross pays from the shared wallet; isolated pays from each position's own margin, which pulls its liquidation price toward the market.",
    spec: topLevel({
      width: CHART_WIDTH, height: 200, data: { name: "funding" }, params: [TIME_ZOOM],
      mark: { ...LINE, tooltip: true },
      encoding: { x: timeX(), y: { field: "funding", type: "quantitative", title: "funding paid" }, color: color() },
    }, { funding: fundRows }),
  });
  charts.push(fundingShareChart(summary));
  charts.push({
    id: "drawdown",
    title: "Drawdown from the running peak",
    howToRead: "How far each mode's equity stood below its own previous high, in percent. Deeper and longer dips mean more pain on the way; a drop to −100 % is a wiped-out account.",
    spec: topLevel({
      width: CHART_WIDTH, height: 180, data: { name: "drawdown" }, params: [TIME_ZOOM],
      mark: { ...LINE, tooltip: true },
      encoding: { x: timeX(), y: { field: "drawdown", type: "quantitative", title: "drawdown %" }, color: color() },
    }, { drawdown: ddRows }),
  });
  return charts;
}

function priceChart(sym: string, k: number, series: ModeSeries[], liqMarks: Record<string, unknown>[], color: (title?: string | null) => unknown): Chart {
  const priceRows: Record<string, unknown>[] = [];
  const liqRows: Record<string, unknown>[] = [];
  // the trigger price is the same in every mode; draw it once, from the first mode that has it
  const ref = series.find((s) => s.price.get(sym)!.some((p) => p !== null)) ?? series[0];
  const refPrice = ref.price.get(sym)!;
  for (const i of extremaIndices(refPrice, MAX_POINTS_PER_SERIES)) {
    if (refPrice[i] !== null) priceRows.push({ t: ref.time[i], price: round(refPrice[i]!) });
  }
  // a liquidation price far outside the price's own range (cross at low leverage: a few dollars) would squash
  // the price to a flat line; such values are left off and named in the caption instead
  let lo = Infinity, hi = -Infinity;
  for (const p of refPrice) if (p !== null) { lo = Math.min(lo, p); hi = Math.max(hi, p); }
  const reach = (x: number) => x >= lo / FAR && x <= hi * FAR;
  const offChart = new Map<string, number>();
  for (const s of series) {
    const liq = s.liqPrice.get(sym)!;
    const keep = liqMarks.filter((l) => l.mode === s.mode).map((l) => indexAt(s.time, l.t as number));
    for (const i of extremaIndices(liq, MAX_POINTS_PER_SERIES, keep)) {
      const x = liq[i];
      if (x !== null && !reach(x)) {
        const far = offChart.get(s.mode);
        offChart.set(s.mode, far === undefined ? x : x < lo ? Math.min(far, x) : Math.max(far, x));
      }
      liqRows.push({ t: s.time[i], mode: s.mode, liqPrice: x === null || !reach(x) ? null : round(x) });
    }
  }
  const hidden = [...offChart].map(([mode, x]) => `${mode}, as far as ${round(x, 4)}`).join("; ");
  const hiddenNote = hidden === "" ? "" : ` Not drawn, to keep the price readable: liquidation prices more than ${FAR}× away from the price range, which the price never came near (${hidden}).`;
  return {
    id: `price-${k}`,
    title: `${sym}: trigger price and liquidation price per mode`,
    howToRead: "The grey line is the price liquidations trigger on (mark price where the venue uses it). Each dashed line is the position's liquidation price under one mode; gaps mean no position (or, in cross, a price so low it cannot be reached). Where an isolated line creeps toward the price while the price stands still, funding is eating its margin. ✕ marks a liquidation fill." + hiddenNote,
    spec: topLevel({
      width: CHART_WIDTH, height: 220,
      layer: [
        { data: { name: "price" }, params: [TIME_ZOOM], mark: { ...LINE, color: "#6b7280", tooltip: true }, encoding: { x: timeX(), y: { field: "price", type: "quantitative", title: `${sym} price`, scale: { zero: false } } } },
        { data: { name: "liqPrice" }, mark: { ...LINE, strokeDash: [5, 3], tooltip: true }, encoding: { x: timeX(), y: { field: "liqPrice", type: "quantitative" }, color: color("liquidation price") } },
        { data: { name: "liquidations" }, mark: { type: "point", shape: "cross", size: 140, filled: true, strokeWidth: 1, stroke: "#111" },
          encoding: { x: timeX(), y: { field: "price", type: "quantitative" }, color: color("liquidation price"),
            tooltip: [{ field: "t", type: "temporal", title: "time", format: "%Y-%m-%d %H:%M" }, { field: "mode" }, { field: "side" }, { field: "price", type: "quantitative", format: ",.2f" }, { field: "loss", type: "quantitative", format: ",.2f" }] } },
      ],
    }, { price: priceRows, liqPrice: liqRows, liquidations: liqMarks }),
  };
}

function fundingShareChart(summary: BacktestSummary): Chart {
  const color = (title?: string | null) => modeColor(summary.runs.map((r) => r.mode), title);
  const rows = summary.runs.map((r) => ({ mode: r.mode, share: round(r.fundingErosion.paidPctOfMargin, 4), drift: round(r.fundingErosion.maxLiqPriceDriftPct, 4) }));
  return {
    id: "funding-share",
    title: "Funding erosion: funding paid as a share of margin",
    howToRead: "Total funding paid over the run as a percentage of the margin committed (isolated: the positions' own margin). The label adds the largest move of a liquidation price toward the market caused by funding.",
    spec: topLevel({
      width: CHART_WIDTH, height: { step: 34 }, data: { name: "erosion" },
      transform: [{ calculate: "format(datum.share, '.2f') + ' %   (liquidation price moved ' + format(datum.drift, '.2f') + ' % by funding)'", as: "label" }],
      layer: [
        { mark: { type: "bar", tooltip: true }, encoding: { y: { field: "mode", type: "nominal", title: null }, x: { field: "share", type: "quantitative", title: "funding paid, % of margin" }, color: color(null) } },
        { mark: { type: "text", align: "left", dx: 4, color: "#333" }, encoding: { y: { field: "mode", type: "nominal" }, x: { field: "share", type: "quantitative" },
          text: { field: "label" } } },
      ],
    }, { erosion: rows }),
  };
}
