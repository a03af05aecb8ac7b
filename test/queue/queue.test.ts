import { existsSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliLines as cli } from "../cli/inProcess.ts";
import { loadStressConfig, RunCancelled, type StressConfig } from "../../src/stress/index.ts";
import { simulateAll } from "../../src/stress/pool.ts";
import { parseRedisUrl, QUEUE_NAME, QUEUE_PREFIX, runOnQueue, specKey } from "../../src/queue/index.ts";
import { startRedis, startWorker, stop, type Child } from "./servers.ts";
import { standardBook } from "../montecarlo/fixtures/standardBook.ts";
import { snapshot } from "../harden/cli.ts";


const BOOK = standardBook({ horizonHours: 120, paths: 120, seed: 7 });

const HAVE_REDIS = existsSync("/usr/bin/redis-server");
if (!HAVE_REDIS) console.warn("queue tests skipped: /usr/bin/redis-server is not installed (apt-get install -y redis-server; CI installs it)");

let dir: string;
let configFile: string;
let redis: Awaited<ReturnType<typeof startRedis>>;
const workers: Child[] = [];
const version = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")).version as string;
const withoutExecution = (text: string) => {
  const s = JSON.parse(text);
  delete s.execution;
  return s;
};

async function config(paths: number): Promise<StressConfig> {
  return (await loadStressConfig({ ...BOOK, paths }, "book.json")).config;
}

beforeAll(async () => {
  if (!HAVE_REDIS) return;
  dir = await mkdtemp(join(tmpdir(), "perpsim-queue-"));
  configFile = join(dir, "book.json");
  await writeFile(configFile, JSON.stringify(BOOK));
  redis = await startRedis();
  // three workers: the first alone runs the start of the first test, the other two wait stopped until it is killed
  workers.push(...(await Promise.all([startWorker(redis.url), startWorker(redis.url), startWorker(redis.url)])));
  for (const w of workers.slice(1)) w.proc.kill("SIGSTOP");
}, 60_000);

