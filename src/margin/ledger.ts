import { Decimal } from "decimal.js";

/**
 * Where the money lives: bucket 0 is the cross wallet, bucket k > 0 the isolated margin of the
 * account's symbol slot k − 1. The engine calls the ledger only on events (fills, fees, funding,
 * margin moves, liquidations) and caches the float balances it returns.
 *
 * Every method takes the raw operands and computes the amount itself, so the exact ledger can do the
 * arithmetic in decimals rounded to the venue's settlement precision.
 */
export interface Ledger {
  readonly exact: boolean;
  balance(bucket: number): number;
  /** credit an initial deposit */
  deposit(bucket: number, amount: number): number;
  /** realise dir × size × (price − entry) into the bucket; returns the amount */
  realize(bucket: number, dir: number, size: number, entry: number, price: number): number;
  /** charge size × price × rate (trading fee); returns the fee (positive) */
  fee(bucket: number, size: number, price: number, rate: number): number;
  /**
   * Charge the liquidation fee of everything liquidated at once from one bucket: Σ size × price × rate
   * (each part at its symbol's rate), capped once at what is left in the bucket (so the order of the
   * parts does not matter). Returns each part's share (pro rata when capped), summing to the fee charged.
   */
  liquidationFee(bucket: number, parts: readonly LiquidatedPart[]): number[];
  /** pay funding: the bucket receives −dir × size × price × rate; returns the signed amount received */
  funding(bucket: number, dir: number, size: number, price: number, rate: number): number;
  /** post a funding amount computed elsewhere (positive = received), rounded like every posting; returns it */
  fundingAmount(bucket: number, amount: number): number;
  /** move money between buckets (`share` of the source's balance when amount is null); returns what moved */
  transfer(from: number, to: number, amount: number | null, share?: number): number;
  /** the venue keeps a positive balance (backstop, takeover); returns it */
  forfeit(bucket: number): number;
  /** the venue absorbs a negative balance (bad debt); returns it as a positive number */
  writeOff(bucket: number): number;
  totals(): LedgerTotals;
  /** A function that puts the ledger back as it is now (balances and totals), for an account snapshot; none: the account cannot be snapshotted. */
  checkpoint?(): () => void;
}

/** One liquidated piece of a position: its size, fill price and liquidation fee rate. */
export interface LiquidatedPart {
  readonly size: number;
  readonly price: number;
  readonly rate: number;
}

/** Cumulative flows. Identity: deposits + realizedPnl − fees + funding − liquidationFees − forfeited + badDebt = Σ balances. */
export interface LedgerTotals {
  deposits: number;
  realizedPnl: number;
  fees: number;
  funding: number;
  liquidationFees: number;
  forfeited: number;
  badDebt: number;
  /** liquidationFees + forfeited − badDebt: what liquidations cost beyond their realised PnL */
  liquidationLosses: number;
  balance: number;
}

type Cat = "deposits" | "realizedPnl" | "fees" | "funding" | "liquidationFees" | "forfeited" | "badDebt";
const CATS: Cat[] = ["deposits", "realizedPnl", "fees", "funding", "liquidationFees", "forfeited", "badDebt"];

/** decimal.js ledger rounded to `decimals` places on every posting: the calculator's and backtest's money. */
export class ExactLedger implements Ledger {
  readonly exact = true;
  private readonly D: typeof Decimal;
  private readonly buckets: Decimal[] = [];
  private readonly sums: Record<Cat, Decimal>;

  constructor(readonly decimals: number) {
    this.D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
    const zero = new this.D(0);
    this.sums = Object.fromEntries(CATS.map((c) => [c, zero])) as Record<Cat, Decimal>;
  }

  private r(x: Decimal.Value): Decimal {
    return new this.D(x).toDecimalPlaces(this.decimals, Decimal.ROUND_HALF_EVEN);
  }
  private get(b: number): Decimal {
    return this.buckets[b] ?? new this.D(0);
  }
  private post(b: number, amount: Decimal, cat: Cat | null, sign = 1): number {
    this.buckets[b] = this.get(b).plus(amount);
    if (cat) this.sums[cat] = this.sums[cat].plus(sign === 1 ? amount : amount.neg());
    return amount.toNumber();
  }

