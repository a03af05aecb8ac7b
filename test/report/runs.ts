/**
 * Real runs for the report tests: the CLI (`tsx src/cli.ts ...`) on the shipped data, each into its own
 * folder, exactly as a user would make them. Each run takes a few seconds.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

/** Run `perpsim <args>` from the project root; returns its stdout (rejects with stderr on a non-zero exit). */
export async function perpsim(args: string[]): Promise<string> {
  const { stdout } = await run(TSX, [join(ROOT, "src/cli.ts"), ...args], { cwd: ROOT, maxBuffer: 16 << 20, env: { ...process.env, CI: "1" } });
  return stdout;
}

/** 10x BTC `hold` through March 2020 in both modes: isolated is liquidated on 2020-03-09, cross survives. */
export const crashMonth = (out: string) =>
  perpsim(["backtest", "--strategy", "hold", "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-04-01", "--out", out]);

/** 10x long BTC with a 5 % stop and 10x short ETH with a 20 % take-profit through March 2020: a stop and a take-profit fire. */
export const stopsMonth = (out: string) =>
  perpsim(["backtest", "--strategy", "hold", "--symbols", "BTCUSDT,ETHUSDT", "--from", "2020-03-01", "--to", "2020-04-01", "--out", out, "--params",
    JSON.stringify({ legs: [{ symbol: "BTCUSDT", side: "long", leverage: 10, weight: 0.1, stopLossPct: 5 }, { symbol: "ETHUSDT", side: "short", leverage: 10, weight: 0.1, takeProfitPct: 20 }] })]);

/** Hyperliquid funding asked for explicitly over January 2022, before its history starts: funding is unknown, not zero. */
export const unknownFunding = (out: string) =>
  perpsim(["backtest", "--strategy", "hold", "--venue", "hyperliquid", "--funding", "hyperliquid", "--symbols", "BTCUSDT", "--from", "2022-01-01", "--to", "2022-01-15", "--out", out]);

/** `hold` BTCUSDT over the whole shipped 1h history (58,623 bars), both modes. */
export const fullHistory = (out: string) => perpsim(["backtest", "--strategy", "hold", "--symbols", "BTCUSDT", "--out", out]);

/** The analytic-baseline stress example (10x BTC under GBM), 300 paths. */
export const stressExample = (out: string) =>
  perpsim(["stress", "--config", join(ROOT, "examples/stress/long-btc-gbm.json"), "--paths", "300", "--out", out]);

export const EVIL_NAME = "<script>alert(1)</script>";

/** A real strategy file (the shipped `hold`, renamed) whose name is markup, run for one week. */
export async function evilNamedRun(strategyDir: string, out: string): Promise<string> {
  const file = join(strategyDir, "evil.ts");
  const url = (p: string) => pathToFileURL(join(ROOT, p)).href;
  await writeFile(file, [
    `import { defineStrategy } from ${JSON.stringify(url("src/strategy/index.ts"))};`,
    `import hold from ${JSON.stringify(url("strategies/hold.ts"))};`,
    `export default defineStrategy({ ...hold, name: ${JSON.stringify(EVIL_NAME)} });`,
    "",
  ].join("\n"));
  return perpsim(["backtest", "--strategy", file, "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-08", "--out", out]);
}
