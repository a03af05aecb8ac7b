import type { Side } from "./types.ts";

/**
 * Everything the engine does to money. `amount` is the signed change to the account's money
 * (fill: realised PnL; fee: −fee; funding: received (negative when paid); liquidation: realised PnL,
 * or −margin kept by the venue when detail is `forfeit`; bad-debt: +amount the venue absorbed).
 * `margin` and `leverage` events move money between the wallet and an isolated margin (amount =
 * into the position), so they leave the total unchanged. `walletBalance` is the cross wallet after.
 */
export type EventType = "fill" | "fee" | "funding" | "margin" | "leverage" | "liquidation" | "bad-debt" | "deposit";

export interface EngineEvent {
  time: number;
  type: EventType;
  symbol: string;
  side: Side;
  size: number;
  price: number;
  amount: number;
  walletBalance: number;
  detail: string;
}

/** Receives events as they happen; pass none to the account to record nothing (no allocation). */
export type EventSink = (event: EngineEvent) => void;
