import { describe, expect, it } from "vitest";
import { createProgress, etaText } from "../../src/cli/progress.ts";

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, columns: 200, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean }, chunks };
}

describe("progress reporter", () => {
  it("on a terminal: one line redrawn in place with bar, percent, counters and ETA", () => {
    let t = 0;
    const { stream, chunks } = sink(true);
    const p = createProgress({ title: "fetch", stream, now: () => t });
    t = 10_000;
    p.update({ fraction: 0.25, counters: { files: "1/4", rows: 12345 }, label: "BTCUSDT klines" });
    expect(chunks.at(-1)).toBe("\r\x1b[2Kfetch [######..................]  25%  files 1/4  rows 12,345  ETA 30s  BTCUSDT klines");
    t = 10_050;
    p.update({ fraction: 0.3 }); // within 100 ms of the last draw: not redrawn
    expect(chunks).toHaveLength(1);
    p.log("note: something");
    expect(chunks.slice(1, 3)).toEqual(["\r\x1b[2K", "note: something\n"]); // the bar is cleared, the note printed, the bar redrawn
    p.finish();
    expect(chunks.at(-1)).toBe("\n");
  });

  it("not a terminal: a plain line at most every few seconds, none for a short run", () => {
    let t = 0;
    const { stream, chunks } = sink(false);
    const p = createProgress({ title: "fetch", stream, now: () => t, everyMs: 5000 });
    t = 1000;
    p.update({ fraction: 0.1, counters: { rows: 10 } });
    expect(chunks).toEqual([]);
    t = 5000;
    p.update({ fraction: 0.5, counters: { rows: 500 } });
    expect(chunks).toEqual(["fetch:  50%  rows 500  ETA 5s\n"]);
    t = 9000;
    p.update({ fraction: 0.6 });
    expect(chunks).toHaveLength(1);
    p.finish();
    expect(chunks).toHaveLength(1);
  });

  it("ETA: time spent × what is left / what is done", () => {
    expect(etaText(60_000, 0.5)).toBe("ETA 1m 0s");
    expect(etaText(3_600_000, 0.5)).toBe("ETA 1h 0m");
    expect(etaText(500, 0.5)).toBe(""); // too early to tell
  });
});
