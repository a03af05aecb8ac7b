/**
 * Issue 16, rows 1–4: a run never loses a user's file. --out is checked before the run (empty paths,
 * folders that are not ours), held by one run at a time, and filled in one step (a staging sibling
 * renamed into place), so a folder is always one whole run; what a killed run leaves is cleaned next time.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ls, oneLine, ROOT, snapshot, spawnCli } from "./cli.ts";

const work = mkdtempSync(join(tmpdir(), "perpsim-dataloss-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const GBM = join(ROOT, "examples/stress/long-btc-gbm.json");
const backtest = (out: string, ...more: string[]) => ["backtest", "--strategy", "hold", "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-03-03", "--out", out, ...more];
const stress = (out: string, ...more: string[]) => ["stress", "--config", GBM, "--paths", "200", "--workers", "1", "--out", out, ...more];
const calibrate = (out: string, ...more: string[]) => ["calibrate", "--symbols", "BTCUSDT", "--from", "2024-01-01", "--to", "2024-03-01", "--out", out, ...more];
const USER_FILES = { "equity.csv": "my own equity\n", "events.csv": "my events\n", "sweep.csv": "mine\n", "summary.json": "{\"mine\":true}\n", "report.html": "<p>my report</p>" };

function userFolder(name: string, files: Record<string, string> = USER_FILES): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return dir;
}

describe("row 1: a non-empty folder that is not a perpsim run folder is refused unless --force", () => {
  const cases: [string, (out: string) => string[]][] = [["backtest", backtest], ["stress", stress], ["calibrate", calibrate]];
  it.each(cases)("%s refuses it, exit 1, one line, the user's files untouched", async (name, args) => {
    const dir = userFolder(`user-${name}`);
    const before = snapshot(dir);
    const r = await cli(args(dir));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toBe(`perpsim ${name}: --out ${dir}: the folder is not empty and is not a perpsim run folder (no .perpsim-run); choose an empty or new folder, or pass --force to write into it`);
    expect(snapshot(dir)).toEqual(before);
    expect(ls(work).filter((n) => n.startsWith(`.user-${name}`))).toEqual([]); // no lock or staging left beside it
  });

  it("a perpsim run folder the user added a file to is refused too; --force keeps that file", async () => {
    const dir = join(work, "ours-plus-notes");
    expect((await cli(stress(dir, "--no-report"))).code).toBe(0);
    writeFileSync(join(dir, "notes.txt"), "mine");
    const r = await cli(stress(dir, "--no-report", "--seed", "2"));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/the run folder also holds files perpsim did not write \(notes\.txt\)/);
    expect((await cli(stress(dir, "--no-report", "--seed", "2", "--force"))).code).toBe(0);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine");
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).seed).toBe(2);
  }, 60_000);

  it("--force writes into the user's folder in place: same-named files replaced, every other file kept", async () => {
    const dir = userFolder("forced", { "notes.txt": "keep me", "events.csv": "my events\n" });
    const r = await cli(stress(dir, "--no-report", "--force"));
    expect(r.code).toBe(0);
    expect(ls(dir)).toEqual(["events.csv", "notes.txt", "paths.csv", "samples.csv", "summary.json"]);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("keep me");
    expect(readFileSync(join(dir, "events.csv"), "utf8")).toBe("my events\n"); // not a stress file: kept
  }, 60_000);

  it("a perpsim run folder is replaced whole by the next run: no file of the old run stays", async () => {
    const dir = join(work, "rerun");
    expect((await cli(backtest(dir))).code).toBe(0);
    expect(ls(dir)).toEqual([".perpsim-run", "candles.csv", "equity.csv", "events.csv", "report.html", "summary.json", "trades.csv"]);
    expect((await cli(stress(dir, "--no-report"))).code).toBe(0);
    expect(ls(dir)).toEqual([".perpsim-run", "paths.csv", "samples.csv", "summary.json"]);
  }, 60_000);
});

describe("row 2: an empty or blank --out is refused before anything is written", () => {
  const blank: [string, string[]][] = [
    ["backtest ''", backtest("")], ["backtest '  '", backtest("  ")], ["stress ''", stress("")], ["stress '\\t'", stress("\t")],
    ["calibrate ''", calibrate("")], ["merge ''", ["merge", work, "--out", ""]], ["stress --shard ''", stress("", "--shard", "0/2")],
  ];
  it.each(blank)("%s: exit 1, one line, the working folder untouched", async (_name, args) => {
    const before = ls(ROOT);
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toMatch(/^perpsim \w+: --out: the path is empty \(give a folder, e\.g\. --out reports\/run1\)$/);
    expect(ls(ROOT)).toEqual(before);
  });
});

describe("row 3: one run at a time in a folder", () => {
  it("a folder held by a live run is refused, one line naming its pid; a lock left by a dead run is taken over", async () => {
    const dir = join(work, "held");
    writeFileSync(join(work, ".held.perpsim-lock"), `${process.pid}\n`);
    const r = await cli(stress(dir, "--no-report"));
    expect(r.code).toBe(1);
    expect(oneLine(r.err)).toBe(`perpsim stress: --out ${dir}: another perpsim run (pid ${process.pid}) is writing to this folder; wait for it or choose another --out`);
    expect(existsSync(dir)).toBe(false);
    writeFileSync(join(work, ".held.perpsim-lock"), "2147483646\n"); // no such process
    expect((await cli(stress(dir, "--no-report"))).code).toBe(0);
    expect(ls(work).filter((n) => n.startsWith(".held"))).toEqual([]);
  }, 60_000);

  it("two processes into one --out: the folder holds one run's files, report included, never a mix", async () => {
    const dir = join(work, "race");
    const runs = [spawnCli(stress(dir, "--seed", "11", "--paths", "2000")), spawnCli(stress(dir, "--seed", "22", "--paths", "2000"))];
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) {
      if (r.code === 0) continue;
      expect(r.code).toBe(1);
      expect(oneLine(r.err)).toMatch(/^perpsim stress: --out .*race: another perpsim run \(pid \d+\) is writing to this folder/);
    }
    expect(results.some((r) => r.code === 0)).toBe(true);
    const seed = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).seed;
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain(`seed</dt><dd>${seed}</dd>`);
    const winner = results.findIndex((r) => r.code === 0 && r.out.includes("wrote"));
    expect(winner).toBeGreaterThanOrEqual(0);
    const rows = readFileSync(join(dir, "paths.csv"), "utf8").trim().split("\n");
    expect(rows).toHaveLength(1 + 2000 * 2);
    expect(ls(work).filter((n) => n.startsWith(".race"))).toEqual([]);
  }, 120_000);
});

describe("row 4: completion is one step; what a killed run leaves is cleaned", () => {
  it("leftovers of a killed run (a staging sibling, a half-replaced run, per-file temps) are cleaned by the next run", async () => {
    const dir = join(work, "killed");
    expect((await cli(stress(dir, "--no-report"))).code).toBe(0);
    const first = snapshot(dir);
    mkdirSync(join(work, ".killed.perpsim-tmp-2147483646"));
    writeFileSync(join(work, ".killed.perpsim-tmp-2147483646", "summary.json"), "{}");
    writeFileSync(join(dir, ".summary.json.tmp-2147483646"), "half");
    // a bad run after the cleanup leaves the previous run as it was, and the leftovers gone
    const bad = await cli(backtest(dir).map((a) => (a === "hold" ? "no-such-strategy" : a)));
    expect(bad.code).toBe(1);
    expect(ls(work).filter((n) => n.startsWith(".killed"))).toEqual([]);
    expect(snapshot(dir)).toEqual(first);
  }, 60_000);

  it("a run killed between its two renames: the replaced run is put back by the next run", async () => {
    const dir = join(work, "between");
    expect((await cli(stress(dir, "--no-report"))).code).toBe(0);
    const first = snapshot(dir);
    const { renameSync } = await import("node:fs");
    renameSync(dir, join(work, ".between.perpsim-old-2147483646"));
    const r = await cli(backtest(dir).map((a) => (a === "hold" ? "no-such-strategy" : a)));
    expect(r.code).toBe(1);
    expect(snapshot(dir)).toEqual(first);
  }, 60_000);

  it("Ctrl-C while the backtest report renders: exit 130, one line, the previous run untouched, nothing left beside it", async () => {
    const dir = join(work, "btsigint");
    const years = (out: string) => backtest(out).map((a) => (a === "2020-03-01" ? "2020-01-01" : a === "2020-03-03" ? "2022-01-01" : a));
    expect((await cli(backtest(dir))).code).toBe(0);
    const first = snapshot(dir);
    const run = spawnCli(years(dir));
    const staged = join(work, `.btsigint.perpsim-tmp-${run.pid}`, "summary.json");
    const started = Date.now();
    while (!existsSync(staged) && Date.now() - started < 90_000) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(staged)).toBe(true); // the files are built; report.html is being rendered
    run.kill("SIGINT");
    const r = await run.done;
    expect(r.signal).toBe(null); // heard, not killed by the signal (which left the lock and the staging folder)
    expect(r.code).toBe(130);
    expect(oneLine(r.err.replace(/^backtest: .*\n/gm, ""))).toBe("perpsim backtest: interrupted; nothing written");
    expect(snapshot(dir)).toEqual(first);
    expect(ls(work).filter((n) => n.startsWith(".btsigint"))).toEqual([]);
  }, 120_000);

  it("Ctrl-C while the stress report renders: exit 130, one line, the previous run untouched, nothing left beside it", async () => {
    const dir = join(work, "sigint");
    expect((await cli(stress(dir, "--no-report"))).code).toBe(0);
    const first = snapshot(dir);
    const run = spawnCli(stress(dir, "--seed", "5"));
    const staged = join(work, `.sigint.perpsim-tmp-${run.pid}`, "summary.json");
    const started = Date.now();
    while (!existsSync(staged) && Date.now() - started < 90_000) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(staged)).toBe(true); // the files are built; report.html is being rendered
    run.kill("SIGINT");
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(oneLine(r.err)).toBe("perpsim stress: interrupted; nothing written");
    expect(snapshot(dir)).toEqual(first);
    expect(ls(work).filter((n) => n.startsWith(".sigint"))).toEqual([]);
  }, 120_000);
});

describe("row 10: an --out that cannot be written is refused before simulating, naming the path and why", () => {
  const file = join(work, "a-file");
  writeFileSync(file, "mine");
  symlinkSync(join(work, "nowhere"), join(work, "dangling"));
  symlinkSync(join(work, "loop"), join(work, "loop"));
  const cases: [string, string, string][] = [
    ["a file", file, "exists and is not a folder (a file)"],
    ["/dev/null", "/dev/null", "exists and is not a folder (a device or special file)"],
    ["a path under a file", join(file, "run"), "a part of the path is a file, not a folder"],
    ["a dangling symbolic link", join(work, "dangling"), "is a symbolic link to a path that does not exist"],
    ["a symbolic link loop", join(work, "loop"), "is a loop of symbolic links"],
    ["a folder in /proc", "/proc/self/perpsim-run", "cannot write in /proc/self"],
  ];
  it.each(cases)("%s", async (_name, out, why) => {
    const before = snapshot(work);
    for (const args of [stress(out, "--no-report"), backtest(out)]) {
      const started = Date.now();
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(oneLine(r.err)).toContain(`--out ${out}: ${why}`);
      expect(Date.now() - started).toBeLessThan(20_000);
    }
    expect(readFileSync(file, "utf8")).toBe("mine");
    expect(snapshot(work)).toEqual(before);
  });
});

/**
 * Row 10, a full disk: the run's files are built in a staging sibling, so a write that fails leaves the
 * user's previous run as it was. A real ENOSPC comes from a 1 MB tmpfs mounted in a private mount
 * namespace (`unshare -rm`: no root needed where user namespaces are allowed; skipped where they are
 * not); a per-file size limit (`ulimit -f`, SIGXFSZ ignored, so write() fails with EFBIG) runs everywhere.
 */
