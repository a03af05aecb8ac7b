import { parseFlags } from "../args.ts";
import { backtestToFolder, formatRuns } from "./backtest.ts";

export const usage = `usage: perpsim start [--out DIR] [--force] [--data DIR]

What \`npm start\` runs: the hedger (long BTC / short ETH, 5x, rebalanced daily) through March 2020 on
Binance USD-M, cross beside isolated, and prints where its report is.`;

/**
 * `npm start`: the hedged book (long BTC / short ETH at 5x on 40 % of the balance per leg
 * per unit of leverage, rebalanced daily) through the March 2020 crash on Binance, cross beside
 * isolated, liquidations triggered on mark-price candles.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { out: { type: "string" }, data: { type: "string" }, force: { type: "boolean" } });
  const o = {
    strategy: "hedger", symbols: ["BTCUSDT", "ETHUSDT"], venue: "binance", from: "2020-03-01", to: "2020-04-01", balance: 10000,
    modes: ["cross", "isolated"] as ("cross" | "isolated")[], intrabar: "path" as const, slippage: 0, ledger: "exact" as const,
    out: values.out, force: values.force, dataDir: values.data,
  };
  console.log("perpsim: hedged book (long BTCUSDT / short ETHUSDT, 5x, rebalanced daily) through March 2020 on Binance USD-M");
  const { dir, summary, report } = await backtestToFolder(o);
  console.log(formatRuns(summary));
  const [cross, iso] = summary.runs;
  if (cross && iso && cross.survived !== iso.survived) {
    const loser = cross.survived ? iso : cross;
    console.log(`\n${cross.survived ? "cross" : "isolated"} survived; ${loser.mode} was liquidated (${loser.liquidations.map((l) => `${l.symbol} ${l.side} at ${l.time.slice(0, 16)}Z`).join(", ")}).`);
  }
  console.log(`outputs: ${dir}`);
  console.log(report);
  return 0;
}
