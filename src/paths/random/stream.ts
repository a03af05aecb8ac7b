/**
 * A per-path random stream: Baagøe's Alea generator (the one `seedrandom.alea` implements), seeded from
 * the key `"<seed>/<path>/<substream>"` by Alea's own seeding (random/mash.ts: the same state as
 * `seedrandom.alea(key)`, a test checks it on many keys), then stepped here with its state in plain
 * numeric fields so V8 keeps the hot loop monomorphic and allocation-free. The sequence is the one
 * `seedrandom.alea(key)` yields (a test checks it), so path i is the same for any worker count or
 * chunking.
 *
 * The state fields are public for the hot samplers (random/fastDraws.ts), which step the generator with
 * the state in locals and write it back: one Alea step is
 *   t = 2091639·s0 + c·2⁻³²;  s0 = s1;  s1 = s2;  c = t | 0;  s2 = t − c   (s2 is the uniform)
 * and nothing else may write them.
 */
import { aleaSeed } from "./mash.ts";

export class RandomStream {
  s0 = 0;
  s1 = 0;
  s2 = 0;
  c = 1;

  constructor(key: string) {
    this.reseed(key);
  }

  /** Restart this stream at another key without allocating a new object per path. */
  reseed(key: string): void {
    aleaSeed(key, this);
  }

  /** Uniform on [0, 1) with 32 bits of resolution (0 is possible, 1 is not). */
  next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10;
    this.s0 = this.s1;
    this.s1 = this.s2;
    return (this.s2 = t - (this.c = t | 0));
  }

  /** Uniform on (0, 1]: safe inside a logarithm. */
  nextOpen(): number {
    return 1 - this.next();
  }

  /**
   * A signed 32-bit integer: `(next() × 2³²) | 0`, written so the value is already in int32 range before
   * the `| 0`. Alea's uniforms are multiples of 2⁻³², so u = next() × 2³² is an exact integer in [0, 2³²)
   * and ToInt32(u) is u − 2³² above 2³¹ − 1: the same integer, without V8's slow truncation of a double
   * outside int32 range (half of all draws).
   */
  int32(): number {
    const u = this.next() * 0x100000000;
    return (u >= 0x80000000 ? u - 0x100000000 : u) | 0;
  }
}

/** The stream key of path `pathIndex` of a run seeded `seed`; `substream` separates independent uses within a path. */
export function streamKey(seed: number, pathIndex: number, substream = 0): string {
  return `${seed}/${pathIndex}/${substream}`;
}

/** The stream of path `pathIndex` in a run seeded `seed`. */
export function pathStream(seed: number, pathIndex: number, substream = 0): RandomStream {
  return new RandomStream(streamKey(seed, pathIndex, substream));
}

/** Named substreams, so the runner and the models never share draws by accident (common random numbers). */
export const SUBSTREAM = {
  /** the model's shocks: every mode of a path sees the same market */
  market: 0,
  /** bar highs/lows and bridge crossing uniforms */
  bridge: 1,
  /** the funding process */
  funding: 2,
} as const;
