import { Decimal } from "decimal.js";
import { InputError } from "../market/index.ts";
import { tierAt, type MarginMode, type Venue } from "../venues/index.ts";
import { bankruptcyRoot, liquidationRoot, maintenance, positionExcess, unrealisedPnl, type Dir } from "./algebra.ts";
import { maintenanceRule, maxLeverageAt, type MaintenanceRule } from "./maintenance.ts";
import { decimalNum } from "./numbers.ts";
import type { Side } from "./types.ts";

/** One position as the calculator (and `perpsim liq --account`) takes it. */
export interface CalcPosition {
  symbol: string;
  side: Side;
  size: number;
  entryPrice: number;
  /** current mark (or oracle) price; default the entry price */
  markPrice?: number;
  mode: MarginMode;
  /** isolated margin; default notional at entry / leverage */
  margin?: number;
  leverage?: number;
  mmr?: number;
  maintenanceAmount?: number;
  maxLeverage?: number;
}

/** What the calculator says of one position. Prices are not rounded (print them with the venues' `formatPrice`); money is at the venue's settlement precision. */
export interface LiquidationQuote {
  symbol: string;
  side: Side;
  mode: MarginMode;
  /** null when no liquidation price exists above zero */
  liquidationPrice: number | null;
  bankruptcyPrice: number | null;
  /** maintenance margin at the mark price */
  maintenanceMargin: number;
  /** how far the mark must move against the position to reach liquidation, in % of the mark (negative: already past) */
  distancePct: number | null;
}

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof D>;
const DEC = decimalNum(D);

interface Prepared {
  p: CalcPosition;
  s: Dir;
  q: Dec;
  e: Dec;
  mark: Dec;
  rule: MaintenanceRule;
  margin: Dec;
}

/**
 * Liquidation prices of every position of an account. `walletBalance` is the whole wallet,
 * isolated margins included; cross positions share what is left, with the other cross positions
 * held at their marks (as the venues compute it). `where` prefixes error messages (e.g. a file name).
 */
export function accountLiquidationPrices(venue: Venue, walletBalance: number, positions: readonly CalcPosition[], where = ""): LiquidationQuote[] {
  const prefix = where ? `${where}: ` : "";
  if (!Number.isFinite(walletBalance) || walletBalance < 0) throw new InputError(`${prefix}walletBalance must be a number ≥ 0 (got ${walletBalance})`);
  const seen = new Set<string>();
  const prepared = positions.map((p, i) => {
    const field = `${prefix}positions[${i}]`;
    if (seen.has(p.symbol)) throw new InputError(`${field}.symbol: '${p.symbol}' appears twice (one position per symbol)`);
    seen.add(p.symbol);
    return prepare(venue, p, field);
  });
  let isolatedMargins = new D(0);
  for (const x of prepared) if (x.p.mode === "isolated") isolatedMargins = isolatedMargins.plus(x.margin);
  const crossWallet = new D(walletBalance).minus(isolatedMargins);
  if (crossWallet.lt(0)) throw new InputError(`${prefix}walletBalance ${walletBalance} is less than the isolated margins ${isolatedMargins.toString()}`);
  checkCrossInitialMargin(venue, prepared, crossWallet, prefix);
  return prepared.map((x) => {
    if (x.p.mode === "isolated") return quote(venue, x, x.margin, x.margin);
    let available = crossWallet;
    let equity = crossWallet;
    for (const o of prepared) {
      if (o === x || o.p.mode !== "cross") continue;
      available = DEC.add(available, positionExcess(DEC, o.rule, o.s, o.q, o.e, o.mark));
      equity = DEC.add(equity, unrealisedPnl(DEC, o.s, o.q, o.e, o.mark));
    }
    return quote(venue, x, available, equity);
  });
}

/** One position alone in its account: isolated behind its margin, cross behind `walletBalance`. */
export function liquidationPrice(venue: Venue, position: CalcPosition, walletBalance?: number, where = ""): LiquidationQuote {
  if (position.mode === "isolated") {
    const x = prepare(venue, position, where || "position");
    return quote(venue, x, x.margin, x.margin);
  }
  const balance = walletBalance ?? defaultMargin(position);
  return accountLiquidationPrices(venue, balance, [position], where)[0];
}

/**
 * The same position under both modes: isolated behind its margin (or notional / leverage), cross
 * behind the whole `walletBalance`. Only the modes the venue offers are returned.
 */
export function compareModes(venue: Venue, position: Omit<CalcPosition, "mode">, walletBalance?: number, where = ""): LiquidationQuote[] {
  // isolated first, so a margin below the initial margin is reported as such
  const modes = [...venue.modes].sort((a) => (a === "isolated" ? -1 : 1));
  const quotes = modes.map((mode) =>
    mode === "isolated"
      ? liquidationPrice(venue, { ...position, mode }, undefined, where)
      : liquidationPrice(venue, { ...position, mode, margin: undefined }, walletBalance ?? defaultMargin(position), where));
  return quotes.sort((a, b) => (a.mode === b.mode ? 0 : a.mode === "cross" ? -1 : 1));
}

function defaultMargin(p: Omit<CalcPosition, "mode">): number {
  if (p.margin !== undefined) return p.margin;
  if (p.leverage !== undefined && p.leverage > 0) return (p.size * p.entryPrice) / p.leverage;
  throw new InputError("give --margin, --leverage or --balance");
}

