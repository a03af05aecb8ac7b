import { describe, expect, it } from "vitest";
import { defineStrategy, loadStrategy, resolveParams } from "../../src/strategy/index.ts";

const s = defineStrategy({ name: "t", description: "", params: { leverage: 3, symbol: "BTCUSDT", on: true }, onBar() {} });

describe("strategy params", () => {
  it("merges user params over the defaults", () => {
    expect(resolveParams(s, { leverage: 5 })).toEqual({ leverage: 5, symbol: "BTCUSDT", on: true });
    expect(resolveParams(s, undefined)).toEqual({ leverage: 3, symbol: "BTCUSDT", on: true });
  });
  it("names the bad key", () => {
    expect(() => resolveParams(s, { levrage: 5 })).toThrow(/unknown key 'levrage'/);
    expect(() => resolveParams(s, { leverage: "5" })).toThrow(/'leverage' must be a number/);
    expect(() => resolveParams(s, [1])).toThrow(/must be a JSON object/);
  });
  it("every shipped strategy loads and accepts its own defaults", async () => {
    for (const name of ["hold", "scalper", "swing", "hedger", "funding-carry", "margin-keeper"]) {
      const st = await loadStrategy(name);
      expect(st.name).toBe(name);
      expect(resolveParams(st, {})).toEqual(st.defaults);
    }
    await expect(loadStrategy("nope")).rejects.toThrow(/unknown strategy 'nope'/);
  });
});
