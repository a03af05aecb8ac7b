import { describe, expect, it } from "vitest";
import { parseFlags } from "../../src/cli/args.ts";
import { InputError } from "../../src/market/errors.ts";

describe("parseFlags", () => {
  const options = { entry: { type: "string" }, json: { type: "boolean" } } as const;

  it("hands a negative number to the option that takes it, so the command can reject the value itself", () => {
    expect(parseFlags(["--entry", "-5"], options).values.entry).toBe("-5");
    expect(parseFlags(["--entry", "-.5", "--json"], options).values).toEqual({ entry: "-.5", json: true });
  });

  it("turns the parser's own errors into one-line InputErrors", () => {
    expect(() => parseFlags(["--nope"], options)).toThrow(InputError);
    expect(() => parseFlags(["--json", "-x"], options)).toThrow(/Unknown option '-x'/);
  });
});
