import type { Side } from "../results/index.ts";

/** A leg of a static book: the stress config's portfolio leg, as the grid reads it. */
export interface GridLeg {
  symbol: string;
  side: Side;
  leverage: number;
  weight: number;
}

/**
 * SPAN-style deterministic grid (reference/montecarlo.md §3.1, §6.5): every asset moves by 0, ±⅓, ±⅔, ±1
 * of its scan range, with volatility up or down, plus the extreme ±2 moves of which only `extremeWeight`
 * (35 %) of the loss counts. Perpetuals are linear, so "volatility up/down" is read as the scan range
 * stretched by (1 + volUp) or shrunk by (1 − volDown): the size of move that volatility makes plausible.
 * Assets move independently (every combination) up to `MAX_FULL_GRID_ASSETS`, beyond that together.
 * Losses are mark-to-market and capped as each mode caps them: cross at the whole balance, isolated at
 * each leg's own margin (a leg's gain still counts). No simulation: instant.
 */
export interface GridSpec {
  type: "grid";
  /** scan range per base asset as a simple return (e.g. 3 × daily σ); `default` for the others */
  scanRange: Readonly<Record<string, number>>;
  volUp: number;
  volDown: number;
  extremeWeight: number;
}

export const PRICE_FRACTIONS = [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1] as const;
export const EXTREME_FRACTIONS = [2, -2] as const;
export const MAX_FULL_GRID_ASSETS = 4;

export interface GridScenario {
  /** price move per leg symbol, as a simple return */
  moves: Record<string, number>;
  vol: "up" | "down";
  extreme: boolean;
  /** loss counted (weighted for extremes), positive = money lost */
  crossLoss: number;
  isolatedLoss: number;
}

export interface GridResult {
  scenarios: GridScenario[];
  worst: { cross: GridScenario; isolated: GridScenario };
}

export function scanRangeOf(spec: GridSpec, baseAsset: string): number {
  const r = spec.scanRange[baseAsset] ?? spec.scanRange.default;
  if (r === undefined) throw new RangeError(`grid: no scan range for ${baseAsset} and no default`);
  return r;
}

/** Cross and isolated loss of a static book after simple-return moves (symbol → move). */
export function bookLoss(legs: readonly GridLeg[], balance: number, moves: Readonly<Record<string, number>>): { cross: number; isolated: number } {
  let pnl = 0;
  let isolatedPnl = 0;
  for (const leg of legs) {
    const margin = leg.weight * balance;
    const p = (leg.side === "long" ? 1 : -1) * margin * leg.leverage * (moves[leg.symbol] ?? 0);
    pnl += p;
    isolatedPnl += Math.max(-margin, p);
  }
  return { cross: Math.min(balance, -pnl), isolated: -isolatedPnl };
}

export function evaluateGrid(spec: GridSpec, legs: readonly GridLeg[], balance: number, baseAsset: (symbol: string) => string): GridResult {
  const symbols = legs.map((l) => l.symbol);
  const ranges = symbols.map((s) => scanRangeOf(spec, baseAsset(s)));
  const scenarios: GridScenario[] = [];
  const full = symbols.length <= MAX_FULL_GRID_ASSETS;
  for (const vol of ["up", "down"] as const) {
    const stretch = vol === "up" ? 1 + spec.volUp : 1 - spec.volDown;
    const add = (fractions: readonly number[], extreme: boolean) => {
      const weight = extreme ? spec.extremeWeight : 1;
      for (const combo of full ? combinations(fractions, symbols.length) : fractions.map((f) => symbols.map(() => f))) {
        if (extreme && !combo.some((f) => Math.abs(f) === 2)) continue;
        const moves: Record<string, number> = {};
        symbols.forEach((s, i) => (moves[s] = Math.max(-1, combo[i] * ranges[i] * stretch)));
        const loss = bookLoss(legs, balance, moves);
        scenarios.push({ moves, vol, extreme, crossLoss: loss.cross * weight, isolatedLoss: loss.isolated * weight });
      }
    };
    add(PRICE_FRACTIONS, false);
    add([...PRICE_FRACTIONS, ...EXTREME_FRACTIONS], true);
  }
  const worstBy = (key: "crossLoss" | "isolatedLoss") => scenarios.reduce((w, s) => (s[key] > w[key] ? s : w));
  return { scenarios, worst: { cross: worstBy("crossLoss"), isolated: worstBy("isolatedLoss") } };
}

function combinations(values: readonly number[], n: number): number[][] {
  let out: number[][] = [[]];
  for (let i = 0; i < n; i++) out = out.flatMap((prefix) => values.map((v) => [...prefix, v]));
  return out;
}
