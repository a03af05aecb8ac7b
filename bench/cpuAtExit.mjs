// Preloaded (`node --import ./bench/cpuAtExit.mjs ...`) into a command the bench times: at exit, the
// main thread writes the whole process's CPU time (every thread's, pool workers included: getrusage
// RUSAGE_SELF) to the file named by PERPSIM_BENCH_CPU. Worker threads inherit the preload and do nothing.
import { writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

const file = process.env.PERPSIM_BENCH_CPU;
if (isMainThread && file) {
  process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ user: user / 1e6, system: system / 1e6 }));
  });
}
