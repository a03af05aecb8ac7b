import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A free loopback port (the kernel's pick; closed again before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function track(proc: ChildProcess): Child {
  let out = "";
  let err = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return { proc, out: () => out, err: () => err, exited };
}

async function waitFor(child: Child, pattern: RegExp, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pattern.test(child.out() + child.err())) {
    if (child.proc.exitCode !== null || Date.now() > until) throw new Error(`${what} did not start: ${child.out()} ${child.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Debian's redis-server on a free loopback port, persistence off. */
export async function startRedis(): Promise<{ url: string; port: number; server: Child }> {
  const port = await freePort();
  const server = track(spawn("/usr/bin/redis-server", ["--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1"], { stdio: ["ignore", "pipe", "pipe"] }));
  await waitFor(server, /Ready to accept connections/, "redis-server");
  return { url: `redis://127.0.0.1:${port}`, port, server };
}

/** `perpsim worker` as a child process running the CLI through tsx, once it has joined the queue. */
export async function startWorker(url: string, extra: string[] = []): Promise<Child> {
  const child = track(spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "worker", "--queue", url, "--workers", "1", "--stall-seconds", "2", ...extra], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }));
  await waitFor(child, /joined/, "perpsim worker");
  return child;
}

export async function stop(child: Child, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
  return child.exited;
}