describe("row 10: a disk that fills up mid-run, is full before it, or is read-only", () => {
  const CLI = `node --import tsx ${JSON.stringify(join(ROOT, "src/cli.ts"))} stress --config ${JSON.stringify(GBM)} --workers 1 --no-report`;
  /** Run a shell script (cwd ROOT); each step's exit code and stderr land in `save`/<step>.rc and .err. */
  const sh = (script: string) => new Promise<number>((ok) => {
    const child = spawn("sh", ["-c", script], { cwd: ROOT, stdio: "ignore" });
    child.on("close", (code) => ok(code ?? -1));
  });
  const step = (save: string, name: string, args: string) => `${CLI} ${args} 2> ${save}/${name}.err; echo $? > ${save}/${name}.rc`;
  const result = (save: string, name: string) => ({ code: Number(readFileSync(join(save, `${name}.rc`), "utf8")), err: readFileSync(join(save, `${name}.err`), "utf8") });
  const unshared = spawnSync("unshare", ["-rm", "true"]).status === 0;

  it.skipIf(!unshared)("ENOSPC on a 1 MB tmpfs: exit 1, one line naming --out, the previous run intact, nothing half-written; full before the run or read-only: refused before simulating", async () => {
    const mnt = join(work, "tmpfs");
    const save = join(work, "tmpfs-save");
    mkdirSync(mnt);
    mkdirSync(save);
    const run = join(mnt, "run");
    const copy = (to: string) => `mkdir ${save}/${to} && cp -a ${mnt}/. ${save}/${to}/`;
    const script = [
      `mount -t tmpfs -o size=1m tmpfs ${mnt} || exit 90`,
      step(save, "small", `--paths 20 --out ${run}`), copy("after-small"), // about 230 KB: fits
      step(save, "big", `--paths 10000 --out ${run}`), copy("after-big"), // paths.csv alone is about 700 KB, with the old run in place: does not fit
      `dd if=/dev/zero of=${mnt}/filler bs=64k 2>/dev/null; ${step(save, "full", `--paths 20 --out ${join(mnt, "new")}`)}`, `rm ${mnt}/filler`, copy("after-full"),
      `mount -o remount,ro ${mnt} && ${step(save, "readonly", `--paths 20 --out ${run}`)}`, copy("after-readonly"),
    ].join("\n");
    writeFileSync(join(save, "script.sh"), script);
    expect(await sh(`exec unshare -rm sh ${join(save, "script.sh")}`)).toBe(0);

    expect(result(save, "small").code).toBe(0);
    const first = snapshot(join(save, "after-small"));
    expect(Object.keys(first).sort()).toEqual(["run/.perpsim-run", "run/paths.csv", "run/samples.csv", "run/summary.json"]);

    const big = result(save, "big");
    expect(big.code).toBe(1);
    expect(oneLine(big.err.replace(/^stress: .*\n/gm, ""))).toBe(`perpsim stress: cannot write ${run} (ENOSPC: no space left on device); nothing written, the folder is as it was`);
    expect(snapshot(join(save, "after-big"))).toEqual(first); // the user's previous run, byte for byte; no staging or lock left beside it

    const full = result(save, "full");
    expect(full.code).toBe(1);
    expect(oneLine(full.err)).toBe(`perpsim stress: --out ${join(mnt, "new")}: cannot write in ${mnt} (ENOSPC)`);
    expect(snapshot(join(save, "after-full"))).toEqual(first);

    const readonly = result(save, "readonly");
    expect(readonly.code).toBe(1);
    expect(oneLine(readonly.err)).toBe(`perpsim stress: --out ${run}: cannot write in ${mnt} (EROFS)`);
    expect(snapshot(join(save, "after-readonly"))).toEqual(first);
  }, 180_000);

  it("EFBIG under a file size limit: exit 1, one line naming --out, the previous run intact, nothing half-written", async () => {
    const dir = join(work, "limited");
    const save = join(work, "limited-save");
    mkdirSync(dir);
    mkdirSync(save);
    const run = join(dir, "run");
    // ulimit -f counts 512-byte blocks: 512 KB per file; the small run's largest file is about 200 KB
    const script = [`trap "" XFSZ`, `ulimit -f 1024`, step(save, "small", `--paths 20 --out ${run}`), `mkdir ${save}/after-small && cp -a ${dir}/. ${save}/after-small/`, step(save, "big", `--paths 10000 --out ${run}`)].join("\n");
    expect(await sh(script)).toBe(0);
    expect(result(save, "small").code).toBe(0);
    const big = result(save, "big");
    expect(big.code).toBe(1);
    expect(oneLine(big.err.replace(/^stress: .*\n/gm, ""))).toBe(`perpsim stress: cannot write ${run} (EFBIG: file too large); nothing written, the folder is as it was`);
    expect(snapshot(dir)).toEqual(snapshot(join(save, "after-small")));
    expect(Object.keys(snapshot(dir)).sort()).toEqual(["run/.perpsim-run", "run/paths.csv", "run/samples.csv", "run/summary.json"]);
  }, 180_000);
});

describe("no --out: a run that fails leaves no empty reports/ folder behind", () => {
  it.each([
    ["backtest", ["backtest", "--strategy", "hold", "--symbols", "BTCUSDT", "--from", "2020-03-05", "--to", "2020-03-03", "--data", join(ROOT, "data")]],
    ["calibrate", ["calibrate", "--symbols", "BTCUSDT", "--from", "2024-01-01", "--to", "2024-01-02", "--data", join(ROOT, "data")]],
  ])("%s in an empty folder: exit 1, the folder stays empty", async (_name, argv) => {
    const cwd = join(work, `empty-cwd-${_name}`);
    mkdirSync(cwd);
    const r = await spawnCli(argv, cwd).done;
    expect(r.code).toBe(1);
    oneLine(r.err);
    expect(ls(cwd)).toEqual([]);
  }, 60_000);
});
