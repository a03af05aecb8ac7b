import { grouped, TRADE_COLUMNS, type BacktestSummary, type StressSummary } from "../results/index.ts";
import { CsvTable } from "./csv.ts";
import { escapeHtml as e } from "./escape.ts";
import { hours, money, pct, prob } from "./format.ts";

/** Rows of trades.csv shown on the page; the rest stay in the file (the page says so). */
export const TRADE_ROWS_SHOWN = 300;

/** A table section of the page: an id, a title and its HTML body (already escaped). */
export interface TableSection {
  id: string;
  title: string;
  html: string;
}

const num = (x: string, d: number) => (x === "" ? "unknown" : grouped(Number(x), d));
const priceText = (x: string) => { const v = Number(x); return num(x, v >= 100 ? 2 : v >= 1 ? 4 : 6); };

/**
 * trades.csv as a sortable table (click a header; the `data-v` of each cell is what it sorts on): the
 * first TRADE_ROWS_SHOWN rows, and a note with the total when there are more.
 */
export function tradeTable(csv: string): TableSection {
  const t = new CsvTable("trades.csv", csv, TRADE_COLUMNS);
  const c = Object.fromEntries(TRADE_COLUMNS.map((k) => [k, t.column(k)])) as Record<(typeof TRADE_COLUMNS)[number], number>;
  const shown = t.rows.slice(0, TRADE_ROWS_SHOWN);
  const numeric = new Set(["entry_price", "exit_price", "size", "pnl", "fees", "funding", "net"]);
  const head = [...TRADE_COLUMNS.map((k) => k.replace(/_/g, " ")), "net"].map((h, i) => {
    const key = i < TRADE_COLUMNS.length ? TRADE_COLUMNS[i] : "net";
    return `<th data-type="${numeric.has(key) ? "num" : "text"}" tabindex="0">${e(h)}</th>`;
  }).join("");
  const body = shown.map((r) => {
    const net = Number(r[c.pnl]) - Number(r[c.fees]) - (r[c.funding] === "" ? 0 : Number(r[c.funding]));
    const cells = [
      [r[c.mode], r[c.mode]], [r[c.symbol], r[c.symbol]], [r[c.side], r[c.side]],
      [r[c.open_time], r[c.open_time].replace("T", " ").replace(/:00(\.000)?Z$/, "")], [r[c.close_time], r[c.close_time].replace("T", " ").replace(/:00(\.000)?Z$/, "")],
      [r[c.entry_price], priceText(r[c.entry_price])], [r[c.exit_price], priceText(r[c.exit_price])], [r[c.size], num(r[c.size], 6)],
      [r[c.pnl], num(r[c.pnl], 2)], [r[c.fees], num(r[c.fees], 2)], [r[c.funding], num(r[c.funding], 2)], [r[c.exit_reason], r[c.exit_reason]],
      [String(net), money(net)],
    ];
    return `<tr class="exit-${e(r[c.exit_reason])}">${cells.map(([v, text]) => `<td data-v="${e(v)}">${e(text)}</td>`).join("")}</tr>`;
  }).join("");
  const note = t.rows.length > shown.length
    ? `Showing the first ${grouped(shown.length)} of ${grouped(t.rows.length)} rows; every row is in trades.csv.`
    : `All ${grouped(t.rows.length)} row${t.rows.length === 1 ? "" : "s"} of trades.csv.`;
  return {
    id: "trades",
    title: "Trades: one row per closed position (a partial close is its own row)",
    html: `<div class="scroll"><table class="trades sortable"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>
<p class="legend-note">${e(note)} Click a column to sort. Money in the quote currency. pnl is realised before fees (a liquidation row: less the margin the venue kept; an end row: open PnL at the last trigger price); fees include the position's share of its opening fees; net = pnl − fees − funding. Rows sum to the run's totals.</p>`,
  };
}

