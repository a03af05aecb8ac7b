import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const exec = promisify(execFile);

describe("the stress pool's threads", () => {
  it("compile their hot code on themselves (isolates made without concurrent recompilation), while the main thread and threads started later keep V8's compile threads", async () => {
    const fixture = new URL("./fixtures/poolCompiles.ts", import.meta.url).pathname;
    const { stdout } = await exec(process.execPath, ["--no-use-osr", "--trace-opt", "--import", "tsx", fixture], { maxBuffer: 64 << 20 });
    // the modes V8 compiled `name` in (several threads print at once: a line may be cut by another's, so each
    // compile is read off the whole output, not a line)
    const compiles = (name: string) =>
      [...stdout.matchAll(new RegExp(`\\[compiling method \\S+ <JSFunction ${name} \\(sfi = \\S+\\)> \\(target TURBOFAN\\), mode: ConcurrencyMode::(k\\w+)\\]`, "g"))].map((m) => m[1]);
    // the kernel's path loop runs only in the two threads: each compiles it when V8 finds it hot (no natives syntax
    // here), on itself. Not a count of two: on a loaded machine one thread can start after the other has drained
    // most of the 40 paths' board, and V8 never finds its loop hot (seen once in a full `npm test`)
    const loop = compiles("compiledPath");
    expect(loop.length).toBeGreaterThanOrEqual(1);
    for (const mode of loop) expect(mode).toBe("kSynchronous");
    const main = compiles("mainThreadHotFunction");
    expect(main.length).toBeGreaterThanOrEqual(1);
    for (const mode of main) expect(mode).toBe("kConcurrent");
    expect(stdout).toContain("main thread: true");
    // and the flag is back on once the pool's threads are up: a thread started later compiles in the background
    const later = compiles("laterThreadHotFunction");
    expect(later.length).toBeGreaterThanOrEqual(1);
    for (const mode of later) expect(mode).toBe("kConcurrent");
  }, 120_000);
});
