import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { freePort, stop, type Child } from "./servers.ts";

const HAVE = existsSync("/usr/bin/redis-server") && existsSync("/usr/bin/openssl");

describe.skipIf(!HAVE)("rediss:// checks the server's certificate", () => {
  let dir: string;
  let port: number;
  let server: Child;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "perpsim-tls-"));
    const ssl = (...args: string[]) => execFileSync("/usr/bin/openssl", args, { cwd: dir, stdio: "ignore" });
    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.crt", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost");
    port = await freePort();
    const proc = spawn("/usr/bin/redis-server", ["--save", "", "--appendonly", "no", "--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1",
      "--tls-cert-file", join(dir, "server.crt"), "--tls-key-file", join(dir, "server.key"), "--tls-auth-clients", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
    server = { proc, out: () => out, err: () => "", exited };
    for (let i = 0; i < 200 && !/Ready to accept/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    await writeFile(join(dir, "book.json"), JSON.stringify({
      venue: "hyperliquid", initialBalance: 10000, portfolio: [{ symbol: "BTC", side: "long", leverage: 3, weight: 0.5 }],
      model: { type: "gbm", assets: { BTC: { price: 60000, vol: 0.6 } } }, funding: { type: "none" },
      horizonHours: 24, stepMinutes: 60, paths: 10, seed: 1, modes: ["cross", "isolated"],
    }));
  }, 30_000);
  afterAll(async () => {
    if (server) await stop(server);
    await rm(dir, { recursive: true, force: true });
  });

  it("a self-signed certificate the system does not trust is one line, exit 1, nothing written", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const out = join(dir, "out");
      const code = await main(["stress", "--config", join(dir, "book.json"), "--queue", `rediss://localhost:${port}`, "--out", out]);
      expect(code).toBe(1);
      expect(error.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringMatching(new RegExp(`^perpsim stress: cannot reach Redis at rediss://localhost:${port}: .*self-signed certificate`))]);
      expect(existsSync(out)).toBe(false);
    } finally {
      error.mockRestore();
    }
  }, 30_000);
});
