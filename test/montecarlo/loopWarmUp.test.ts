import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStressConfig } from "../../src/stress/config.ts";
import { FusedPathSimulator } from "../../src/stress/fusedKernel.ts";
import { warmLoopNearTriggers, warmUpSteps } from "../../src/stress/loopWarmUp.ts";

const exec = promisify(execFile);

/** The fixture's run under natives syntax (the loop asks V8 to compile it after its warm-up), V8's own tiering kept away. */
async function run(mode: "warm" | "cold" | "short", ...more: string[]): Promise<{ deopts: string[]; checksum: string; lines: string[] }> {
  const fixture = new URL("./fixtures/nearTriggerWarmUp.ts", import.meta.url).pathname;
  const flags = ["--allow-natives-syntax", "--no-use-osr", "--interrupt-budget=1000000000", "--trace-deopt", "--trace-opt"];
  const { stdout } = await exec(process.execPath, [...flags, "--import", "tsx", fixture, mode, ...more], { maxBuffer: 64 << 20 });
  const lines = stdout.split("\n");
  return {
    deopts: lines.filter((l) => l.startsWith("[bailout") && l.includes("<JSFunction compiledPath")),
    checksum: /checksum (\w+)/.exec(stdout)?.[1] ?? "none",
    lines,
  };
}

describe("the near-trigger warm-up of the compiled path loop", () => {
  it("gives every isolated slot's bridge draw type feedback before the compile: the SSW thread that starts at path 625 no longer deoptimises at path 628, and its results are the same bytes", async () => {
    const cold = await run("cold");
    // without it: the BTC slot's first draw near its trigger (path 628) is a site the loop never ran before its compile
    expect(cold.deopts.length).toBeGreaterThanOrEqual(1);
    expect(cold.deopts[0]).toContain("Insufficient type feedback for call");
    const warm = await run("warm");
    expect(warm.deopts).toEqual([]);
    expect(warm.checksum).toBe(cold.checksum);
    expect(warm.checksum).not.toBe("none");
  }, 120_000);

  it("the pool thread's warm-up (warmLoop: the near-trigger copy, then two 598-step paths of the book) has the loop compiled at the run's first path, which then runs optimised: no deopt on the run's long paths, the same bytes", async () => {
    const cold = await run("cold");
    const short = await run("short");
    expect(short.deopts).toEqual([]);
    expect(short.checksum).toBe(cold.checksum);
    const at = (pattern: RegExp) => short.lines.findIndex((l) => pattern.test(l));
    const compiled = at(/^\[completed compiling .*<JSFunction compiledPath/);
    // compiled after the warm-up, during the first of the run's paths (before: after the second)
    expect(compiled).toBeGreaterThan(at(/^warm-up done$/));
    expect(compiled).toBeLessThan(at(/^path 625 done$/));
    const coldCompiled = cold.lines.findIndex((l) => /^\[completed compiling .*<JSFunction compiledPath/.test(l));
    expect(coldCompiled).toBeGreaterThan(cold.lines.indexOf("path 626 done"));
  }, 120_000);

  it("draws a normal's tail once before the compile: the hedge example's short paths never meet one, and its loop deoptimised at the run's first (a unary minus without type feedback in the Ziggurat's tail, inlined)", async () => {
    const r = await run("short", "examples/scenarios/hedge-grid.json", "0", "16");
    expect(r.deopts).toEqual([]);
    expect(r.lines).toContain("path 15 done");
  }, 120_000);

  it("the warm-up's short paths: 240 steps at least, three funding settlements, and past the step whose end passes 2^31 ms when the step is whole hours", () => {
    const sim = (steps: number, stepHours: number, settleEvery: number) => ({ steps, stepHours, settleEvery });
    expect(warmUpSteps(sim(2160, 1, 1))).toBe(598); // the SSW: (s + 1) · 3,600,000 passes 2^31 at s + 1 = 597
    expect(warmUpSteps(sim(2160, 8, 8))).toBe(240); // 2^31 ms passed at step 75
    expect(warmUpSteps(sim(672, 0.25, 8))).toBe(240); // quarter hours: never integer arithmetic; 3 settlements = 96 steps
    expect(warmUpSteps(sim(43_200, 1 / 60, 8))).toBe(1440); // one-minute steps, 8 h funding: 3 × 480 steps
    expect(warmUpSteps(sim(500, 1, Infinity))).toBe(500); // no funding, shorter than the int32 bound: the whole path
  });

  it("runs its throwaway copy at the highest leverage the venue opens: 40x on the SSW's custom venue; on Hyperliquid, whose ETH stops at 25x and SOL at 20x, at 15x (the refusal comes when a path opens the book: before, the first refusal ended the warm-up)", () => {
    const warmedAt = (file: string) => {
      const { config } = parseStressConfig(JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")), file, { paths: 10 });
      return warmLoopNearTriggers(new FusedPathSimulator(config), config);
    };
    expect(warmedAt("bench/ssw.json")).toBe(40);
    expect(warmedAt("examples/stress/crypto-beta-full-model.json")).toBe(15);
  });
});

