import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../errors/index.ts";
import { RESULT_FILES } from "./input.ts";
import { renderReport, type ReportOptions } from "./report.ts";
import { defaultRunDir, writeOutputs } from "./write.ts";

/** The file that marks a folder as a perpsim run folder; written last, so its presence means the run completed. */
export const RUN_MARKER = ".perpsim-run";

/** File names a run of ours writes into its folder (anything else in a marked folder is the user's). */
const OUR_FILES = new Set<string>([RUN_MARKER, "summary.json", "report.html", ...RESULT_FILES, "model.json", "calibration.json"]);
/** Temporary files of the per-file writer (`.<name>.tmp-<pid>`), ours even when a killed run left them. */
const OUR_TEMP = /^\..+\.tmp-\d+$/;

export interface RunFolderOptions {
  /** write into a non-empty folder that is not a perpsim run folder (in place: same-named files replaced, others kept) */
  force?: boolean;
}

export interface CommitOptions {
  /** render report.html from the written files (default: no report) */
  report?: boolean | ReportOptions;
  /** checked after the files and the report are built, before they replace the folder (Ctrl-C) */
  signal?: AbortSignal;
}

/** `errno` code of a file-system error, or its message. */
const why = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Where a run writes its outputs, checked and locked before anything is simulated:
 *  - `--out` must be a non-empty path naming a folder (or nothing yet) whose parent is writable;
 *  - an existing folder must be empty or a perpsim run folder (it holds `.perpsim-run` and only our
 *    files), unless `--force`;
 *  - `.<name>.perpsim-lock` beside it holds the folder for one run at a time;
 *  - the run's files (and its report) are built in a hidden sibling folder and renamed into place in
 *    one step, so the folder is always one whole run: the old one, or the new one.
 * Temporary siblings of a killed run are removed by the next run into the same folder.
 */
export class RunFolder {
  private committed = false;
  private constructor(
    readonly dir: string,
    private readonly mode: "swap" | "in-place",
    private readonly lock: string,
    /** folders this run created (the default run folder, missing parents): removed again if it writes nothing */
    private readonly created: string[],
  ) {}

