import type { BacktestTrade, ExitReason, Side } from "../results/index.ts";
import type { BacktestEvent } from "./types.ts";

/** A trade row with its times still in ms (the summary/CSV layer turns them into ISO strings). */
/** (funding is what was settled; trades.csv leaves it empty when the run's funding is unknown) */
export type TradeRow = Omit<BacktestTrade, "mode" | "openTime" | "closeTime" | "funding"> & { openTime: number; closeTime: number; funding: number };

/** One open position as the events tell it: average entry, size, and the costs not yet booked to a row. */
interface Open {
  side: Side;
  openTime: number;
  entry: number;
  size: number;
  /** fees and funding charged while open, not yet booked to a closing row */
  fees: number;
  funding: number;
}

/** The last fill of a symbol, so the fee that follows it lands where it belongs. */
type LastFill = { kind: "open" } | { kind: "row"; row: TradeRow };

const EPS = 1e-12;

/**
 * The closed positions of one run, from its event stream, in event order: one row per close, reduce,
 * liquidation or partial liquidation, plus one `end` row per position still open at `endTime`, valued at
 * `lastPrice` (the trigger close of the last bar, as the run's unrealised PnL).
 *
 * How money lands on rows, so that the rows add up to the run's totals:
 * - `pnl`: the PnL the close realised (before fees); for a liquidation row, the PnL realised in
 *   liquidation less the margin the venue kept (`forfeit`) plus any bad debt it absorbed; for an `end`
 *   row, the open PnL at the last price.
 * - `fees`: the trading fee of the close, plus the share of the position's earlier fees (opening and
 *   increasing fills) in proportion to the size closed; a liquidation row carries the liquidation fee.
 * - `funding`: paid (positive) or received (negative) while the position was open, shared the same way.
 * A cross liquidation's forfeit and bad debt (booked to the account, not to a symbol) are shared over
 * the positions liquidated at that moment in proportion to notional.
 * Hence Σ(pnl − fees − funding) over all rows = final equity − initial balance.
 */
export function deriveTrades(events: readonly BacktestEvent[], lastPrice: ReadonlyMap<string, number>, endTime: number): TradeRow[] {
  const rows: TradeRow[] = [];
  const open = new Map<string, Open>();
  const last = new Map<string, LastFill>();
  const stopBy = new Map<string, ExitReason>();
  /** the liquidation rows of the latest liquidation time (a cross liquidation closes several at once) */
  let liqBatch: TradeRow[] = [];
  let liqTime = NaN;

  const book = (symbol: string, p: Open, t: number, size: number, price: number, pnl: number, reason: ExitReason): TradeRow => {
    const share = p.size > EPS ? Math.min(1, size / p.size) : 1;
    const fees = p.fees * share;
    const funding = p.funding * share;
    const row: TradeRow = {
      symbol, side: p.side, openTime: p.openTime, closeTime: t, entryPrice: p.entry, exitPrice: price, size, pnl, fees, funding, exitReason: reason,
    };
    p.fees -= fees;
    p.funding -= funding;
    if (share >= 1 - 1e-9) open.delete(symbol);
    else p.size -= size;
    rows.push(row);
    return row;
  };

  for (const e of events) {
    switch (e.type) {
      case "stop":
        stopBy.set(e.symbol, e.detail === "take-profit" ? "take-profit" : "stop");
        break;
      case "fill": {
        if (e.detail.startsWith("open")) {
          const p = open.get(e.symbol);
          if (!p) open.set(e.symbol, { side: e.side as Side, openTime: e.time, entry: e.price, size: e.size, fees: 0, funding: 0 });
          else {
            p.entry = (p.entry * p.size + e.price * e.size) / (p.size + e.size);
            p.size += e.size;
          }
          last.set(e.symbol, { kind: "open" });
        } else {
          const p = open.get(e.symbol);
          if (!p) break;
          const reason = stopBy.get(e.symbol) ?? "signal";
          stopBy.delete(e.symbol);
          last.set(e.symbol, { kind: "row", row: book(e.symbol, p, e.time, e.size, e.price, e.amount, reason) });
        }
        break;
      }
      case "fee": {
        const cost = -e.amount;
        if (e.detail === "liquidation") {
          const row = [...liqBatch].reverse().find((r) => r.symbol === e.symbol);
          if (row) row.fees += cost;
          break;
        }
        const l = last.get(e.symbol);
        if (l?.kind === "row") l.row.fees += cost;
        else {
          const p = open.get(e.symbol);
          if (p) p.fees += cost;
        }
        break;
      }
      case "funding": {
        const p = open.get(e.symbol);
        if (p) p.funding -= e.amount;
        break;
      }
      case "liquidation": {
        if (e.detail === "forfeit") { shareOver(liqBatch, e.symbol, e.amount); break; }
        const p = open.get(e.symbol);
        if (!p) break;
        if (e.time !== liqTime) { liqBatch = []; liqTime = e.time; }
        const partial = e.size < p.size * (1 - 1e-9);
        const row = book(e.symbol, p, e.time, e.size, e.price, e.amount, partial ? "partial-liquidation" : "liquidation");
        liqBatch.push(row);
        last.set(e.symbol, { kind: "row", row });
        break;
      }
      case "bad-debt":
        shareOver(liqBatch, e.symbol, e.amount);
        break;
    }
  }
  for (const [symbol, p] of open) {
    const px = lastPrice.get(symbol);
    if (px === undefined || !(px === px)) continue;
    const d = p.side === "long" ? 1 : -1;
    rows.push({ symbol, side: p.side, openTime: p.openTime, closeTime: endTime, entryPrice: p.entry, exitPrice: px, size: p.size, pnl: d * p.size * (px - p.entry), fees: p.fees, funding: p.funding, exitReason: "end" });
  }
  return rows;
}

/** Add `amount` to the pnl of the batch's rows: to the symbol's row when named, else pro rata to notional. */
function shareOver(batch: TradeRow[], symbol: string, amount: number): void {
  if (batch.length === 0) return;
  if (symbol !== "") {
    const row = [...batch].reverse().find((r) => r.symbol === symbol);
    if (row) { row.pnl += amount; return; }
  }
  const notional = batch.reduce((s, r) => s + r.size * r.exitPrice, 0);
  let left = amount;
  batch.forEach((r, i) => {
    const part = i === batch.length - 1 ? left : notional > 0 ? (amount * r.size * r.exitPrice) / notional : amount / batch.length;
    r.pnl += part;
    left -= part;
  });
}
