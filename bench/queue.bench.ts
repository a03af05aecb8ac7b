/**
 * The queue's overhead: the standard stress workload's config (bench/ssw.json, 3,000 paths) simulated
 * by a local pool of 2 threads, then through Redis + BullMQ on loopback by one `perpsim worker` of 2
 * threads (in this process, as the coordinator is): the same cores, so the difference is the queue's
 * (run specs, job traffic, binary results, gathering). Both warmed up by a whole run each, then timed in
 * pairs (local, then queued, back to back) eleven times. Target: queue time < 1.10 × local time, judged on
 * the median of the eleven pairs' ratios: a shared machine's load moves from minute to minute, and a pair
 * run within ~1.5 s shares the minute's load, where the two medians of eleven runs each (the ratio of medians,
 * printed beside it) are taken from different minutes (measured: ×0.97–1.16 for the same code). Needs /usr/bin/redis-server.
 * Measured in a process of its own under the V8 flags the CLI gives `perpsim stress` and `perpsim worker`
 * (cli/v8Flags.ts): both pools' threads tier up as those commands' threads do.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { parseStressConfig } from "../src/stress/config.ts";
import { simulateAll } from "../src/stress/pool.ts";
import { StressPool, type StressConfig } from "../src/stress/index.ts";
import { parseRedisUrl, runOnQueue, startWorker } from "../src/queue/index.ts";
import { COMMAND_V8_FLAGS, KERNEL_V8_FLAGS } from "../src/cli/index.ts";
import { fileURLToPath } from "node:url";

const THREADS = 2;
const PATHS = 3000;
/**
 * Timed rounds of each, alternated. Single runs here move by ±15 % and a pair's ratio between ×0.77 and
 * ×1.19 (measured): with five rounds the medians' ratio still moved by ±5 % from one bench to the next
 * around a 10 % target, so eleven (a round of both is ~1.5 s; the warm-ups and the start cost the rest).
 */
const ROUNDS = 11;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** CPU seconds (user + system) of a process so far, from /proc (the redis-server's share of the work). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz on Linux)
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** The bench in a child process under the kernel commands' V8 flags, its lines passed through. */
export default async function (): Promise<void> {
  const child = spawn(process.execPath, [...COMMAND_V8_FLAGS, ...KERNEL_V8_FLAGS, "--import", "tsx", fileURLToPath(import.meta.url), CHILD], { stdio: "inherit" });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the queue bench's process exited with ${code}`);
}

const CHILD = "--queue-bench-child";
if (process.argv.includes(CHILD)) await measure();

async function measure(): Promise<void> {
  const { config: ssw } = parseStressConfig(JSON.parse(readFileSync(new URL("./ssw.json", import.meta.url), "utf8")), "bench/ssw.json");
  const config: StressConfig = { ...ssw, paths: PATHS };
  const assetSteps = PATHS * config.steps * config.model.assets.length;
  const port = await freePort();
  const redis = spawn("/usr/bin/redis-server", ["--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise<void>((resolve) => redis.stdout!.on("data", (d: Buffer) => d.toString().includes("Ready to accept") && resolve()));
  const target = parseRedisUrl(`redis://127.0.0.1:${port}`);
  const version = "bench";
  const pool = new StressPool(THREADS);
  const worker = await startWorker({ target, version, threads: THREADS, concurrency: 2, stallMs: 30_000, log: (l) => console.error(l) });
  try {
    const local = async () => simulateAll(config, { pool });
    const queued = async () => {
      let out: Float64Array | null = null;
      await runOnQueue([config], { target, version, onRun: (_, r) => void (out = r) });
      return out!;
    };
    // warm up: threads started, and every function the runs use optimised in both pools (after a 50-path
    // warm-up the first timed round of each still ran ~40 % slower: the engine's liquidation code tiers up later)
    await local();
    await queued();

    const timed = async (f: () => Promise<Float64Array>) => {
      const c0 = process.cpuUsage();
      const r0 = cpuOf(redis.pid!);
      const t0 = performance.now();
      const out = await f();
      return { seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0), redisCpu: cpuOf(redis.pid!) - r0, out };
    };
    const runs = { local: [] as Awaited<ReturnType<typeof timed>>[], queue: [] as Awaited<ReturnType<typeof timed>>[] };
    for (let i = 0; i < ROUNDS; i++) {
      runs.local.push(await timed(local));
      runs.queue.push(await timed(queued));
    }
    const best = (xs: typeof runs.local) => [...xs].sort((a, b) => a.seconds - b.seconds)[ROUNDS >> 1]; // the median
    const l = best(runs.local);
    const q = best(runs.queue);
    const same = Buffer.from(l.out.buffer).equals(Buffer.from(q.out.buffer));
    const m = (s: number) => `${(assetSteps / s / 1e6).toFixed(1)} M asset-steps/s`;
    const ratioOfMedians = q.seconds / l.seconds;
    const pairRatios = runs.queue.map((r, i) => r.seconds / runs.local[i].seconds).sort((a, b) => a - b);
    const ratio = pairRatios[ROUNDS >> 1];
    console.log(`local pool, ${THREADS} threads (baseline): ${l.seconds.toFixed(2)} s, ${m(l.seconds)}, CPU ${l.cpu.toFixed(2)} s`);
    console.log(`queue on loopback, 1 worker × ${THREADS} threads: ${q.seconds.toFixed(2)} s, ${m(q.seconds)}, CPU ${q.cpu.toFixed(2)} s (coordinator + worker) + redis-server ${q.redisCpu.toFixed(2)} s; results ${same ? "byte-identical" : "DIFFER"}`);
    console.log(`ratio queue / local CPU time: ${(q.cpu / l.cpu).toFixed(3)}x; wall times local ${runs.local.map((r) => r.seconds.toFixed(2)).join(", ")} s, queue ${runs.queue.map((r) => r.seconds.toFixed(2)).join(", ")} s`);
    console.log(`ratio queue / local time, pair by pair: ${pairRatios.map((r) => r.toFixed(2)).join(", ")}; their median ${ratio.toFixed(3)}x (overhead ${(100 * (ratio - 1)).toFixed(1)} %); ratio of the medians ${ratioOfMedians.toFixed(3)}x`);
    console.log(`TARGET queue overhead: ×${ratio.toFixed(2)} (median of ${ROUNDS} pairs' ratios; medians ${q.seconds.toFixed(2)} s wall against ${l.seconds.toFixed(2)} s local, CPU ${q.cpu.toFixed(2)} s against ${l.cpu.toFixed(2)} s); target < 10 % with byte-identical results: ${ratio < 1.1 && same ? "met" : "not met"}`);
  } finally {
    await worker.close();
    await pool.destroy();
    redis.kill();
  }
}
