import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Write a run's output files so an interrupted run never leaves a report that looks whole:
 * every file goes to a temporary name first, and only when all are written are they renamed into
 * place (summary.json last, so its presence means the folder is complete).
 */
export async function writeOutputs(dir: string, files: Record<string, string | Uint8Array>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names = Object.keys(files).sort((a, b) => (a === "summary.json" ? 1 : b === "summary.json" ? -1 : a.localeCompare(b)));
  const tmp = names.map((n) => join(dir, `.${n}.tmp-${process.pid}`));
  try {
    for (let i = 0; i < names.length; i++) await writeFile(tmp[i], files[names[i]]);
    for (let i = 0; i < names.length; i++) await rename(tmp[i], join(dir, names[i]));
  } catch (err) {
    await Promise.all(tmp.map((t) => rm(t, { force: true })));
    throw err;
  }
  return names.map((n) => join(dir, n));
}

/** `reports/<command>-<UTC stamp>` — the default output folder of a run. */
export function defaultRunDir(command: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return join("reports", `${command}-${stamp}`);
}
