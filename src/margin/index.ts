/**
 * The margin engine and the liquidation-price calculator.
 *
 * - `new Account({ venue, balance, symbols, ledger?, events?, liquidationSlippage? })`: trade, reduce,
 *   close, flip, addMargin, removeMargin, setLeverage, settleFunding (size × price × rate),
 *   creditFunding(time, symbol, amount, price?) (a funding amount computed elsewhere, positive =
 *   received), checkLiquidations (a point), checkSegment (a straight piece of the intrabar path).
 *   Price arrays are indexed by symbol slot; every price the account is given (fills, checks,
 *   funding) becomes the latest price its margin checks of new orders use.
 * - `accountLiquidationPrices`, `liquidationPrice`, `compareModes`: the calculator (decimal.js).
 * - `maintenanceRule`, `maintenanceMargin`, `maxLeverageAt`, `liquidationPriceF`: the shared float rules, for kernels.
 * - The venue algebra (algebra.ts), generic over the number type (`FLOAT`, or decimal.js in the
 *   calculator): `maintenance`, `liquidationTier`, `tierRoot`, `entryRoot`, `liquidationRoot`, and the
 *   linear pieces a tight loop precomputes once per position (`excessSlope`, `excessIntercept`,
 *   `linearRoot`, `rootPerAvailable`, `isLinearRule`). Allocation-free with `FLOAT`.
 * - `account.store`: the positions as typed arrays by slot with a version counter, read in place.
 * - `account.snapshot()` / `account.restore(snapshot)`: the account's whole state kept and put back (a kernel's path start).
 * - Liquidation policies are objects (policies/): `liquidationRule(venue.liquidation, venue.liquidationLoss).apply(bucket)`;
 *   where what is left goes (trader, insurance fund, backstop vault) is the table's `remainder` field.
 * - `ExactLedger` / `FastLedger`: where the money is kept.
 */
export {
  maintenance, maintenanceNotional as notionalOf, tierMaintenance, maintenanceTier, unrealisedPnl, positionExcess, liquidationTier, tierRoot,
  entryRoot, liquidationRoot, bankruptcyRoot, isLinearRule, excessSlope, excessIntercept, linearRoot, rootPerAvailable, type Num,
} from "./algebra.ts";
export { FLOAT, decimalNum } from "./numbers.ts";
export type { PositionStoreView } from "./store.ts";
export { liquidationRule, type LiquidationBucket, type LiquidationRule } from "./policies/index.ts";
export { FundingHold, Hold, HoldKind } from "./funding.ts";
export { Account, type AccountOptions, type OpenOptions, type PositionView, type TradeResult } from "./account.ts";
export type { AccountSnapshot } from "./snapshot.ts";
export { accountLiquidationPrices, liquidationPrice, compareModes, type CalcPosition, type LiquidationQuote } from "./calculator.ts";
export { ExactLedger, FastLedger, type Ledger, type LedgerTotals, type LiquidatedPart } from "./ledger.ts";
export type { EngineEvent, EventSink, EventType } from "./events.ts";
export {
  maintenanceRule, maintenanceMargin, maxLeverageAt, liquidationPriceF, bankruptcyPriceF, type MaintenanceRule, type RuleOverrides,
} from "./maintenance.ts";
export { sideOf, dirOf, type Side, type Dir, type MarginMode } from "./types.ts";
