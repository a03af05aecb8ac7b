import { vi } from "vitest";
import { main } from "../../src/cli/main.ts";

/** Run the CLI in this process, capturing what it prints: one string per console.log / console.error call (its first argument). */
export async function cliLines(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  const error = vi.spyOn(console, "error").mockImplementation(() => {});
  try {
    const code = await main(args);
    return { code, out: log.mock.calls.map((c) => String(c[0])), err: error.mock.calls.map((c) => String(c[0])) };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
