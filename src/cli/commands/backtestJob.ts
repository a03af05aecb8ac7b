/** What the backtest's worker thread runs (see ../isolate.ts): the run, in memory; the main thread writes it. */
import { runBacktestJob, type BacktestJob, type BacktestResult } from "../../backtest/index.ts";

export interface BacktestThreadResult {
  files: Record<string, string>;
  result: BacktestResult;
  warnings: string[];
}

/** `progress(done, total, mode, modes)` posts the bars done back to the main thread's progress line. */
export async function backtestThread(job: BacktestJob, progress?: (done: number, total: number, mode: number, modes: number) => void): Promise<BacktestThreadResult> {
  const warnings: string[] = [];
  const { files, result } = await runBacktestJob({ ...job, progress }, (s) => warnings.push(s));
  return { files, result, warnings };
}
