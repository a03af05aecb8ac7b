import { type BacktestSummary, EQUITY_FIXED_COLUMNS } from "../../results/index.ts";
import { CsvTable } from "../csv.ts";
import { extremaIndices, unionIndices } from "../downsample.ts";
import { round } from "../format.ts";
import { CHART_WIDTH, TIME_ZOOM, modeColor, topLevel, type Chart } from "./chart.ts";
import { place, readStops, readWicks, type WickMarker } from "./wicks.ts";

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
  return days > 3 * 365 ? "%Y" : days > 60 ? "%b %Y" : "%b %d, %Y";
}
let timeAxisFormat = "%b %d, %Y";
/** the quote currency of the symbols, for money axes ("USDT"), or "quote currency" when they differ */
let currency = "quote currency";
function quoteOf(symbols: string[]): string {
  const q = new Set(symbols.map((s) => /(USDT|USDC|BUSD|USD)$/.exec(s)?.[1] ?? ""));
  return q.size === 1 && !q.has("") ? [...q][0] : "quote currency";
}
const timeX = (title: string | null = null) => ({ field: "t", type: "temporal", title, axis: { labelOverlap: true, format: timeAxisFormat } });
const LINE = { type: "line", strokeWidth: 1.4, interpolate: "linear", invalid: "break-paths-show-domains" };

/** Optional files beside equity.csv: trades.csv (stop markers) and candles.csv (wicks). */
export interface BacktestChartFiles {
  trades?: string;
  candles?: string;
}

/**
 * Buy and hold of the same symbols: the initial balance split equally at each symbol's first recorded
 * trigger price and never touched, valued at the trigger price of each row (no fees, no funding, no leverage).
 */
export function buyAndHold(s: ModeSeries, symbols: string[], initial: number): (number | null)[] {
  const first = symbols.map((sym) => s.price.get(sym)!.find((p) => p !== null) ?? null);
  const last = [...first];
  return s.time.map((_, i) => {
    let v = 0;
    for (let k = 0; k < symbols.length; k++) {
      const p = s.price.get(symbols[k])![i];
      if (p !== null) last[k] = p;
      if (first[k] === null || last[k] === null) return null;
      v += (initial / symbols.length) * (last[k]! / first[k]!);
    }
    return v;
  });
}

