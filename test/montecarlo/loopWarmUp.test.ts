import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseStressConfig } from "../../src/stress/config.ts";
import { FusedPathSimulator } from "../../src/stress/fusedKernel.ts";
import { warmLoopNearTriggers } from "../../src/stress/loopWarmUp.ts";

const exec = promisify(execFile);

/** The fixture's run under natives syntax (the loop asks V8 to compile it after its warm-up), V8's own tiering kept away. */
async function run(mode: "warm" | "cold"): Promise<{ deopts: string[]; checksum: string }> {
  const fixture = new URL("./fixtures/nearTriggerWarmUp.ts", import.meta.url).pathname;
  const flags = ["--allow-natives-syntax", "--no-use-osr", "--interrupt-budget=1000000000", "--trace-deopt"];
  const { stdout } = await exec(process.execPath, [...flags, "--import", "tsx", fixture, mode], { maxBuffer: 64 << 20 });
  return {
    deopts: stdout.split("\n").filter((l) => l.startsWith("[bailout") && l.includes("<JSFunction compiledPath")),
    checksum: /checksum (\w+)/.exec(stdout)?.[1] ?? "none",
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

  it("runs its throwaway copy at the highest leverage the venue opens: 40x on the SSW's custom venue; on Hyperliquid, whose ETH stops at 25x and SOL at 20x, at 15x (the refusal comes when a path opens the book: before, the first refusal ended the warm-up)", () => {
    const warmedAt = (file: string) => {
      const { config } = parseStressConfig(JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")), file, { paths: 10 });
      return warmLoopNearTriggers(new FusedPathSimulator(config), config);
    };
    expect(warmedAt("bench/ssw.json")).toBe(40);
    expect(warmedAt("examples/stress/crypto-beta-full-model.json")).toBe(15);
  });
});

