import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { MAX_REQUESTS, optimisedAfterWarmUp, warmCalls } from "../../src/stress/tierUp.ts";

const exec = promisify(execFile);

/** The toy loop's run in a process of its own under natives syntax, V8's own tiering kept out of the way. */
async function toyRun(steps: number, calls: number, deoptAfter: number[] = [], askAfter: number[] = []): Promise<{ wrapped: boolean; optimised: boolean[] }> {
  const fixture = new URL("./fixtures/tierUpToy.ts", import.meta.url).pathname;
  const flags = ["--allow-natives-syntax", "--no-use-osr", "--interrupt-budget=1000000000"];
  const { stdout } = await exec(process.execPath, [...flags, "--import", "tsx", fixture, String(steps), String(calls), deoptAfter.join(","), askAfter.join(",")]);
  return JSON.parse(stdout) as { wrapped: boolean; optimised: boolean[] };
}

describe("tierUp: the compiled path loop asks V8 to optimise it once its type feedback is in", () => {
  it("asks after two calls at least, and after 4,000 steps of short paths", () => {
    expect(warmCalls(2160)).toBe(2); // the SSW's 90 days of hours: after its second path
    expect(warmCalls(24)).toBe(167);
    expect(warmCalls(100_000)).toBe(2);
  });

  it("without natives syntax (tsx, the tests) the loop is left as it is: V8 tiers it up by itself", () => {
    const loop = (_: number) => {};
    expect(optimisedAfterWarmUp(loop, () => 2160)).toBe(loop);
  });

  it("under the kernel's flags: optimised from the call after its warm-up, looked at again every warm-up and asked when its code is gone, MAX_REQUESTS times at most", async () => {
    expect(MAX_REQUESTS).toBe(4);
    // 1,000 steps a call: a warm-up of 4 calls; V8 compiles at the call after a request; thrown away after calls 6, 11, 16 and 21
    const r = await toyRun(1000, 24, [6, 11, 16, 21]);
    expect(r.wrapped).toBe(true);
    const fast = new Set([5, 6, 9, 10, 11, 13, 14, 15, 16, 21]);
    // looked at every 4 calls: asked after calls 4, 8, 12 (each without optimised code then) and 20 — at 16 the loop still
    // held its code (thrown away after that call), so it is looked at again 4 calls later, not at every call; not after 24:
    // four requests made, V8's own tiering (kept out of the way here) would take over
    expect(r.optimised).toEqual(Array.from({ length: 24 }, (_, i) => fast.has(i + 1)));
  }, 60_000);

  it("optimiseNow asks at once: a toy of 1,000-step calls asked after its first call is optimised from its second (its own warm-up would wait for 4)", async () => {
    const r = await toyRun(1000, 8, [], [1]);
    expect(r.optimised).toEqual([false, true, true, true, true, true, true, true]);
    const counted = await toyRun(1000, 8);
    expect(counted.optimised).toEqual([false, false, false, false, true, true, true, true]);
  }, 60_000);

  it("the stress kernel's compiled loop makes the request: the SSW's loop (2,160 steps a path) is marked once, after its second path, and compiled on its thread", async () => {
    const fixture = new URL("./fixtures/tierUpKernel.ts", import.meta.url).pathname;
    const marks = async (flags: string[]) => {
      const { stdout } = await exec(process.execPath, [...flags, "--no-use-osr", "--interrupt-budget=1000000000", "--trace-opt", "--import", "tsx", fixture, "4"], { maxBuffer: 64 << 20 });
      return stdout.split("\n").filter((l) => l.includes("<JSFunction compiledPath") && /marking|compiling method/.test(l));
    };
    const asked = await marks(["--allow-natives-syntax"]);
    // one request (the loop holds optimised code at its third and fourth calls, so no second one), synchronous: on the thread itself
    expect(asked.filter((l) => l.includes("manually marking"))).toHaveLength(1);
    expect(asked.some((l) => l.startsWith("[compiling method") && l.includes("ConcurrencyMode::kSynchronous"))).toBe(true);
    // without natives syntax (tsx, the tests) nothing asks, and V8's own tiering is kept out of the way here
    expect(await marks([])).toEqual([]);
  }, 120_000);
});
