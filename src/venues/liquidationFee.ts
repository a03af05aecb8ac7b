import type { TableChoice } from "./tableTypes.ts";

/** The liquidation fee rate a symbol is charged in a margin mode: its own where its table has one, else the mode's rule (the venue's default). */
export function liquidationFeeRate(choice: TableChoice, isolated: boolean): number {
  if (choice.symbolFee) return choice.symbolFee.rate;
  const loss = choice.liquidationLoss;
  const rule = (isolated ? loss.isolated : loss.cross) ?? loss.isolated ?? loss.cross;
  return rule ? rule.feeRate : 0;
}
