/** What stress runs in an isolated thread before a strategy book's run (see ../isolate.ts): its path 0. */
import { createSimulator, PATH_FIELDS, prepareBook, type StressConfig } from "../../stress/index.ts";

/**
 * Path 0 of a strategy book, which the runner also simulates on the main thread (to check the book
 * before the workers start, and for samples.csv): run here first, a strategy that never returns or
 * allocates without bound is stopped by Ctrl-C, --timeout or the memory limit instead of holding the
 * main thread. Paths are deterministic, so the main thread's path 0 then behaves the same.
 */
export async function probePathZero(config: StressConfig): Promise<true> {
  await prepareBook(config);
  const simulator = createSimulator(config);
  simulator.run(0, new Float64Array(simulator.modes * PATH_FIELDS), 0);
  return true;
}
