import type { CommitOptions, RunFolder } from "../report/index.ts";
import { Interrupted } from "./isolate.ts";

/**
 * `folder.commit` with Ctrl-C heard: a SIGINT while the files are built or the report renders drops the
 * staging folder and rejects with `Interrupted` (the command prints one line and exits 130), instead of
 * killing the process with its lock and staging folder left behind.
 */
export async function commitRun(folder: RunFolder, files: Record<string, string | Uint8Array>, options: Omit<CommitOptions, "signal"> = {}): Promise<string | undefined> {
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  try {
    return await folder.commit(files, { ...options, signal: abort.signal });
  } catch (err) {
    if (abort.signal.aborted) throw new Interrupted("interrupted");
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
