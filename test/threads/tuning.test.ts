import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/*
 * The gate of src/threads/tuning.ts: the compiled CLI's stress threads boot under V8's default flags (any
 * other flag makes each thread compile Node's own modules from source) and load their bundle under the
 * command's, whose code cache was made under them. V8's flag tag (`cachedDataVersionTag`) tells which
 * flags a thread saw. Run in a process of its own: the flag is the process's.
 */
interface Seen {
  defaultTag: number;
  tunedTag: number;
  first: { before: number; after: number }[];
  late: { before: number; after: number };
}

describe("the threads' gate: boot under V8's defaults, load under the command's flags", () => {
  it("sets the flags only once every thread has arrived, and holds each thread until then; a thread started later passes", async () => {
    const fixture = new URL("./fixtures/gate.ts", import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", fixture]);
    const seen = JSON.parse(stdout) as Seen;
    expect(seen.tunedTag).not.toBe(seen.defaultTag);
    // each thread reached the gate under the defaults (the main thread waited for both) and left it under the flag
    expect(seen.first).toEqual([{ before: seen.defaultTag, after: seen.tunedTag }, { before: seen.defaultTag, after: seen.tunedTag }]);
    expect(seen.late).toEqual({ before: seen.tunedTag, after: seen.tunedTag });
  }, 60_000);
});