afterAll(async () => {
  for (const w of workers) await stop(w, "SIGKILL");
  if (redis) await stop(redis.server);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_REDIS)("stress on a Redis queue with perpsim worker processes", () => {
  it("a worker killed mid-run costs only its chunks: the stall check gives them to the other workers, and the results are the local run's bytes", async () => {
    const c = await config(120);
    const local = await simulateAll(c, { workers: 1 });
    const [first, ...spare] = workers;
    let killed: Promise<unknown> | null = null;
    let collected: Float64Array | null = null;
    const run = runOnQueue([c], {
      target: parseRedisUrl(redis.url), version, chunkPaths: 4,
      onProgress: ({ done }) => {
        // the only worker, taking two chunks at a time with 28 more waiting: it holds a chunk when killed
        if (done > 0 && !killed) killed = stop(first, "SIGKILL").then(() => spare.forEach((w) => w.proc.kill("SIGCONT")));
      },
      onRun: (_, results) => void (collected = results),
    });
    const { workers: seen } = await run;
    await killed;
    workers.shift();
    expect(Buffer.from(collected!.buffer).equals(Buffer.from(local.buffer))).toBe(true);
    expect(seen.filter((w) => w.endsWith(`:${first.proc.pid}`))).toHaveLength(1); // it returned chunks before it was killed
    expect(seen.length).toBeGreaterThanOrEqual(2); // the killed worker's chunk in hand and the rest ran on the others
  }, 60_000);

  it("perpsim stress --queue with two workers writes the local run's paths.csv and samples.csv byte for byte, and its summary.json plus an execution field", async () => {
    const q = await cli(["stress", "--config", configFile, "--queue", redis.url, "--chunk-paths", "4", "--out", join(dir, "queued"), "--no-report"]); // 30 chunks, so both workers take some
    expect(q.err).toEqual([]);
    expect(q.code).toBe(0);
    expect(q.out.join("\n")).toMatch(/2 workers seen/);
    expect((await cli(["stress", "--config", configFile, "--workers", "1", "--out", join(dir, "local"), "--no-report"])).code).toBe(0);
    for (const f of ["paths.csv", "samples.csv"]) expect(await readFile(join(dir, "queued", f), "utf8")).toBe(await readFile(join(dir, "local", f), "utf8"));
    const queued = JSON.parse(await readFile(join(dir, "queued", "summary.json"), "utf8"));
    expect(queued.execution).toEqual({ backend: "queue", workersSeen: 2 });
    expect(withoutExecution(await readFile(join(dir, "queued", "summary.json"), "utf8"))).toEqual(JSON.parse(await readFile(join(dir, "local", "summary.json"), "utf8")));
  }, 60_000);

  it("a sweep over the queue equals the local sweep", async () => {
    const sweep = ["--sweep", "leverage=3,8", "--paths", "40"];
    expect((await cli(["stress", "--config", configFile, ...sweep, "--queue", redis.url, "--out", join(dir, "sq"), "--no-report"])).code).toBe(0);
    expect((await cli(["stress", "--config", configFile, ...sweep, "--workers", "1", "--out", join(dir, "sl"), "--no-report"])).code).toBe(0);
    for (const f of ["sweep.csv", "paths.csv"]) expect(await readFile(join(dir, "sq", f), "utf8")).toBe(await readFile(join(dir, "sl", f), "utf8"));
    expect(withoutExecution(await readFile(join(dir, "sq", "summary.json"), "utf8"))).toEqual(JSON.parse(await readFile(join(dir, "sl", "summary.json"), "utf8")));
    // the cells differ (else the sweep would compare nothing): at 8x more paths are liquidated than at 3x
    const rows = (await readFile(join(dir, "sq", "sweep.csv"), "utf8")).trim().split("\n").slice(1).map((l) => l.split(","));
    const iso = (lev: string) => Number(rows.find((r) => r[0] === lev && r[1] === "isolated")![2]);
    expect(iso("8")).toBeGreaterThan(iso("3"));
  }, 60_000);

  it("--out over the queue is a run folder as a local run's: the user's folder is refused untouched, a run folder is replaced whole with its marker, --force writes beside their files", async () => {
    const mine = join(dir, "mine");
    await mkdir(mine);
    await writeFile(join(mine, "summary.json"), "my own summary\n");
    await writeFile(join(mine, "notes.txt"), "keep me\n");
    const before = snapshot(mine);
    const refused = await cli(["stress", "--config", configFile, "--paths", "40", "--queue", redis.url, "--out", mine, "--no-report"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([`perpsim stress: --out ${mine}: the folder is not empty and is not a perpsim run folder (no .perpsim-run); choose an empty or new folder, or pass --force to write into it`]);
    expect(snapshot(mine)).toEqual(before);

    // "sq" holds the sweep run above: a plain run replaces it whole (its sweep.csv goes), marker written last
    const r = await cli(["stress", "--config", configFile, "--paths", "40", "--queue", redis.url, "--out", join(dir, "sq"), "--no-report"]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, "sq")).sort()).toEqual([".perpsim-run", "paths.csv", "samples.csv", "summary.json"]);
    expect((await readFile(join(dir, "sq", "paths.csv"), "utf8")).trim().split("\n")).toHaveLength(1 + 40 * 2);
    expect(readdirSync(dir).filter((n) => n.startsWith(".sq."))).toEqual([]); // no lock or staging folder left beside it

    const forced = await cli(["stress", "--config", configFile, "--paths", "40", "--queue", redis.url, "--out", mine, "--no-report", "--force"]);
    expect(forced.code).toBe(0);
    expect(await readFile(join(mine, "notes.txt"), "utf8")).toBe("keep me\n");
    expect(JSON.parse(await readFile(join(mine, "summary.json"), "utf8")).paths).toBe(40);
  }, 60_000);

  it("a worker refuses a job of another perpsim version, and the run fails with its message", async () => {
    const c = await config(12);
    const run = runOnQueue([c], { target: parseRedisUrl(redis.url), version: "0.0.0-other", onRun: () => {} });
    await expect(run).rejects.toThrow(new RegExp(`refused chunk .*perpsim 0\\.0\\.0-other .*this worker is perpsim ${version.replace(/\./g, "\\.")}`));
    expect(workers.some((w) => /refused chunk/.test(w.err()))).toBe(true);
  }, 30_000);

  it("a chunk failing on the user's input fails the run with that one line (an UnrecoverableError: no retry)", async () => {
    // the CLI checks path 0 before it enqueues; here the coordinator is called directly, so the workers meet the error
    const { config: c } = await loadStressConfig({ ...BOOK, portfolio: undefined, strategy: { name: "hold", params: { levrage: 5 } }, paths: 8 }, "book.json");
    const run = runOnQueue([c], { target: parseRedisUrl(redis.url), version, chunkPaths: 4, onRun: () => {} });
    await expect(run).rejects.toThrow(/^--params: unknown key 'levrage' for strategy 'hold' \(known: legs\)$/);
  }, 30_000);

  it("Ctrl-C on the coordinator removes its jobs and its run spec from Redis", async () => {
    const client = new Redis(redis.port, "127.0.0.1");
    try {
      for (const w of workers) w.proc.kill("SIGSTOP"); // no worker takes the jobs while we look
      const abort = new AbortController();
      let specs: string[] = [];
      const run = runOnQueue([await config(120)], {
        target: parseRedisUrl(redis.url), version, chunkPaths: 10, signal: abort.signal, onRun: () => {},
        onProgress: () => setTimeout(async () => {
          specs = await client.keys(specKey("*"));
          abort.abort();
        }, 300),
      });
      await expect(run).rejects.toBeInstanceOf(RunCancelled);
      expect(specs.length).toBe(1); // there was a run to remove
      expect(await client.keys(specKey("*"))).toEqual([]);
      expect(await client.llen(`${QUEUE_PREFIX}:${QUEUE_NAME}:wait`)).toBe(0);
    } finally {
      for (const w of workers) w.proc.kill("SIGCONT");
      client.disconnect();
    }
  }, 30_000);

  it("SIGTERM stops a worker cleanly (exit 0)", async () => {
    const w = workers.pop()!;
    expect(await stop(w)).toBe(0);
    expect(w.out()).toMatch(/stopped after \d+ chunks?/);
  }, 30_000);
});

describe.skipIf(!HAVE_REDIS)("stress --queue: what cannot run is one line, exit 1, nothing written", () => {
  it("a bad URL", async () => {
    const out = join(dir, "bad-url");
    const r = await cli(["stress", "--config", configFile, "--queue", "http://127.0.0.1:6379", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/--queue "http:\/\/127\.0\.0\.1:6379": scheme 'http' is not redis or rediss/);
    expect(existsSync(out)).toBe(false);
  });

  it("an unreachable Redis", async () => {
    const out = join(dir, "unreachable");
    const { freePort } = await import("./servers.ts");
    const port = await freePort();
    const r = await cli(["stress", "--config", configFile, "--queue", `redis://127.0.0.1:${port}`, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(existsSync(out)).toBe(false);
  });

  it("Redis going away mid-run", async () => {
    const own = await startRedis(); // no worker: the jobs wait until the server is killed
    const out = join(dir, "lost");
    const run = cli(["stress", "--config", configFile, "--queue", own.url, "--out", out]);
    await new Promise((r) => setTimeout(r, 1500));
    own.server.proc.kill("SIGKILL");
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+ mid-run .*nothing written/);
    expect(existsSync(out)).toBe(false);
  }, 30_000);

  it("a strategy file is refused over the queue", async () => {
    const file = join(dir, "strategy.json");
    await writeFile(file, JSON.stringify({ ...BOOK, portfolio: undefined, strategy: { file: "test/strategy/fixtures/bar-hours-probe.ts" } }));
    const r = await cli(["stress", "--config", file, "--queue", redis.url, "--out", join(dir, "strategy")]);
    expect(r.err.at(-1)).toMatch(/a strategy file does not run over the queue/);
    expect(r.code).toBe(1);
  });
});
