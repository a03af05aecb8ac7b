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

/**
 * The variable of this machine's environment that every Node process pays for before any of our code runs,
 * or null: Node 20 reads the file NODE_EXTRA_CA_CERTS names at start-up, on the main thread, parsing its
 * certificates whether or not the process ever opens a TLS connection. This sandbox points it at the system
 * bundle: ~70 ms of CPU a process here (`node -e 0` 0.11 s with it, 0.04 s without); few users' machines set
 * it. The benches' verdicts are taken on the machine as it is; stress.bench.ts prints the cost beside them.
 */
export function startUpTax(): string | null {
  return process.env.NODE_EXTRA_CA_CERTS ? "NODE_EXTRA_CA_CERTS" : null;
}

/**
 * Run `node ...args` from the project root to its exit: wall time from spawn to exit, the child's own CPU
 * time, its stdout. `without`: variables of this process's environment the child does not get.
 */
export async function timedNode(args: string[], without: readonly string[] = []): Promise<Timing & { stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), "perpsim-bench-"));
  const cpuFile = join(dir, "cpu.json");
  try {
    const t0 = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", PRELOAD, ...args], { cwd: ROOT, env: childEnv({ PERPSIM_BENCH_CPU: cpuFile }, without) });
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

/** This process's environment with `extra` set and `without` removed. */
function childEnv(extra: Record<string, string>, without: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of without) delete env[name];
  return env;
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
