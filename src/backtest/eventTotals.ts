import type { EngineEvent } from "../margin/index.ts";
import type { BacktestLiquidation } from "../results/index.ts";
import type { BacktestEvent } from "./types.ts";

/** A liquidation as the replay records it (time in ms); its loss grows as its fees, forfeit and bad debt arrive. */
export type LiqRecord = Omit<BacktestLiquidation, "time"> & { time: number };

/** An engine event a strategy hook is told about at the close of the bar it happened in. */
export type HookNotice = { kind: "fill" | "funding"; event: EngineEvent } | { kind: "liquidation"; liquidation: LiqRecord };

/**
 * The engine's event sink for one run: the money totals of the run (fees, realised PnL, funding,
 * bad debt, trades), the liquidations with their whole loss, the events.csv rows, the time of the
 * latest event, and what the strategy's hooks are to be told.
 */
export class EventTotals {
  fees = 0;
  /** PnL realised by the strategy's fills (not liquidations) */
  realized = 0;
  funding = 0;
  badDebt = 0;
  trades = 0;
  readonly liquidations: LiqRecord[] = [];
  firstLiquidation: number | null = null;
  /** time of the latest engine event */
  eventTime: number;
  readonly events: BacktestEvent[] = [];
  /** what the strategy's hooks are told at the bar's close; null when it has no hooks */
  readonly notices: HookNotice[] | null;
  private currentLiq: LiqRecord | null = null;

  constructor(readonly recordEvents: boolean, from: number, withHooks: boolean) {
    this.eventTime = from;
    this.notices = withHooks ? [] : null;
  }

  readonly sink = (e: EngineEvent): void => {
    this.eventTime = e.time;
    const liq = this.currentLiq;
    switch (e.type) {
      case "fee":
        if (e.detail === "liquidation") { if (liq) liq.loss -= e.amount; } else this.fees -= e.amount;
        break;
      case "funding":
        this.funding -= e.amount;
        this.notices?.push({ kind: "funding", event: e });
        break;
      case "fill":
        this.trades++;
        this.realized += e.amount;
        this.notices?.push({ kind: "fill", event: e });
        break;
      case "liquidation":
        if (e.detail === "forfeit") { if (liq) liq.loss -= e.amount; }
        else {
          const rec: LiqRecord = { time: e.time, symbol: e.symbol, side: e.side, price: e.price, size: e.size, loss: -e.amount };
          this.currentLiq = rec;
          this.liquidations.push(rec);
          if (this.firstLiquidation === null) this.firstLiquidation = e.time;
          this.notices?.push({ kind: "liquidation", liquidation: rec });
        }
        break;
      case "bad-debt":
        this.badDebt += e.amount;
        if (liq) liq.loss -= e.amount;
        break;
    }
    if (this.recordEvents) this.events.push({ ...e, time: e.time });
  };

  /** A row of the replay's own (`stop`, `reject`) in events.csv. */
  note(e: BacktestEvent): void {
    if (this.recordEvents) this.events.push(e);
  }
}
