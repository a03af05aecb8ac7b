import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `perpsim venues update` against a loopback server answering in the venues' own formats
 * (Hyperliquid POST /info meta + perpDexs, Binance's signed leverageBracket + exchangeInfo, Bybit v5
 * risk-limit pages + instruments-info, dYdX indexer perpetualMarkets); then `venues show` and `liq`
 * read the new dated files.
 */
const KEY = "test-key";
const SECRET = "test-secret";
let server: Server;
let base = "";
const seen: string[] = [];

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

async function body(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const c of req) s += c;
  return s;
}

const HL_META = {
  universe: [
    { szDecimals: 5, name: "BTC", maxLeverage: 40, marginTableId: 56 },
    { szDecimals: 0, name: "kPEPE", maxLeverage: 10, marginTableId: 52 },
    { szDecimals: 1, name: "MATIC", maxLeverage: 20, marginTableId: 20, isDelisted: true },
  ],
  marginTables: [
    [52, { description: "tiered 10x", marginTiers: [{ lowerBound: "0.0", maxLeverage: 10 }, { lowerBound: "20000000.0", maxLeverage: 5 }] }],
    [56, { description: "tiered 40x", marginTiers: [{ lowerBound: "0.0", maxLeverage: 40 }, { lowerBound: "150000000.0", maxLeverage: 20 }] }],
  ],
  collateralToken: 0,
};
const HL_XYZ = {
  universe: [{ szDecimals: 3, name: "xyz:AAPL", maxLeverage: 10, marginTableId: 10 }],
  marginTables: [[10, { description: "", marginTiers: [{ lowerBound: "0.0", maxLeverage: 10 }] }]],
  collateralToken: 0,
};

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url!, "http://x");
  seen.push(`${req.method} ${url.pathname}`);
  if (req.method === "POST" && url.pathname === "/info") {
    const b = JSON.parse(await body(req)) as { type: string; dex?: string };
    if (b.type === "meta" && !b.dex) return json(res, 200, HL_META);
    if (b.type === "meta" && b.dex === "xyz") return json(res, 200, HL_XYZ);
    if (b.type === "perpDexs") return json(res, 200, [null, { name: "xyz", fullName: "XYZ", deployer: "0x0", oracleUpdater: null }]);
    return json(res, 422, { error: "unknown type" });
  }
  if (url.pathname === "/fapi/v1/leverageBracket") {
    const query = url.search.slice(1).replace(/&signature=[0-9a-f]+$/, "");
    const signature = url.searchParams.get("signature");
    const want = createHmac("sha256", SECRET).update(query).digest("hex");
    if (req.headers["x-mbx-apikey"] !== KEY || signature !== want || !url.searchParams.get("timestamp")) {
      return json(res, 401, { code: -1022, msg: "Signature for this request is not valid." });
    }
    return json(res, 200, [{ symbol: "SOLUSDT", notionalCoef: 1.0, brackets: [
      { bracket: 1, initialLeverage: 100, notionalCap: 20000, notionalFloor: 0, maintMarginRatio: 0.005, cum: 0.0 },
      { bracket: 2, initialLeverage: 75, notionalCap: 100000, notionalFloor: 20000, maintMarginRatio: 0.0065, cum: 30.0 },
    ] }]);
  }
  if (url.pathname === "/fapi/v1/exchangeInfo") {
    return json(res, 200, { timezone: "UTC", symbols: [{ symbol: "SOLUSDT", pair: "SOLUSDT", contractType: "PERPETUAL", liquidationFee: "0.015000", filters: [
      { filterType: "PRICE_FILTER", minPrice: "0.4200", maxPrice: "6857", tickSize: "0.0100" },
      { filterType: "LOT_SIZE", minQty: "0.01", maxQty: "1000000", stepSize: "0.01" },
    ] }] });
  }
  if (url.pathname === "/v5/market/risk-limit") {
    const page2 = url.searchParams.get("cursor") === "p2";
    const list = page2
      ? [{ id: 2, symbol: "BTCUSDT", riskLimitValue: "4000000", maintenanceMargin: "0.01", initialMargin: "0.0175", isLowestRisk: 0, maxLeverage: "57.14", mmDeduction: "10000" }]
      : [{ id: 1, symbol: "BTCUSDT", riskLimitValue: "2000000", maintenanceMargin: "0.005", initialMargin: "0.01", isLowestRisk: 1, maxLeverage: "100.00", mmDeduction: "" }];
    return json(res, 200, { retCode: 0, retMsg: "OK", result: { category: "linear", list, nextPageCursor: page2 ? "" : "p2" }, retExtInfo: {}, time: 1 });
  }
  if (url.pathname === "/v5/market/instruments-info") {
    return json(res, 200, { retCode: 0, retMsg: "OK", result: { category: "linear", list: [{ symbol: "BTCUSDT", priceFilter: { minPrice: "0.10", maxPrice: "1999999.80", tickSize: "0.10" } }], nextPageCursor: "" }, retExtInfo: {}, time: 1 });
  }
  if (url.pathname === "/v4/perpetualMarkets") {
    return json(res, 200, { markets: { "BTC-USD": {
      clobPairId: "0", ticker: "BTC-USD", status: "ACTIVE", oraclePrice: "118976.5376", initialMarginFraction: "0.02", maintenanceMarginFraction: "0.012",
      atomicResolution: -10, quantumConversionExponent: -9, tickSize: "1", stepSize: "0.0001", marketType: "CROSS",
    } } });
  }
  json(res, 404, { error: "not found" });
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const out = mkdtempSync(join(tmpdir(), "perpsim-venues-"));
function perpsim(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      env: { ...process.env, PERPSIM_VENUE_TABLES: out, BINANCE_API_KEY: "", BINANCE_API_SECRET: "", ...env },
    });
    let o = "";
    let e = "";
    child.stdout.on("data", (d) => (o += d));
    child.stderr.on("data", (d) => (e += d));
    child.on("close", (code) => resolve({ code, out: o, err: e }));
  });
}

