/** Backtest progress: the observed strategy (src/backtest/observe.ts) advances one reporter over bars × modes; plain lines off a terminal, a bar with ETA on one. */
import { describe, expect, it } from "vitest";
import { observedStrategy } from "../../src/backtest/index.ts";
import { createProgress } from "../../src/cli/progress.ts";
import { defineStrategy } from "../../src/strategy/index.ts";

function fakeStream(tty: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY: tty, columns: 120, write: (s: string) => { out.push(s); return true; } } as unknown as NodeJS.WritableStream & { isTTY?: boolean } };
}

/** what the backtest command passes: the bars done over all modes on the shared progress line */
const report = (p: ReturnType<typeof createProgress>) => (done: number, total: number, mode: number, modes: number) =>
  p.update({ fraction: done / total, counters: { bars: `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}` }, label: `mode ${mode} of ${modes}` });

describe("backtest progress", () => {
  const seen: number[] = [];
  const base = defineStrategy({ name: "probe", description: "counts bars", params: {}, onBar: (ctx) => { seen.push(ctx.index); } });

  it("off a terminal: a plain line at most every 5 s, counting bars over both modes; the strategy still sees every bar", () => {
    let clock = 0;
    const { out, stream } = fakeStream(false);
    const p = createProgress({ title: "backtest", stream, tty: false, now: () => clock });
    const s = observedStrategy(base, 1000, 2, report(p));
    expect(s.name).toBe("probe");
    for (let mode = 0; mode < 2; mode++) {
      for (let i = 0; i < 1000; i++) {
        clock += 6; // 6 ms a bar: 12 s in all
        s.onBar({ index: i } as never);
      }
    }
    expect(seen).toHaveLength(2000);
    expect(seen[1000]).toBe(0);
    // updates at bars 0, 256, 512, 768 and 999 of each mode; a line only once 5 s passed since the last:
    // mode 1's last bar at 6.0 s (half done in 6 s: 6 s to go), then mode 2's last bar at 12.0 s (done, no ETA)
    expect(out).toEqual([
      "backtest:  50%  bars 1,000/2,000  ETA 6s  mode 1 of 2\n",
      "backtest: 100%  bars 2,000/2,000  mode 2 of 2\n",
    ]);
  });

  it("on a terminal: one line redrawn in place with a bar", () => {
    let clock = 0;
    const { out, stream } = fakeStream(true);
    const p = createProgress({ title: "backtest", stream, tty: true, now: () => clock });
    const s = observedStrategy(base, 512, 1, report(p));
    for (let i = 0; i < 512; i++) { clock += 10; s.onBar({ index: i } as never); }
    p.finish();
    expect(out.at(-2)).toBe("\r\x1b[2Kbacktest [########################] 100%  bars 512/512  mode 1 of 1");
    expect(out.at(-1)).toBe("\n");
  });
});
