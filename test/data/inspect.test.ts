/** `perpsim data inspect`: the danfojs summary of March 2020 BTCUSDT against figures from the raw files. */
import { describe, expect, it } from "vitest";
import { inspectSymbol, loadMarket } from "../../src/data/index.ts";

describe("inspectSymbol", () => {
  it("summarises BTCUSDT 2020-03", async () => {
    const m = await loadMarket({ symbols: ["BTC"], from: "2020-03-01", to: "2020-04-01" });
    const rows = Object.fromEntries((await inspectSymbol(m.symbols[0], m.from, m.to)).map((r) => [r.metric, r.value]));
    expect(rows["bars"]).toBe("744 of 744 steps"); // 31 days × 24 h
    // raw closes: 2020-03-01 00:00 bar 8554.99, 2020-03-31 23:00 bar 6407.1 → 6407.1/8554.99 − 1 = −25.11 %
    expect(rows["first close"]).toBe("8554.99");
    expect(rows["last close"]).toBe("6407.1");
    expect(rows["total return"]).toBe("-25.11 %");
    expect(rows["lowest low"]).toBe("3621.81");
    expect(rows["lowest mark low"]).toBe("3801.83057975");
    expect(rows["funding settlements"]).toBe("93"); // 31 days × 3 settlements
    expect(rows["funding min / max"]).toMatch(/^-0\.3000 % \//);
  });
});