describe("perpsim venues update (loopback) and show", () => {
  it("hyperliquid: meta of the main dex and of the HIP-3 dexes into a dated file; xyz:AAPL then runs on its own table", async () => {
    const r = await perpsim(["venues", "update", "--venue", "hyperliquid", "--source", base, "--as-of", "2030-01-01"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/hyperliquid-2030-01-01\.json: 3 symbols/); // BTC, kPEPE, xyz:AAPL (MATIC delisted)
    const file = JSON.parse(readFileSync(join(out, "hyperliquid-2030-01-01.json"), "utf8"));
    expect(file.symbols["xyz:AAPL"]).toMatchObject({ szDecimals: 3, marginTableId: 10, tiers: [[0, null, 10, 0.05, 0]] });
    expect(file.symbols.kPEPE.tiers[1]).toEqual([20_000_000, null, 5, 0.1, 1_000_000]);
    const show = await perpsim(["venues", "show", "--venue", "hyperliquid", "--symbol", "xyz:AAPL"]);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/table\s+hyperliquid-2030-01-01 \(asOf 2030-01-01\)/);
    expect(show.out).toMatch(/venue name\s+xyz:AAPL/);
    // freqtrade's XYZ-AAPL case: 0.5 at 250, 5x, 10x max → 210.526…; printed by the 5-figure rule, 6 − 3 decimals at most
    const liq = await perpsim(["liq", "--venue", "hyperliquid", "--symbol", "xyz:AAPL", "--side", "long", "--entry", "250", "--size", "0.5", "--leverage", "5", "--mode", "isolated", "--json"]);
    expect(JSON.parse(liq.out).positions[0].liquidationPrice).toBeCloseTo(200 / 0.95, 9);
    const human = await perpsim(["liq", "--venue", "hyperliquid", "--symbol", "xyz:AAPL", "--side", "long", "--entry", "250", "--size", "0.5", "--leverage", "5", "--mode", "isolated"]);
    expect(human.out).toMatch(/isolated\s+210\.53\s/);
  });

  it("binance: the signed bracket request (key from the environment, HMAC-SHA256) and exchangeInfo's tick: SOL prints 135.68", async () => {
    const refused = await perpsim(["venues", "update", "--venue", "binance", "--source", base, "--as-of", "2030-01-01"]);
    expect(refused.code).toBe(1);
    expect(refused.err.trim().split("\n")).toHaveLength(1);
    expect(refused.err).toMatch(/BINANCE_API_KEY and BINANCE_API_SECRET/);
    const wrong = await perpsim(["venues", "update", "--venue", "binance", "--source", base, "--as-of", "2030-01-01"], { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: "nope" });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/HTTP 401 .*Signature for this request is not valid/);
    const r = await perpsim(["venues", "update", "--venue", "binance", "--source", base, "--as-of", "2030-01-01"], { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET });
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const show = await perpsim(["venues", "show", "--venue", "binance", "--symbol", "SOLUSDT"]);
    expect(show.out).toMatch(/prices\s+tick 0\.01/);
    // exchangeInfo's liquidationFee becomes SOLUSDT's own rate, charged instead of the 0.5 % default
    expect(show.out).toMatch(/fee\s+1\.5 % of the notional liquidated, from what is left only \(SOLUSDT's own rate; the venue default is 0\.5 %\)/);
    expect(show.out).toMatch(/fee source\s+Binance GET \/fapi\/v1\/exchangeInfo 'liquidationFee' "0\.015000" of SOLUSDT/);
    const liq = await perpsim(["liq", "--venue", "binance", "--symbol", "SOLUSDT", "--side", "long", "--entry", "150", "--size", "1", "--leverage", "10", "--mode", "isolated"]);
    expect(liq.out).toMatch(/isolated\s+135\.68\s+135\.00/);
    expect(liq.out).toMatch(/SOLUSDT: table binance-2030-01-01/);
    // a saved response works the same, without the network
    const saved = join(out, "brackets.json");
    writeFileSync(saved, JSON.stringify([{ symbol: "ETHUSDT", brackets: [{ bracket: 1, initialLeverage: 125, notionalCap: 50000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 }] }]));
    const fromFile = await perpsim(["venues", "update", "--venue", "binance", "--file", saved, "--as-of", "2030-02-01"]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).toMatch(/1 symbols, table binance-2030-02-01/);
  });

  it("bybit: every page of risk-limit (cursor) and instruments-info's tick; deductions by the recursion", async () => {
    const r = await perpsim(["venues", "update", "--venue", "bybit", "--source", base, "--as-of", "2030-01-01"]);
    expect(r.code).toBe(0);
    const file = JSON.parse(readFileSync(join(out, "bybit-2030-01-01.json"), "utf8"));
    expect(file.symbols.BTCUSDT).toEqual({ tiers: [[0, 2_000_000, 100, 0.005, 0], [2_000_000, 4_000_000, 57.14, 0.01, 10_000]], tickSize: "0.10" });
  });

  it("dydx: perpetualMarkets' fractions and tick", async () => {
    const r = await perpsim(["venues", "update", "--venue", "dydx", "--source", base, "--as-of", "2030-01-01"]);
    expect(r.code).toBe(0);
    const show = await perpsim(["venues", "show", "--venue", "dydx", "--symbol", "BTC-USD"]);
    expect(show.out).toMatch(/table\s+dydx-2030-01-01/);
    expect(show.out).toMatch(/prices\s+tick 1\b/);
    expect(show.out).toMatch(/50x\s+1\.2 %/);
    expect(seen).toContain("GET /v4/perpetualMarkets");
  });

  it("a second update on the same date is refused; a bad file in the tables folder stops every command with one line", async () => {
    const again = await perpsim(["venues", "update", "--venue", "dydx", "--source", base, "--as-of", "2030-01-01"]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/dydx-2030-01-01\.json already exists/);
    const bad = join(out, "dydx-2031-01-01.json");
    const t = JSON.parse(readFileSync(join(out, "dydx-2030-01-01.json"), "utf8"));
    t.id = "dydx-2031-01-01";
    t.asOf = "2031-01-01";
    t.symbols["BTC-USD"].tiers[0][3] = -0.012;
    writeFileSync(bad, JSON.stringify(t));
    const show = await perpsim(["venues", "show", "--venue", "dydx", "--symbol", "BTC-USD"]);
    expect(show.code).toBe(1);
    expect(show.err.trim().split("\n")).toHaveLength(1);
    expect(show.err).toMatch(/dydx-2031-01-01\.json: symbols\.BTC-USD\.tiers\[0\]\.mmr: must be a rate in \(0, 1\) \(got -0\.012\)/);
    expect(existsSync(bad)).toBe(true);
  });

  it("an old Hyperliquid file without backstopRemainder runs, on the shipped routing, with one warning line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "perpsim-oldhl-"));
    const shipped = JSON.parse(readFileSync("src/venues/tables/hyperliquid-2026-07-03.json", "utf8"));
    shipped.id = "hyperliquid-2030-06-01";
    shipped.asOf = "2030-06-01";
    for (const mode of ["cross", "isolated"]) delete shipped.liquidationLoss[mode].backstopRemainder;
    const file = join(dir, "hyperliquid-2030-06-01.json");
    writeFileSync(file, JSON.stringify(shipped));
    const show = await perpsim(["venues", "show", "--venue", "hyperliquid", "--symbol", "BTC"], { PERPSIM_VENUE_TABLES: dir });
    expect(show.code).toBe(0);
    expect(show.err.trim().split("\n")).toEqual([
      `warning: ${file}: liquidationLoss.cross/isolated.backstopRemainder is missing (a file from before the field): using the shipped hyperliquid table's (cross "backstop vault", isolated "backstop vault")`,
    ]);
    expect(show.out).toMatch(/table\s+hyperliquid-2030-06-01/);
    expect(show.out).toMatch(/backstop\s+backstop vault/);
  });
});

