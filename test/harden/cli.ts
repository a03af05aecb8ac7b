/** Running perpsim's CLI for the hardening tests: in-process (fast, for tables and the fuzz pass) or as a process (signals, races). */
import { spawn } from "node:child_process";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { vi } from "vitest";
import { main } from "../../src/cli/main.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
const TSX = import.meta.resolve("tsx");

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** `perpsim ...argv` in this process, with its console output captured. */
export async function cli(argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  const warn = vi.spyOn(console, "warn").mockImplementation((...a: unknown[]) => void err.push(a.join(" ")));
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
    warn.mockRestore();
  }
}

export interface Spawned {
  pid: number;
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** `perpsim ...argv` as its own process (tsx), for Ctrl-C and two runs at once. */
export function spawnCli(argv: string[], cwd = ROOT, nodeFlags: string[] = []): Spawned {
  // tsx by its file URL, so a working directory outside the project still finds it
  const child = spawn(process.execPath, [...nodeFlags, "--import", TSX, join(ROOT, "src/cli.ts"), ...argv], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((ok) => child.on("close", (code, signal) => ok({ code: code ?? -1, signal, out, err })));
  return { pid: child.pid!, done, kill: (s) => child.kill(s) };
}

/** Every file under a folder (relative paths, hidden ones too) with its bytes, to show a folder untouched. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(d, n);
      const info = lstatSync(p);
      if (info.isSymbolicLink()) files[`${rel}${n}`] = `-> ${readlinkSync(p)}`;
      else if (info.isDirectory()) walk(p, `${rel}${n}/`);
      else files[`${rel}${n}`] = readFileSync(p, "latin1");
    }
  };
  walk(dir, "");
  return files;
}

/** The names in a folder, sorted, hidden ones included ([] when it does not exist). */
export function ls(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** One line on stderr, no stack trace. */
export function oneLine(err: string): string {
  const lines = err.trim().split("\n").filter((l) => !/^warning:/.test(l));
  if (lines.length !== 1 || /^\s+at /m.test(err)) throw new Error(`expected one line on stderr, got:\n${err}`);
  return lines[0];
}