  static async open(out: string | undefined, command: string, options: RunFolderOptions = {}): Promise<RunFolder> {
    if (out === undefined) {
      const root = resolve("reports"); // defaultRunDir's; a run that writes nothing leaves no empty reports/ behind either
      const hadRoot = await stat(root).then(() => true, () => false);
      const dir = resolve(defaultRunDir(command));
      return RunFolder.lockAndClean(dir, "swap", hadRoot ? [dir] : [dir, root]);
    }
    if (out.trim() === "") throw new InputError("--out: the path is empty (give a folder, e.g. --out reports/run1)");
    const dir = await targetPath(resolve(out), out);
    const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw new InputError(`--out ${out}: cannot read the folder (${why(err)})`);
    });
    let mode: "swap" | "in-place" = "swap";
    if (entries !== null && entries.length > 0) {
      const foreign = entries.includes(RUN_MARKER) ? entries.filter((e) => !OUR_FILES.has(e) && !OUR_TEMP.test(e)) : null;
      if (foreign === null || foreign.length > 0) {
        if (!options.force) {
          throw new InputError(foreign === null
            ? `--out ${out}: the folder is not empty and is not a perpsim run folder (no ${RUN_MARKER}); choose an empty or new folder, or pass --force to write into it`
            : `--out ${out}: the run folder also holds files perpsim did not write (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}); move them, or pass --force to write beside them`);
        }
        mode = "in-place";
      }
    }
    const parent = dirname(dir);
    let firstCreated: string | undefined;
    try {
      firstCreated = await mkdir(parent, { recursive: true });
    } catch (err) {
      throw new InputError(`--out ${out}: cannot create its parent folder ${parent} (${why(err)})`);
    }
    const created = firstCreated === undefined ? [] : ancestorsUpTo(parent, firstCreated);
    return RunFolder.lockAndClean(dir, mode, created, out);
  }

  private static async lockAndClean(dir: string, mode: "swap" | "in-place", created: string[], shown = dir): Promise<RunFolder> {
    const lock = siblingName(dir, "lock");
    const folder = new RunFolder(dir, mode, lock, created);
    try {
      await takeLock(lock, shown);
    } catch (err) {
      await folder.removeCreated();
      throw err;
    }
    await recoverAndClean(dir);
    if (mode === "in-place") await probeWritable(dir, shown).catch(async (err) => {
      await folder.release();
      throw err;
    });
    return folder;
  }

  /** Write the run's files (and report.html), then make them the folder's content in one step. Returns report.html's path when drawn. */
  async commit(files: Record<string, string | Uint8Array>, options: CommitOptions = {}): Promise<string | undefined> {
    const reportOptions = options.report === true ? {} : options.report || undefined;
    if (this.mode === "in-place") {
      await writeOutputs(this.dir, files, { removeStale: false }).catch(failed(this.dir));
      let report: string | undefined;
      if (reportOptions) {
        const html = await renderReport(this.dir, reportOptions);
        options.signal?.throwIfAborted();
        [report] = await writeOutputs(this.dir, { "report.html": html }).catch(failed(this.dir));
      }
      this.committed = true;
      return report;
    }
    const staging = siblingName(this.dir, `tmp-${process.pid}`);
    // a write that fails (a full disk) is named by the folder the user gave: the staging folder is gone by then
    const unwritten = failed(this.dir, "; nothing written, the folder is as it was");
    try {
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging).catch(unwritten);
      for (const [name, content] of Object.entries(files)) await writeFile(join(staging, name), content).catch(unwritten);
      if (reportOptions) await writeFile(join(staging, "report.html"), await renderReport(staging, reportOptions)).catch(unwritten);
      await writeFile(join(staging, RUN_MARKER), "perpsim run folder: written last, when every file of the run was in place\n").catch(unwritten);
      options.signal?.throwIfAborted();
      await this.swapIn(staging);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    this.committed = true;
    return reportOptions ? join(this.dir, "report.html") : undefined;
  }

  /** Give the folder back: the lock goes, and folders made for a run that wrote nothing are removed. */
  async release(): Promise<void> {
    await unlink(this.lock).catch(() => undefined);
    if (!this.committed) await this.removeCreated();
  }

  private async swapIn(staging: string): Promise<void> {
    const old = siblingName(this.dir, `old-${process.pid}`);
    const exists = await stat(this.dir).then(() => true, () => false);
    const empty = exists && (await readdir(this.dir)).length === 0;
    if (exists && !empty) await rename(this.dir, old).catch(failed(this.dir));
    await rename(staging, this.dir).catch(failed(this.dir)); // over an empty folder, rename replaces it
    if (exists && !empty) await rm(old, { recursive: true, force: true });
  }

  private async removeCreated(): Promise<void> {
    for (const d of this.created) await rmdir(d).catch(() => undefined); // deepest first; a folder not empty stays
  }
}

/**
 * A folder that files are added to (shards of a run, written by several processes): the same checks of
 * the path as a run folder's, without the lock. Returns the folder to write in.
 */
export async function checkAddFolder(out: string): Promise<string> {
  if (out.trim() === "") throw new InputError("--out: the path is empty (give a folder, e.g. --out reports/run1)");
  return targetPath(resolve(out), out);
}

/** `<parent>/.<name>.perpsim-<suffix>`: our hidden siblings of a run folder (lock, staging, the replaced run). */
function siblingName(dir: string, suffix: string): string {
  return join(dirname(dir), `.${basename(dir)}.perpsim-${suffix}`);
}

/** The deepest-first list of folders from `deepest` up to and including `top`. */
function ancestorsUpTo(deepest: string, top: string): string[] {
  const out: string[] = [];
  for (let d = deepest; ; d = dirname(d)) {
    out.push(d);
    if (d === top || dirname(d) === d) return out;
  }
}

