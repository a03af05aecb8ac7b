/**
 * What every bench reports: wall-clock time with the CPU time next to it (on a shared machine the wall
 * clock lies, CPU seconds much less), and a met / not met verdict per target of issue 13.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PRELOAD = fileURLToPath(new URL("./cpuAtExit.mjs", import.meta.url));

export interface Timing {
  /** seconds on the wall clock */
  wall: number;
  /** CPU seconds (user + system) of every thread of the process */
  cpu: number;
}

/** CPU seconds of this process so far (all its threads). */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Time `fn` in this process: wall and CPU (pool workers' CPU included: they are threads of this process). */
export async function timed<T>(fn: () => T | Promise<T>): Promise<Timing & { value: T }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const value = await fn();
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0, value };
}

/** Run `node ...args` from the project root to its exit: wall time from spawn to exit, the child's own CPU time, its stdout. */
export async function timedNode(args: string[]): Promise<Timing & { stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), "perpsim-bench-"));
  const cpuFile = join(dir, "cpu.json");
  try {
    const t0 = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", PRELOAD, ...args], { cwd: ROOT, env: { ...process.env, PERPSIM_BENCH_CPU: cpuFile } });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`node ${args.join(" ")} exited ${code}: ${stderr.trim().split("\n").slice(-3).join(" / ")}`);
    const cpu = JSON.parse(await readFile(cpuFile, "utf8")) as { user: number; system: number };
    return { wall, cpu: cpu.user + cpu.system, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const secs = (t: Timing) => `${t.wall.toFixed(2)} s wall, ${t.cpu.toFixed(2)} CPU-s`;
export const mega = (x: number) => `${(x / 1e6).toFixed(1)} M`;

/** One target's line: the figure, the target, and met / not met. */
export function verdict(name: string, figure: string, target: string, met: boolean): string {
  return `TARGET ${name}: ${figure}; target ${target}: ${met ? "met" : "not met"}`;
}
