import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

const COMMANDS = ["start", "data", "liq", "backtest", "stress", "scenarios", "calibrate", "report", "merge"];

describe("every command answers --help", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(COMMANDS)("perpsim %s --help prints its usage and exits 0", async (name) => {
    const out: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await main([name, "--help"])).toBe(0);
    expect(out.join("\n")).toMatch(new RegExp(`usage:[\\s\\S]*perpsim ${name}`));
  });

  it("an unknown command is a one-line error, exit 1", async () => {
    const err: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
    expect(await main(["nope"])).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^perpsim nope: unknown command 'nope'/)]);
  });
});
