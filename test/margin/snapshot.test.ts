import { describe, expect, it } from "vitest";
import { getVenue, type Venue } from "../../src/venues/index.ts";
import { Account, type EngineEvent } from "../../src/margin/index.ts";

/*
 * Account.snapshot / restore: an account restored to a snapshot must behave, float for float and event
 * for event, like an account built and opened afresh — whatever happened to it in between (liquidations,
 * bad debt, a partial liquidation's cooldown, funding accrued and not posted, closed and flipped positions).
 */

interface Book {
  venue: Venue;
  symbols: [string, string];
  /** a cross long of 1 `symbols[0]` at 100 and an isolated short of 10 `symbols[1]` at 10, at this leverage */
  leverage: number;
  balance: number;
}

function opened(book: Book, ledger: "fast" | "exact", events: EngineEvent[]): Account {
  const acc = new Account({ venue: book.venue, balance: book.balance, symbols: book.symbols, ledger, events: (e) => events.push(e) });
  const [a, b] = book.symbols;
  expect(acc.trade(0, a, "long", 1_500, 100, { leverage: book.leverage })).toBe("filled");
  expect(acc.trade(0, b, "short", 10_000, 10, { mode: "isolated", leverage: book.leverage })).toBe("filled");
  return acc;
}

/** Everything that leaves state behind: funding accrued (posted or not), a squeeze and a crash that liquidate, trades after. */
function ordeal(acc: Account, book: Book): void {
  const [a, b] = book.symbols;
  for (let h = 1; h <= 5; h++) {
    acc.accrueFunding(0, 12.5, 100, h * 3_600_000);
    acc.accrueFunding(1, -3.25, 10, h * 3_600_000);
  }
  acc.checkSegment(5 * 3_600_000, 6 * 3_600_000, [100, 10], [100, 14]); // the isolated short: squeezed
  acc.checkSegment(6 * 3_600_000, 7 * 3_600_000, [100, 14], [55, 14]); // the cross long: crashed
  acc.checkSegment(7 * 3_600_000, 7 * 3_600_000 + 10_000, [55, 14], [40, 14]); // a partial venue's cooldown is running here
  acc.deposit(8 * 3_600_000, 5_000);
  // a new isolated position with its own rule where the short was liquidated (Hyperliquid's partial left some of it: reduced)
  expect(acc.trade(8 * 3_600_000, b, "long", 50, 13.5, { mode: "isolated", leverage: 2, mmr: 0.02 })).toBe("filled");
  if (acc.position(a)) acc.flip(9 * 3_600_000, a, 41);
  acc.accrueFunding(1, 1, 13.5, 10 * 3_600_000); // left unposted
}

/** What an account shows: positions, money, totals, liquidation prices, the next margin check. */
function readOut(acc: Account, book: Book): unknown {
  const prices = [60, 12];
  const [a, b] = book.symbols;
  return {
    positions: acc.positions(), wallet: acc.walletBalance, totals: acc.ledger.totals(), equity: acc.equity(prices),
    crossExcess: acc.crossExcess(prices), posted: acc.postedCrossExcess(prices),
    liq: [acc.position(a) ? acc.liquidationPrice(a, prices) : null, acc.position(b) ? acc.liquidationPrice(b, prices) : null],
    canOpen: acc.trade(11 * 3_600_000, a, "long", 1e9, 60), // the latest prices seen decide it: refused, changes nothing
  };
}

/** Every figure an account keeps, read past `private` (white box: a restore must leave none of them as the ordeal left it). */
function internals(acc: Account): unknown {
  const a = acc as unknown as { st: Record<string, unknown>; core: { last: Float64Array; cooldownUntil: number }; funding: Record<string, unknown>; overrides: unknown[] };
  const st = Object.fromEntries(Object.entries(a.st).filter(([k]) => k !== "version").map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]));
  const funding = Object.fromEntries(Object.entries(a.funding).filter(([k]) => k !== "core").map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v]));
  return {
    st, funding, last: Array.from(a.core.last), cooldownUntil: a.core.cooldownUntil, overrides: [...a.overrides],
    balances: [0, 1, 2, 3].map((b) => acc.ledger.balance(b)), totals: acc.ledger.totals(),
  };
}

const BOOKS: [string, Book][] = [
  ["custom venue with fees (full liquidation, bad debt)", { venue: getVenue({ name: "custom", maintenanceMarginRate: 0.01, takerFee: 0.0005, liquidationFee: 0.01 }), symbols: ["BTC", "ETH"], leverage: 10, balance: 40_000 }],
  ["Binance tiers", { venue: getVenue("binance"), symbols: ["BTCUSDT", "ETHUSDT"], leverage: 10, balance: 40_000 }],
  ["Hyperliquid (partial liquidations, a cooldown)", { venue: getVenue("hyperliquid"), symbols: ["BTC", "ETH"], leverage: 20, balance: 200_000 }],
  ["Bybit (tier-down, maintenance at entry)", { venue: getVenue("bybit"), symbols: ["BTCUSDT", "ETHUSDT"], leverage: 10, balance: 40_000 }],
];

describe("Account.snapshot / restore", () => {
  for (const [name, book] of BOOKS) {
    for (const ledger of ["fast", "exact"] as const) {
      it(`${name}, ${ledger} ledger: restored after an ordeal, the account goes through it again as a new one does`, () => {
        const seen: EngineEvent[] = [];
        const acc = opened(book, ledger, seen);
        const snap = acc.snapshot();
        const atSnapshot = internals(acc);
        seen.length = 0;
        ordeal(acc, book);
        const first = { events: [...seen], out: readOut(acc, book) };
        expect(first.events.filter((e) => e.type === "liquidation").length).toBeGreaterThan(0);
        expect(internals(acc)).not.toEqual(atSnapshot);

        acc.restore(snap);
        expect(internals(acc)).toEqual(atSnapshot);
        seen.length = 0;
        ordeal(acc, book);
        const again = { events: [...seen], out: readOut(acc, book) };

        const freshEvents: EngineEvent[] = [];
        const fresh = opened(book, ledger, freshEvents);
        freshEvents.length = 0;
        ordeal(fresh, book);
        const reference = { events: [...freshEvents], out: readOut(fresh, book) };
        expect(again).toEqual(reference);
        expect(first).toEqual(reference);
      });
    }
  }

  it("restores funding accrued and not yet posted, and the held-back wallet the cross checks use", () => {
    const book = BOOKS[0][1];
    const acc = opened(book, "fast", []);
    acc.accrueFunding(0, 100, 100, 3_600_000);
    acc.accrueFunding(1, 7, 10, 3_600_000);
    const snap = acc.snapshot();
    const before = { wallet: acc.walletBalance, posted: acc.postedCrossExcess([100, 10]), margin: acc.positions()[1].margin, totals: acc.ledger.totals() };
    acc.postFunding();
    acc.checkLiquidations(2 * 3_600_000, [1, 1000]);
    expect(acc.positions()).toEqual([]);
    acc.restore(snap);
    expect({ wallet: acc.walletBalance, posted: acc.postedCrossExcess([100, 10]), margin: acc.positions()[1].margin, totals: acc.ledger.totals() }).toEqual(before);
    expect(before.totals.funding).toBe(0);
    acc.postFunding();
    expect(acc.ledger.totals().funding).toBe(-107); // the two accruals, posted once after the restore
  });

  it("restores only the account it was taken of", () => {
    const book = BOOKS[0][1];
    const a = opened(book, "fast", []);
    const b = opened(book, "fast", []);
    expect(() => b.restore(a.snapshot())).toThrow(/only the account it was taken of/);
  });
});