  balance(b: number): number {
    return this.get(b).toNumber();
  }
  /** exact balance of a bucket */
  balanceExact(b: number): Decimal {
    return this.get(b);
  }
  deposit(b: number, amount: number): number {
    return this.post(b, this.r(amount), "deposits");
  }
  realize(b: number, dir: number, size: number, entry: number, price: number): number {
    const D = this.D;
    return this.post(b, this.r(new D(size).times(new D(price).minus(entry)).times(dir)), "realizedPnl");
  }
  fee(b: number, size: number, price: number, rate: number): number {
    const f = this.r(new this.D(size).times(price).times(rate));
    this.post(b, f.neg(), "fees", -1);
    return f.toNumber();
  }
  liquidationFee(b: number, parts: readonly LiquidatedPart[]): number[] {
    const full = parts.map((x) => this.r(new this.D(x.size).times(x.price).times(x.rate)));
    const total = full.reduce((a, f) => a.plus(f), new this.D(0));
    const charged = this.D.min(total, this.D.max(this.get(b), 0));
    this.post(b, charged.neg(), "liquidationFees", -1);
    if (charged.eq(total)) return full.map((f) => f.toNumber());
    // capped: shares pro rata, rounded, the last one takes the rounding remainder
    let given = new this.D(0);
    return full.map((f, i) => {
      const share = i === full.length - 1 ? charged.minus(given) : this.r(charged.times(f).div(total));
      given = given.plus(share);
      return share.toNumber();
    });
  }
  funding(b: number, dir: number, size: number, price: number, rate: number): number {
    return this.post(b, this.r(new this.D(size).times(price).times(rate).times(-dir)), "funding");
  }
  fundingAmount(b: number, amount: number): number {
    return this.post(b, this.r(amount), "funding");
  }
  transfer(from: number, to: number, amount: number | null, share = 1): number {
    const a = amount === null ? this.r(this.get(from).times(share)) : this.r(amount);
    this.post(from, a.neg(), null);
    this.post(to, a, null);
    return a.toNumber();
  }
  forfeit(b: number): number {
    const bal = this.get(b);
    if (bal.lte(0)) return 0;
    this.post(b, bal.neg(), "forfeited", -1);
    return bal.toNumber();
  }
  writeOff(b: number): number {
    const bal = this.get(b);
    if (bal.gte(0)) return 0;
    this.post(b, bal.neg(), "badDebt");
    return bal.neg().toNumber();
  }
  checkpoint(): () => void {
    const buckets = [...this.buckets];
    const sums = { ...this.sums };
    return () => {
      this.buckets.length = 0;
      this.buckets.push(...buckets);
      Object.assign(this.sums, sums);
    };
  }
  /** the flows and the balance, exactly */
  totalsExact(): Record<Cat | "balance", Decimal> {
    let balance = new this.D(0);
    for (const b of this.buckets) if (b) balance = balance.plus(b);
    return { ...this.sums, balance };
  }
  totals(): LedgerTotals {
    const t = this.totalsExact();
    return {
      deposits: t.deposits.toNumber(), realizedPnl: t.realizedPnl.toNumber(), fees: t.fees.toNumber(), funding: t.funding.toNumber(),
      liquidationFees: t.liquidationFees.toNumber(), forfeited: t.forfeited.toNumber(), badDebt: t.badDebt.toNumber(),
      liquidationLosses: t.liquidationFees.plus(t.forfeited).minus(t.badDebt).toNumber(), balance: t.balance.toNumber(),
    };
  }
}

/** float64 ledger for the Monte Carlo: no rounding, no allocation per posting. */
export class FastLedger implements Ledger {
  readonly exact = false;
  private b = new Float64Array(8);
  private deposits = 0;
  private realizedPnl = 0;
  private fees = 0;
  private fundingSum = 0;
  private liquidationFees = 0;
  private forfeited = 0;
  private badDebt = 0;

  private ensure(i: number): void {
    if (i >= this.b.length) {
      const n = new Float64Array(Math.max(i + 1, this.b.length * 2));
      n.set(this.b);
      this.b = n;
    }
  }
  balance(i: number): number {
    return i < this.b.length ? this.b[i] : 0;
  }
  deposit(i: number, amount: number): number {
    this.ensure(i);
    this.b[i] += amount;
    this.deposits += amount;
    return amount;
  }
  realize(i: number, dir: number, size: number, entry: number, price: number): number {
    this.ensure(i);
    const a = dir * size * (price - entry);
    this.b[i] += a;
    this.realizedPnl += a;
    return a;
  }
  fee(i: number, size: number, price: number, rate: number): number {
    this.ensure(i);
    const f = size * price * rate;
    this.b[i] -= f;
    this.fees += f;
    return f;
  }
  liquidationFee(i: number, parts: readonly LiquidatedPart[]): number[] {
    this.ensure(i);
    let total = 0;
    for (const x of parts) total += x.size * x.price * x.rate;
    const charged = Math.min(total, Math.max(this.b[i], 0));
    this.b[i] -= charged;
    this.liquidationFees += charged;
    const k = total > 0 ? charged / total : 0;
    return parts.map((x) => x.size * x.price * x.rate * k);
  }
  funding(i: number, dir: number, size: number, price: number, rate: number): number {
    this.ensure(i);
    const a = -dir * size * price * rate;
    this.b[i] += a;
    this.fundingSum += a;
    return a;
  }
  fundingAmount(i: number, amount: number): number {
    this.ensure(i);
    this.b[i] += amount;
    this.fundingSum += amount;
    return amount;
  }
  transfer(from: number, to: number, amount: number | null, share = 1): number {
    this.ensure(Math.max(from, to));
    const a = amount === null ? this.b[from] * share : amount;
    this.b[from] -= a;
    this.b[to] += a;
    return a;
  }
  forfeit(i: number): number {
    this.ensure(i);
    const a = this.b[i] > 0 ? this.b[i] : 0;
    this.b[i] -= a;
    this.forfeited += a;
    return a;
  }
  writeOff(i: number): number {
    this.ensure(i);
    const a = this.b[i] < 0 ? -this.b[i] : 0;
    this.b[i] += a;
    this.badDebt += a;
    return a;
  }
  checkpoint(): () => void {
    const b = this.b.slice();
    const { deposits, realizedPnl, fees, fundingSum, liquidationFees, forfeited, badDebt } = this;
    return () => {
      if (this.b.length === b.length) this.b.set(b);
      else this.b = b.slice();
      this.deposits = deposits;
      this.realizedPnl = realizedPnl;
      this.fees = fees;
      this.fundingSum = fundingSum;
      this.liquidationFees = liquidationFees;
      this.forfeited = forfeited;
      this.badDebt = badDebt;
    };
  }
  totals(): LedgerTotals {
    let balance = 0;
    for (let i = 0; i < this.b.length; i++) balance += this.b[i];
    return {
      deposits: this.deposits, realizedPnl: this.realizedPnl, fees: this.fees, funding: this.fundingSum,
      liquidationFees: this.liquidationFees, forfeited: this.forfeited, badDebt: this.badDebt,
      liquidationLosses: this.liquidationFees + this.forfeited - this.badDebt, balance,
    };
  }
}