export function backtestCharts(summary: BacktestSummary, equityCsv: string | undefined, files: BacktestChartFiles = {}): Chart[] {
  const modes = summary.runs.map((r) => r.mode);
  const color = (title?: string | null) => modeColor(modes, title);
  if (equityCsv === undefined) return [fundingShareChart(summary)];
  const series = readEquity(equityCsv, summary.symbols);
  timeAxisFormat = timeFormat(Date.parse(summary.to) - Date.parse(summary.from));
  currency = quoteOf(summary.symbols);
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
  const bh = series.length > 0 ? buyAndHold(series[0], summary.symbols, summary.initialBalance) : [];
  const holdRows = series.length > 0 ? extremaIndices(bh, MAX_POINTS_PER_SERIES).filter((i) => bh[i] !== null).map((i) => ({ t: series[0].time[i], equity: round(bh[i]!) })) : [];
  const liqMarks = liqs.map((l) => {
    const s = series.find((x) => x.mode === l.mode);
    const equity = s ? s.equity[indexAt(s.time, l.t)] : null;
    return { t: l.t, mode: l.mode, symbol: l.symbol, side: l.side, price: l.price, size: l.size, loss: round(l.loss), equity: equity === null ? null : round(equity) };
  });

  const charts: Chart[] = [
    {
      id: "equity",
      title: "Equity per margin mode",
      howToRead: `Each line is the account's equity under one margin mode, on the same trades, in ${currency}. The grey dashed line is buy and hold of the same symbols (the initial balance split equally at the first price, no leverage, fees or funding): the benchmark. A ✕ marks a liquidation (hover for symbol, price and loss). Drag to pan, scroll to zoom the time axis, double-click to reset.`,
      spec: topLevel({
        width: CHART_WIDTH, height: 260,
        layer: [
          { data: { name: "buyAndHold" }, mark: { ...LINE, color: "#9aa3ad", strokeDash: [4, 3], tooltip: true }, encoding: { x: timeX(), y: { field: "equity", type: "quantitative" } } },
          { data: { name: "equity" }, params: [TIME_ZOOM], mark: { ...LINE, tooltip: true }, encoding: { x: timeX(), y: { field: "equity", type: "quantitative", title: `equity (${currency})`, scale: { zero: false } }, color: color() } },
          { data: { name: "liquidations" }, mark: { type: "point", shape: "cross", size: 140, filled: true, strokeWidth: 1, stroke: "#111" },
            encoding: { x: timeX(), y: { field: "equity", type: "quantitative" }, color: color(),
              tooltip: [{ field: "t", type: "temporal", title: "time", format: "%Y-%m-%d %H:%M" }, { field: "mode" }, { field: "symbol" }, { field: "side" }, { field: "price", type: "quantitative", format: ",.2f" }, { field: "loss", type: "quantitative", format: ",.2f" }] } },
        ],
      }, { equity: equityRows, buyAndHold: holdRows, liquidations: liqMarks }),
    },
  ];

  summary.symbols.forEach((sym, k) => {
    const markers = files.candles === undefined ? null : wickMarkers(sym, files.candles, files.trades, liqs);
    charts.push(priceChart(sym, k, series, liqMarks.filter((l) => l.symbol === sym), color, markers));
  });

  charts.push({
    id: "funding",
    title: "Funding paid, cumulative",
    howToRead: "Funding paid so far under each mode (negative means received). Cross pays from the shared wallet; isolated pays from each position's own margin, which pulls its liquidation price toward the market.",
    spec: topLevel({
      width: CHART_WIDTH, height: 200, data: { name: "funding" }, params: [TIME_ZOOM],
      mark: { ...LINE, tooltip: true },
      encoding: { x: timeX(), y: { field: "funding", type: "quantitative", title: `funding paid (${currency})` }, color: color() },
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

/** Wicks of one symbol from candles.csv and its liquidations and stops placed on them. */
function wickMarkers(sym: string, candles: string, trades: string | undefined, liqs: { t: number; mode: string; symbol: string; side: string; price: number }[]) {
  const wicks = readWicks(candles, sym);
  const events = [
    ...liqs.filter((l) => l.symbol === sym).map((l) => ({ time: l.t, mode: l.mode, kind: "liquidation" as const, side: l.side, price: l.price })),
    ...(trades === undefined ? [] : readStops(trades, sym)),
  ];
  const markers = events.map((e) => place(wicks, e)).filter((m): m is WickMarker => m !== null);
  return { wicks: wicks.map((w) => ({ t: w.t, low: round(w.low, 8), high: round(w.high, 8), close: round(w.close, 8) })), markers };
}

type WickData = ReturnType<typeof wickMarkers>;

function priceChart(sym: string, k: number, series: ModeSeries[], liqMarks: Record<string, unknown>[], color: (title?: string | null) => unknown, wicks: WickData | null): Chart {
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
  if (wicks) {
    for (const w of wicks.wicks) { lo = Math.min(lo, w.low); hi = Math.max(hi, w.high); }
  }
  const hidden = [...offChart].map(([mode, x]) => `${mode}, as far as ${round(x, 4)}`).join("; ");
  const hiddenNote = hidden === "" ? "" : ` Not drawn, to keep the price readable: liquidation prices more than ${FAR}× away from the price range, which the price never came near (${hidden}).`;
  return {
    id: `price-${k}`,
    title: `${sym}: trigger price and liquidation price per mode`,
    howToRead: (wicks
      ? "Grey wicks span each bar's low to high on the price liquidations and stops trigger on (mark price where the venue uses it; long runs merge bars into one wick that keeps their lowest low and highest high); the grey line is the close. ✕ marks a liquidation and ▲ a stop (▼ a take-profit) on the wick that hit it, at the fill price (held inside the wick when slippage filled beyond it; the tooltip gives the fill). "
      : "The grey line is the close of the price liquidations trigger on (mark price where the venue uses it). ✕ marks a liquidation fill. ") +
      `Each dashed line is the position's liquidation price under one mode; gaps mean no position (or, in cross, a price so low it cannot be reached). Where an isolated line creeps toward the price while the price stands still, funding is eating its margin. Prices in ${currency}.` + hiddenNote,
    spec: topLevel({
      width: CHART_WIDTH, height: 240,
      layer: [
        ...(wicks ? [{ data: { name: "wicks" }, mark: { type: "rule", color: "#b8bec7", strokeWidth: 1 }, encoding: { x: timeX(), y: { field: "low", type: "quantitative" }, y2: { field: "high" } } }] : []),
        { data: { name: "price" }, params: [TIME_ZOOM], mark: { ...LINE, color: "#6b7280", tooltip: true }, encoding: { x: timeX(), y: { field: "price", type: "quantitative", title: `${sym} price (${currency})`, scale: { zero: false } } } },
        { data: { name: "liqPrice" }, mark: { ...LINE, strokeDash: [5, 3], tooltip: true }, encoding: { x: timeX(), y: { field: "liqPrice", type: "quantitative" }, color: color("liquidation price") } },
        wicks
          ? { data: { name: "markers" }, mark: { type: "point", size: 140, filled: true, strokeWidth: 1, stroke: "#111" },
            encoding: { x: timeX(), y: { field: "y", type: "quantitative" }, color: color("liquidation price"),
              shape: { field: "kind", type: "nominal", title: "marker", scale: { domain: ["liquidation", "stop", "take-profit"], range: ["cross", "triangle-up", "triangle-down"] } },
              tooltip: [{ field: "time", type: "temporal", title: "time", format: "%Y-%m-%d %H:%M" }, { field: "kind" }, { field: "mode" }, { field: "side" }, { field: "price", type: "quantitative", title: "fill", format: ",.2f" }, { field: "wickLow", type: "quantitative", title: "wick low", format: ",.2f" }, { field: "wickHigh", type: "quantitative", title: "wick high", format: ",.2f" }] } }
          : { data: { name: "liquidations" }, mark: { type: "point", shape: "cross", size: 140, filled: true, strokeWidth: 1, stroke: "#111" },
            encoding: { x: timeX(), y: { field: "price", type: "quantitative" }, color: color("liquidation price"),
              tooltip: [{ field: "t", type: "temporal", title: "time", format: "%Y-%m-%d %H:%M" }, { field: "mode" }, { field: "side" }, { field: "price", type: "quantitative", format: ",.2f" }, { field: "loss", type: "quantitative", format: ",.2f" }] } },
      ],
    }, wicks ? { price: priceRows, liqPrice: liqRows, wicks: wicks.wicks, markers: wicks.markers as unknown as Record<string, unknown>[] } : { price: priceRows, liqPrice: liqRows, liquidations: liqMarks }),
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
