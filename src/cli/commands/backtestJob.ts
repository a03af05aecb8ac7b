/** What the backtest's worker thread runs (see ../isolate.ts): the run, in memory; the main thread writes it. */
import { runBacktestJob, type BacktestJob, type BacktestResult } from "../../backtest/index.ts";

export interface BacktestThreadResult {
  files: Record<string, string>;
  result: BacktestResult;
  warnings: string[];
}

export async function backtestThread(job: BacktestJob): Promise<BacktestThreadResult> {
  const warnings: string[] = [];
  const { files, result } = await runBacktestJob(job, (s) => warnings.push(s));
  return { files, result, warnings };
}
