/*
 * Alea's seeding (Baagøe's Mash hash), as `seedrandom.alea(key)` does it, without the closures and
 * objects seedrandom builds per call: a fresh Mash hashes " " three times (always the same three numbers
 * and the same hash state, computed once below), then the key three times, each result subtracted from
 * one state word (plus 1 when that goes negative); the carry starts at 1. Same arithmetic in the same
 * order, so the same state bit for bit (test/montecarlo/random.test.ts compares many keys).
 */

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** The Mash state after hashing `data` onto state `n`. */
function mashState(n: number, data: string): number {
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000;
  }
  return n;
}

/** Mash's output for a state: the low 32 bits as a fraction of 2³². */
function mashOutput(n: number): number {
  return (n >>> 0) * TWO_POW_MINUS_32;
}

// a fresh Mash after its three hashes of " "
const SPACE0 = mashState(0xefc8249d, " ");
const SPACE1 = mashState(SPACE0, " ");
const SPACE2 = mashState(SPACE1, " ");
const SPACE_OUT = [mashOutput(SPACE0), mashOutput(SPACE1), mashOutput(SPACE2)] as const;

/** Alea's generator state. */
export interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

/** Write into `state` the state `seedrandom.alea(key)` starts from. */
export function aleaSeed(key: string, state: AleaState): void {
  let n = mashState(SPACE2, key);
  let s0 = SPACE_OUT[0] - mashOutput(n);
  if (s0 < 0) s0 += 1;
  n = mashState(n, key);
  let s1 = SPACE_OUT[1] - mashOutput(n);
  if (s1 < 0) s1 += 1;
  n = mashState(n, key);
  let s2 = SPACE_OUT[2] - mashOutput(n);
  if (s2 < 0) s2 += 1;
  state.s0 = s0;
  state.s1 = s1;
  state.s2 = s2;
  state.c = 1;
}
