import { CANDLE_FIELDS, TRADE_COLUMNS } from "../../results/index.ts";
import { CsvTable } from "../csv.ts";
import { round } from "../format.ts";

/** Wicks drawn per symbol: a long history is merged into this many buckets (each keeps its true low and high). */
export const MAX_WICKS = 600;

/** One drawn wick: the bars from `t` (first bar's open) to the next wick, their low, high and last close. */
export interface Wick {
  t: number;
  low: number;
  high: number;
  close: number;
}

/** A liquidation or stop placed on the wick that hit it. */
export interface WickMarker {
  /** the wick's time (so the marker stands on the drawn wick) and the event's own time */
  t: number;
  time: number;
  mode: string;
  kind: "liquidation" | "stop" | "take-profit";
  side: string;
  /** where the marker is drawn: the fill price, clamped into the wick (slippage may fill beyond it) */
  y: number;
  /** the fill price as recorded */
  price: number;
  wickLow: number;
  wickHigh: number;
}

/** The trigger candles of one symbol from candles.csv, merged into at most `max` wicks. */
export function readWicks(text: string, symbol: string, max = MAX_WICKS): Wick[] {
  const t = new CsvTable("candles.csv", text, ["time", ...CANDLE_FIELDS.map((f) => `${symbol}:${f}`)]);
  const [ct, ch, cl, cc] = [t.column("time"), t.column(`${symbol}:high`), t.column(`${symbol}:low`), t.column(`${symbol}:close`)];
  const bars: Wick[] = [];
  for (let r = 0; r < t.rows.length; r++) {
    const high = t.num(r, ch, true), low = t.num(r, cl, true), close = t.num(r, cc, true);
    if (high === null || low === null || close === null) continue;
    bars.push({ t: t.time(r, ct), low, high, close });
  }
  if (bars.length <= max) return bars;
  const size = Math.ceil(bars.length / max);
  const out: Wick[] = [];
  for (let i = 0; i < bars.length; i += size) {
    const part = bars.slice(i, i + size);
    out.push({ t: part[0].t, low: Math.min(...part.map((b) => b.low)), high: Math.max(...part.map((b) => b.high)), close: part[part.length - 1].close });
  }
  return out;
}

/** The wick covering time `time` (the last one starting at or before it). */
export function wickAt(wicks: readonly Wick[], time: number): Wick | undefined {
  let lo = 0, hi = wicks.length - 1, best: Wick | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (wicks[mid].t <= time) { best = wicks[mid]; lo = mid + 1; } else hi = mid - 1;
  }
  return best;
}

export function place(wicks: readonly Wick[], e: { time: number; mode: string; kind: WickMarker["kind"]; side: string; price: number }): WickMarker | null {
  const w = wickAt(wicks, e.time);
  if (!w) return null;
  const y = Math.min(w.high, Math.max(w.low, e.price));
  return { ...e, t: w.t, y: round(y, 8), price: round(e.price, 8), wickLow: w.low, wickHigh: w.high };
}

/** Stop and take-profit exits of one symbol from trades.csv. */
export function readStops(text: string, symbol: string): { time: number; mode: string; kind: "stop" | "take-profit"; side: string; price: number }[] {
  const t = new CsvTable("trades.csv", text, TRADE_COLUMNS);
  const [cs, cr, cm, ct, cp, cside] = ["symbol", "exit_reason", "mode", "close_time", "exit_price", "side"].map((c) => t.column(c));
  const out = [];
  for (let r = 0; r < t.rows.length; r++) {
    const reason = t.text(r, cr);
    if (t.text(r, cs) !== symbol || (reason !== "stop" && reason !== "take-profit")) continue;
    out.push({ time: t.time(r, ct), mode: t.text(r, cm), kind: reason as "stop" | "take-profit", side: t.text(r, cside), price: t.num(r, cp) });
  }
  return out;
}
