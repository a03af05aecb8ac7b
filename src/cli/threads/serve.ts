/**
 * The body of an isolated thread (see ../isolate.ts): call the job's function with the arguments the
 * main thread passed, post its progress back as it goes, then post its result or its error.
 */
import { parentPort, workerData } from "node:worker_threads";

type Job = (args: never, progress: (...values: number[]) => void) => unknown;

export async function serveIsolated(job: Job): Promise<void> {
  const port = parentPort!;
  try {
    const progress = (...values: number[]) => port.postMessage({ progress: values });
    const value = await job((workerData as { args: never }).args, progress);
    port.postMessage({ ok: true, value });
  } catch (err) {
    const e = err as { constructor?: { name?: string }; message?: string; stack?: string } | null;
    // by name: a user's .ts strategy loaded through tsx has its own copy of the InputError class
    const input = e !== null && typeof e === "object" && e.constructor?.name === "InputError";
    port.postMessage({ ok: false, input, message: e?.message ?? String(err), stack: e?.stack ?? String(err) });
  }
}