/** The folder `--out` names, with a symbolic link to a folder followed; anything else that is not a folder is refused. */
async function targetPath(path: string, shown: string): Promise<string> {
  let info;
  try {
    info = await lstat(path);
  } catch (err) {
    const code = why(err);
    if (code === "ENOENT") return path;
    if (code === "ENOTDIR") throw new InputError(`--out ${shown}: a part of the path is a file, not a folder`);
    throw new InputError(`--out ${shown}: cannot use this path (${code})`);
  }
  if (info.isSymbolicLink()) {
    try {
      const real = await realpath(path);
      if (!(await stat(real)).isDirectory()) throw new InputError(`--out ${shown}: is a link to ${real}, which is not a folder`);
      return real;
    } catch (err) {
      if (err instanceof InputError) throw err;
      const code = why(err);
      throw new InputError(`--out ${shown}: ${code === "ELOOP" ? "is a loop of symbolic links" : code === "ENOENT" ? "is a symbolic link to a path that does not exist" : `cannot follow the link (${code})`}`);
    }
  }
  if (!info.isDirectory()) throw new InputError(`--out ${shown}: exists and is not a folder (${info.isFile() ? "a file" : "a device or special file"})`);
  return path;
}

async function takeLock(lock: string, shown: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, "wx");
      try {
        await handle.writeFile(`${process.pid}\n`);
      } catch (err) {
        await handle.close();
        await unlink(lock).catch(() => undefined); // created but not written (a full disk): not left behind
        throw err;
      }
      await handle.close();
      return;
    } catch (err) {
      if (why(err) !== "EEXIST") throw new InputError(`--out ${shown}: cannot write in ${dirname(lock)} (${why(err)})`);
    }
    const pid = Number((await readFile(lock, "utf8").catch(() => "")).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && alive(pid)) {
      throw new InputError(`--out ${shown}: another perpsim run (pid ${pid}) is writing to this folder; wait for it or choose another --out`);
    }
    await unlink(lock).catch(() => undefined); // the run that held it is gone
  }
  throw new InputError(`--out ${shown}: another perpsim run is taking this folder; choose another --out`);
}

/**
 * With the lock held, siblings of ours are leftovers of killed runs: a replaced run whose swap was cut
 * short goes back into place if the folder is missing, and staging folders are removed.
 */
async function recoverAndClean(dir: string): Promise<void> {
  const prefix = `.${basename(dir)}.perpsim-`;
  const names = (await readdir(dirname(dir)).catch(() => [] as string[])).filter((n) => n.startsWith(prefix) && !n.endsWith("-lock"));
  const missing = await stat(dir).then(() => false, () => true);
  const old = names.find((n) => n.startsWith(`${prefix}old-`));
  if (missing && old) await rename(join(dirname(dir), old), dir).catch(() => undefined);
  for (const n of names) await rm(join(dirname(dir), n), { recursive: true, force: true });
  const inside = await readdir(dir).catch(() => [] as string[]);
  for (const n of inside.filter((e) => OUR_TEMP.test(e))) await rm(join(dir, n), { force: true });
}

async function probeWritable(dir: string, shown: string): Promise<void> {
  const probe = join(dir, `.perpsim-probe.tmp-${process.pid}`);
  try {
    await writeFile(probe, "");
    await unlink(probe);
  } catch (err) {
    throw new InputError(`--out ${shown}: cannot write in the folder (${why(err)})`);
  }
}

/** A file-system error while writing outputs, as one line naming the path (a full disk, a vanished folder). */
function failed(path: string, outcome = "") {
  return (err: unknown): never => {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot write ${path} (${why(err)}: ${(err as Error).message.replace(/^[A-Z]+: /, "").split(",")[0]})${outcome}`);
  };
}
