import { isoTime } from "../market/index.ts";
import type { Recorder } from "./recorder.ts";
import type { ReplayState } from "./state.ts";
import type { ModeResult } from "./types.ts";

/**
 * The end of a run: one mode's result. The margin-in-use integral is closed at the market's end,
 * open positions are valued at the last close (unrealised PnL), and funding is stated as a share of
 * the time-weighted margin in use.
 */
export function modeResult(st: ReplayState, rec: Recorder, balance: number, differingBars: number): ModeResult {
  const T = st.totals;
  st.marginInUse.advance(st.market.to);
  let unrealized = 0;
  const pos = st.pos;
  for (let s = 0; s < pos.slots; s++) if (pos.dir[s] !== 0) unrealized += pos.dir[s] * pos.size[s] * (st.px[s] - pos.entry[s]);
  const avgMargin = st.marginInUse.average();
  const equity = rec.equity;
  return {
    run: {
      mode: st.mode,
      finalEquity: equity,
      returnPct: ((equity - balance) / balance) * 100,
      maxDrawdownPct: rec.maxDrawdownPct,
      survived: T.liquidations.length === 0,
      liquidations: T.liquidations.map((l) => ({ ...l, time: isoTime(l.time) })),
      realizedPnl: T.realized,
      unrealizedPnl: unrealized,
      liquidationLosses: T.liquidations.reduce((s, l) => s + l.loss, 0),
      fundingPaid: T.funding,
      feesPaid: T.fees,
      badDebt: T.badDebt,
      trades: T.trades,
      fundingErosion: { paidPctOfMargin: avgMargin > 0 ? (T.funding / avgMargin) * 100 : 0, maxLiqPriceDriftPct: st.maxDrift },
    },
    events: T.events,
    equity: rec.trace(),
    intrabarDifferingBars: differingBars,
    firstLiquidation: T.firstLiquidation,
  };
}