describe("a user's table reaches every stress worker", () => {
  it("SOLUSDT on a user table (5x, maintenance 15 %): recorded in settings, same bytes with 1 and 2 workers, and it changes the answer", async () => {
    const tables = mkdtempSync(join(tmpdir(), "perpsim-usertables-"));
    const shipped = JSON.parse(readFileSync("src/venues/tables/binance-2024-10-24.json", "utf8"));
    writeFileSync(join(tables, "binance-2030-01-01.json"), JSON.stringify({
      ...shipped, id: "binance-2030-01-01", asOf: "2030-01-01", source: "test: a deliberately harsh SOLUSDT table", unsourced: [],
      symbols: { SOLUSDT: { tiers: [[0, null, 5, 0.15, 0]] } },
    }));
    const config = join(tables, "book.json");
    writeFileSync(config, JSON.stringify({
      venue: "binance", initialBalance: 10000,
      model: { type: "gbm", assets: { BTCUSDT: { price: 60000, vol: 0.5 }, SOLUSDT: { price: 150, vol: 0.9 } }, correlation: [[1, 0.7], [0.7, 1]] },
      portfolio: [{ symbol: "BTCUSDT", side: "long", leverage: 5, weight: 0.3 }, { symbol: "SOLUSDT", side: "short", leverage: 5, weight: 0.2 }],
      funding: { type: "none" }, horizonHours: 240, stepMinutes: 60, paths: 64, seed: 5, modes: ["isolated"],
    }));
    const runOne = async (workers: string, env: Record<string, string>) => {
      const o = join(tables, `out-${workers}-${Object.keys(env).length}`);
      const r = await perpsim(["stress", "--config", config, "--workers", workers, "--out", o, "--no-report"], env);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(readFileSync(join(o, "summary.json"), "utf8"));
    };
    const one = await runOne("1", { PERPSIM_VENUE_TABLES: tables });
    const two = await runOne("2", { PERPSIM_VENUE_TABLES: tables });
    expect(one.settings["venueTable:SOLUSDT"]).toBe("binance-2030-01-01 (asOf 2030-01-01)");
    expect(one.settings["venueTable:BTCUSDT"]).toBe("binance-2026-03-05 (asOf 2026-03-05)");
    expect(JSON.stringify(two.runs)).toBe(JSON.stringify(one.runs));
    const shippedRun = await runOne("2", { PERPSIM_VENUE_TABLES: join(tables, "none") });
    expect(shippedRun.settings["venueTable:SOLUSDT"]).toBe("binance-2024-10-24 (asOf 2024-10-24)");
    // a short at 5x with 15 % maintenance is liquidated by a ~4 % rise; with Binance's 0.5 % by ~19 %
    expect(one.runs[0].liquidationProbability).toBeGreaterThan(shippedRun.runs[0].liquidationProbability);
  });
});
