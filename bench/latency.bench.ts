/**
 * Everyday latency (issue 13, item 4), measured side by side with `node -e 0` in interleaved rounds:
 * `liq` through the compiled CLI in under 3× `node -e 0`, and a one-month backtest with its report in
 * under 10×. Each figure with its CPU time (every thread of the process), as the median and the best
 * of the rounds; the verdict is on the medians' wall-clock ratio, and the ratio of CPU times is printed
 * beside it, as the wall clock of a shared machine mostly measures the other tenants: the load average
 * is printed before and after. The tsx entry is shown once for comparison (what these commands cost
 * without the compiled build).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain JavaScript module without type declarations
import { build } from "../scripts/build.mjs";
import { median, timedNode, verdict, type Timing } from "./measure.ts";

const ROUNDS = 7;
const LIQ = ["liq", "--venue", "binance", "--side", "long", "--entry", "50000", "--size", "0.2", "--leverage", "10", "--balance", "10000"];
const backtest = (out: string) => [
  "backtest", "--strategy", "hold", "--params", '{"legs":[{"symbol":"BTCUSDT","side":"long","leverage":10,"weight":0.1}]}',
  "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-04-01", "--modes", "cross,isolated", "--out", out,
];

const show = (t: Timing) => `${t.wall.toFixed(3)} s wall, ${t.cpu.toFixed(3)} CPU-s`;
const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}, ${availableParallelism()} cores`;

type Runs = Record<"node" | "liq" | "backtest", Timing[]>;

export default async function (): Promise<void> {
  await build();
  const out = await mkdtemp(join(tmpdir(), "perpsim-bench-latency-"));
  try {
    console.log(`before: ${load()}`);
    await timedNode(["dist/cli.js", ...backtest(join(out, "warm"))]); // page cache, and the caches a first run writes (parsed data, compiled chart specs)
    const runs: Runs = { node: [], liq: [], backtest: [] };
    for (let r = 0; r < ROUNDS; r++) {
      runs.node.push(await timedNode(["-e", "0"]));
      runs.liq.push(await timedNode(["dist/cli.js", ...LIQ]));
      runs.backtest.push(await timedNode(["dist/cli.js", ...backtest(join(out, `r${r}`))]));
    }
    const med = (k: keyof Runs): Timing => ({ wall: median(runs[k].map((t) => t.wall)), cpu: median(runs[k].map((t) => t.cpu)) });
    const best = (k: keyof Runs): Timing => ({ wall: Math.min(...runs[k].map((t) => t.wall)), cpu: Math.min(...runs[k].map((t) => t.cpu)) });
    const tsxLiq = await timedNode(["--import", "tsx", "src/cli.ts", ...LIQ]);
    const tsxBt = await timedNode(["--import", "tsx", "src/cli.ts", ...backtest(join(out, "tsx"))]);
    const [node, liq, bt] = [med("node"), med("liq"), med("backtest")];
    const ratio = (t: Timing, base: Timing) => `×${(t.wall / base.wall).toFixed(1)} node -e 0 (CPU ×${(t.cpu / base.cpu).toFixed(1)})`;
    const line = (name: string, k: keyof Runs) => `${name.padEnd(38)} median ${show(med(k))}; best ${show(best(k))}`;
    console.log(line(`node -e 0 (${ROUNDS} rounds)`, "node"));
    console.log(`${line("liq, compiled", "liq")}   (tsx: ${show(tsxLiq)})`);
    console.log(`${line("backtest 1 month + report, compiled", "backtest")}   (tsx: ${show(tsxBt)})`);
    console.log(`best of the rounds: liq ${ratio(best("liq"), best("node"))}, backtest ${ratio(best("backtest"), best("node"))}`);
    console.log(verdict("liq", `median ${ratio(liq, node)}`, "< ×3", liq.wall < 3 * node.wall));
    console.log(verdict("one-month backtest with report", `median ${ratio(bt, node)}`, "< ×10", bt.wall < 10 * node.wall));
    console.log(`after: ${load()}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
