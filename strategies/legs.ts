/** The `legs` parameter of `hold` and `margin-keeper` (a helper module, not a strategy). */
import type { JsonParam, ParamValue, Side, SetupContext } from "perpsim";

export interface Leg {
  symbol: string;
  side: Side;
  leverage: number;
  /** share of the initial balance used as the leg's margin (a fraction: 0.1 = 10 %) */
  weight: number;
  /** percent of the fill price (5 = 5 %) */
  stopLossPct?: number;
  takeProfitPct?: number;
}

const LEG_KEYS = new Set(["symbol", "side", "leverage", "weight", "stopLossPct", "takeProfitPct"]);

/** Check `legs`; errors name the bad key (`legs[1].side`). */
export function parseLegs(raw: ParamValue): Leg[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error("'legs' must be a non-empty array");
  return raw.map((l, i) => {
    const at = `legs[${i}]`;
    if (typeof l !== "object" || l === null || Array.isArray(l)) throw new Error(`'${at}' must be an object`);
    for (const k of Object.keys(l)) if (!LEG_KEYS.has(k)) throw new Error(`unknown key '${at}.${k}' (known: ${[...LEG_KEYS].join(", ")})`);
    if (typeof l.symbol !== "string" || l.symbol === "") throw new Error(`'${at}.symbol' must be a symbol name`);
    if (l.side !== "long" && l.side !== "short") throw new Error(`'${at}.side' must be "long" or "short"`);
    const pos = (k: string, optional = false) => {
      const v = l[k];
      if (optional && v === undefined) return undefined;
      if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new Error(`'${at}.${k}' must be a positive number`);
      return v;
    };
    return { symbol: l.symbol, side: l.side, leverage: pos("leverage")!, weight: pos("weight")!, stopLossPct: pos("stopLossPct", true), takeProfitPct: pos("takeProfitPct", true) };
  });
}

/** The `legs` param: one 10x BTC long on 10 % of the balance by default. */
export const legsParam: JsonParam<Leg[]> = {
  type: "json",
  default: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.1 }],
  parse: parseLegs,
  doc: "[{ symbol, side, leverage, weight, stopLossPct?, takeProfitPct? }]: notional = balance × weight × leverage",
};

/** Open every leg: notional = initial balance × weight × leverage (isolated margin = balance × weight). */
export function openLegs(ctx: SetupContext, legs: readonly Leg[], mode: "cross" | "isolated"): void {
  for (const leg of legs) {
    if (!ctx.symbols.includes(leg.symbol)) throw new Error(`leg symbol ${leg.symbol} is not among the run's symbols (${ctx.symbols.join(", ")})`);
  }
  for (const leg of legs) {
    ctx.open({
      symbol: leg.symbol, side: leg.side, leverage: leg.leverage, mode,
      notional: ctx.initialBalance * leg.weight * leg.leverage,
      stopLossPct: leg.stopLossPct, takeProfitPct: leg.takeProfitPct,
    });
  }
}

/** Throw unless every symbol is among the run's. */
export function requireSymbols(ctx: SetupContext, symbols: readonly string[]): void {
  for (const s of symbols) if (!ctx.symbols.includes(s)) throw new Error(`symbol ${s} is not among the run's symbols (${ctx.symbols.join(", ")})`);
}
