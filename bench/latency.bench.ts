/**
 * Everyday latency (issue 13, item 4), measured side by side with `node -e 0` in interleaved rounds
 * (medians): `liq` through the compiled CLI in under 3× `node -e 0`, and a one-month backtest with its
 * report in under 10×. Each figure with its CPU time; the ratio of CPU times is printed too, as the
 * wall clock of a shared machine mostly measures the other tenants. The tsx entry is shown once for
 * comparison (what these commands cost before the compiled build).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error plain JavaScript module without type declarations
import { build } from "../scripts/build.mjs";
import { median, timedNode, verdict, type Timing } from "./measure.ts";

const ROUNDS = 5;
const LIQ = ["liq", "--venue", "binance", "--side", "long", "--entry", "50000", "--size", "0.2", "--leverage", "10", "--balance", "10000"];
const backtest = (out: string) => [
  "backtest", "--strategy", "hold", "--params", '{"legs":[{"symbol":"BTCUSDT","side":"long","leverage":10,"weight":0.1}]}',
  "--symbols", "BTCUSDT", "--from", "2020-03-01", "--to", "2020-04-01", "--modes", "cross,isolated", "--out", out,
];

const show = (t: Timing) => `${t.wall.toFixed(3)} s wall, ${t.cpu.toFixed(3)} CPU-s`;

export default async function (): Promise<void> {
  await build();
  const out = await mkdtemp(join(tmpdir(), "perpsim-bench-latency-"));
  try {
    await timedNode(["dist/cli.js", ...backtest(join(out, "warm"))]); // page cache, and any cache a first run writes
    const runs: Record<"node" | "liq" | "backtest", Timing[]> = { node: [], liq: [], backtest: [] };
    for (let r = 0; r < ROUNDS; r++) {
      runs.node.push(await timedNode(["-e", "0"]));
      runs.liq.push(await timedNode(["dist/cli.js", ...LIQ]));
      runs.backtest.push(await timedNode(["dist/cli.js", ...backtest(join(out, `r${r}`))]));
    }
    const med = (k: keyof typeof runs): Timing => ({ wall: median(runs[k].map((t) => t.wall)), cpu: median(runs[k].map((t) => t.cpu)) });
    const [node, liq, bt] = [med("node"), med("liq"), med("backtest")];
    const tsxLiq = await timedNode(["--import", "tsx", "src/cli.ts", ...LIQ]);
    const tsxBt = await timedNode(["--import", "tsx", "src/cli.ts", ...backtest(join(out, "tsx"))]);
    console.log(`node -e 0 (median of ${ROUNDS}):               ${show(node)}`);
    console.log(`liq, compiled (median):                  ${show(liq)}   (tsx: ${show(tsxLiq)})`);
    console.log(`backtest 1 month + report, compiled:     ${show(bt)}   (tsx: ${show(tsxBt)})`);
    const ratio = (t: Timing) => `×${(t.wall / node.wall).toFixed(1)} node -e 0 (CPU ×${(t.cpu / node.cpu).toFixed(1)})`;
    console.log(verdict("liq", ratio(liq), "< ×3", liq.wall < 3 * node.wall));
    console.log(verdict("one-month backtest with report", ratio(bt), "< ×10", bt.wall < 10 * node.wall));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