function positive(field: string, v: unknown, optional = false): number | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw new InputError(`${field} must be a positive number (got ${v === undefined ? "nothing" : JSON.stringify(v)})`);
  return v;
}

function prepare(venue: Venue, p: CalcPosition, field: string): Prepared {
  if (typeof p.symbol !== "string" || p.symbol.trim() === "") throw new InputError(`${field}.symbol must be a symbol such as BTCUSDT`);
  if (p.side !== "long" && p.side !== "short") throw new InputError(`${field}.side must be 'long' or 'short' (got ${JSON.stringify(p.side)})`);
  if (p.mode !== "cross" && p.mode !== "isolated") throw new InputError(`${field}.mode must be 'cross' or 'isolated' (got ${JSON.stringify(p.mode)})`);
  if (!venue.modes.includes(p.mode)) throw new InputError(`${field}.mode: ${venue.label} has no ${p.mode} margin`);
  const size = positive(`${field}.size`, p.size)!;
  const entry = positive(`${field}.entryPrice`, p.entryPrice)!;
  const mark = positive(`${field}.markPrice`, p.markPrice, true) ?? entry;
  positive(`${field}.leverage`, p.leverage, true);
  positive(`${field}.margin`, p.margin, true);
  positive(`${field}.maxLeverage`, p.maxLeverage, true);
  positive(`${field}.mmr`, p.mmr, true);
  if (p.maintenanceAmount !== undefined && (typeof p.maintenanceAmount !== "number" || !Number.isFinite(p.maintenanceAmount))) {
    throw new InputError(`${field}.maintenanceAmount must be a number`);
  }
  let rule: MaintenanceRule;
  try {
    rule = maintenanceRule(venue, p.symbol, p);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${field}: ${err.message}`);
    throw err;
  }
  const notional = size * entry;
  const tier = tierAt(rule.tiers, notional);
  if (notional >= tier.cap) throw new InputError(`${field}.size: notional ${notional} is beyond ${venue.label}'s largest ${p.symbol} tier (${tier.cap})`);
  const maxLev = maxLeverageAt(rule, notional);
  if (p.leverage !== undefined && p.leverage > maxLev) throw new InputError(`${field}.leverage ${p.leverage} is above ${venue.label}'s maximum ${maxLev}x for ${p.symbol} at notional ${notional}`);
  let margin = new D(0);
  if (p.mode === "isolated") {
    if (p.margin === undefined && p.leverage === undefined) throw new InputError(`${field}: an isolated position needs margin or leverage`);
    margin = p.margin !== undefined ? new D(p.margin) : new D(size).times(entry).div(p.leverage!);
    const im = new D(size).times(entry).div(maxLev);
    if (margin.lt(im)) throw new InputError(`${field}.margin ${margin.toSignificantDigits(10).toString()} is below the initial margin ${im.toSignificantDigits(10).toString()} at ${maxLev}x`);
  }
  return { p, s: p.side === "long" ? 1 : -1, q: new D(size), e: new D(entry), mark: new D(mark), rule, margin };
}

/**
 * The cross balance must cover the cross positions' initial margin. On a venue that takes the opening
 * fee after its initial-margin check (Hyperliquid), a balance that is the fee short of it is what the
 * venue leaves after opening (a 1x position the size of the balance), and is accepted.
 */
function checkCrossInitialMargin(venue: Venue, prepared: Prepared[], crossWallet: Dec, prefix: string): void {
  let im = new D(0);
  for (const x of prepared) {
    if (x.p.mode !== "cross") continue;
    const lev = x.p.leverage ?? maxLeverageAt(x.rule, x.q.times(x.e).toNumber());
    im = im.plus(x.q.times(x.e).div(lev));
    if (!venue.openFeeInMarginCheck) im = im.minus(x.q.times(x.e).times(venue.takerFee));
  }
  if (crossWallet.lt(im)) throw new InputError(`${prefix}cross balance ${crossWallet.toString()} is below the initial margin ${im.toSignificantDigits(10).toString()} of the cross positions`);
}

/** Solve available + s·q·(P − E) = MM(P) with the engine's algebra, in decimals. null when none above zero. */
function solveLiquidation(x: Prepared, available: Dec): Dec | null {
  const p = liquidationRoot(DEC, x.rule, x.s, x.q, x.e, available);
  return p.gt(0) ? p : null;
}

function quote(venue: Venue, x: Prepared, available: Dec, equityExcludingPosition: Dec): LiquidationQuote {
  const lp = solveLiquidation(x, available);
  const bp = bankruptcyRoot(DEC, x.s, x.q, x.e, equityExcludingPosition);
  // prices unrounded (the CLI prints them at the symbol's tick); money at the venue's settlement precision
  return {
    symbol: x.p.symbol,
    side: x.p.side,
    mode: x.p.mode,
    liquidationPrice: lp ? lp.toNumber() : null,
    bankruptcyPrice: bp.gt(0) ? bp.toNumber() : null,
    maintenanceMargin: maintenance(DEC, x.rule, x.q, x.e, x.mark).toDecimalPlaces(venue.settlementDecimals).toNumber(),
    distancePct: lp ? x.mark.minus(lp).times(x.s).div(x.mark).times(100).toNumber() : null,
  };
}
