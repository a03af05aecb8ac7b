/** Hardening row 17: a broken CSV in a results folder is named with its folder, not as a bare "paths.csv line 1". */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

const work = mkdtempSync(join(tmpdir(), "perpsim-csv-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("perpsim report on a folder with a broken CSV", () => {
  it("names the folder, the file, the line and the field; exit 1; no report written", async () => {
    const dir = join(work, "run");
    cpSync(join(import.meta.dirname, "../fixtures/results/stress"), dir, { recursive: true });
    const text = readFileSync(join(dir, "paths.csv"), "utf8");
    writeFileSync(join(dir, "paths.csv"), text.replace(/^path,/, "pth,"));
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(await main(["report", dir])).toBe(1);
      const lines = err.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toBe(`perpsim report: ${join(dir, "paths.csv")} line 1: missing column 'path'`);
    } finally {
      err.mockRestore();
    }
  });
});