/** Per symbol and mode: PnL, fees, funding, liquidations and trades (summary.json bySymbol). */
export function symbolTable(s: BacktestSummary): TableSection | null {
  if (!s.runs.some((r) => r.bySymbol)) return null;
  const rows = s.runs.flatMap((r) => Object.entries(r.bySymbol ?? {}).map(([sym, t]) =>
    `<tr><th scope="row">${e(sym)}</th><td>${e(r.mode)}</td><td>${e(money(t.pnl))}</td><td>${e(money(t.fees))}</td><td>${e(t.funding === null ? "unknown" : money(t.funding))}</td><td>${e(money(t.pnl - t.fees - (t.funding ?? 0)))}</td><td>${t.liquidations}</td><td>${t.trades}</td></tr>`));
  return {
    id: "by-symbol",
    title: "Per symbol",
    html: `<table class="by-symbol"><thead><tr><th>symbol</th><th>mode</th><th>PnL</th><th>fees</th><th>funding</th><th>net</th><th>liquidations</th><th>trades</th></tr></thead><tbody>${rows.join("")}</tbody></table>
<p class="legend-note">From the rows of trades.csv; money in the quote currency. A cross liquidation's forfeited margin is shared over the positions it closed, by notional.</p>`,
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Monthly returns as a year × month grid per mode, coloured by sign, with the year's compounded total. */
export function monthlyGrid(s: BacktestSummary): TableSection | null {
  if (!s.runs.some((r) => r.monthlyReturns?.length)) return null;
  const blocks = s.runs.filter((r) => r.monthlyReturns?.length).map((r) => {
    const byYear = new Map<string, Map<number, number>>();
    for (const m of r.monthlyReturns!) {
      const [y, mo] = m.month.split("-");
      if (!byYear.has(y)) byYear.set(y, new Map());
      byYear.get(y)!.set(Number(mo) - 1, m.returnPct);
    }
    const rows = [...byYear].map(([y, months]) => {
      const year = ([...months.values()].reduce((a, x) => a * (1 + x / 100), 1) - 1) * 100;
      const cells = MONTHS.map((_, i) => {
        const v = months.get(i);
        return v === undefined ? "<td></td>" : `<td class="${v >= 0 ? "up" : "down"}">${e(pct(v, 1))}</td>`;
      }).join("");
      return `<tr><th scope="row">${e(r.mode)} ${e(y)}</th>${cells}<td class="${year >= 0 ? "up" : "down"}"><b>${e(pct(year, 1))}</b></td></tr>`;
    });
    return rows.join("");
  });
  return {
    id: "monthly",
    title: "Monthly returns",
    html: `<div class="scroll"><table class="monthly"><thead><tr><th></th>${MONTHS.map((m) => `<th>${m}</th>`).join("")}<th>year</th></tr></thead><tbody>${blocks.join("")}</tbody></table></div>
<p class="legend-note">Return of the equity over each UTC calendar month (the first and last month of the run are partial); the year column compounds the months shown.</p>`,
  };
}

/** Click-to-sort for tables marked `sortable` (numbers on data-v, text otherwise; a second click reverses). */
export const SORT_SCRIPT = `
for (const table of document.querySelectorAll("table.sortable")) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => th.addEventListener("click", () => {
    const dir = th.dataset.dir === "asc" ? "desc" : "asc";
    heads.forEach((h) => delete h.dataset.dir);
    th.dataset.dir = dir;
    const num = th.dataset.type === "num";
    const key = (tr) => { const v = tr.cells[col].dataset.v; return num ? (v === "" ? -Infinity : Number(v)) : v; };
    const rows = [...table.tBodies[0].rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (dir === "asc" ? 1 : -1); });
    for (const r of rows) table.tBodies[0].appendChild(r);
  }));
}`;

/** Per leg and mode: liquidation probability with its interval, and the time to that position's first liquidation. */
export function legsTable(s: StressSummary): TableSection | null {
  if (!s.runs.some((r) => r.legs?.length)) return null;
  const time = (h: number | null) => (h === null ? `beyond ${hours(s.horizonHours)}` : hours(h));
  const rows = s.runs.flatMap((r) => (r.legs ?? []).map((l) =>
    `<tr><th scope="row">${e(l.side === null ? l.symbol : `${l.side} ${l.symbol}`)}</th><td>${e(r.mode)}</td><td>${e(`${prob(l.liquidationProbability)} (${prob(l.ci95[0])} – ${prob(l.ci95[1])})`)}</td><td>${e(time(l.timeToLiquidationHours.median))}</td><td>${e(time(l.timeToLiquidationHours.p10))}</td></tr>`));
  return {
    id: "legs",
    title: "Per leg: which position is liquidated, and when",
    html: `<table class="legs"><thead><tr><th>leg</th><th>mode</th><th>liquidated (95 % interval)</th><th>time to liquidation, median</th><th>10th pct</th></tr></thead><tbody>${rows.join("")}</tbody></table>
<p class="legend-note">Isolated positions are liquidated one by one, each on its own margin: a leg's row counts the paths on which that position was liquidated (in full or in part). In cross a liquidation closes every cross position at once, so every leg shows the account's liquidation. Times are Kaplan–Meier, counting paths not liquidated within the horizon as still alive.</p>`,
  };
}
