/**
 * Two builds of the stress kernel timed against each other where this machine's noise cannot tell them apart
 * otherwise: in one process, alternating. `npx tsx bench/kernelAB.ts <other checkout> [turns] [paths a turn]`
 * imports `FusedPathSimulator` from the other checkout's sources (a `git worktree add /tmp/before <commit>` with
 * this checkout's node_modules linked into it) and from this one, runs the SSW's paths on each in turns (the order
 * swapped every turn), and prints both medians in ns a path-step, how many turns the working tree won, and whether
 * the two gave the same results to the bit. `--fill` times the market drawn ahead on the lanes alone
 * (`marketAhead`'s fill of two paths) the same way.
 *
 * Why: a fresh process's kernel moves by ±20 % from one minute to the next here, and a CLI run by ±15 %, more than
 * most changes to the kernel; two simulators alternated every ~50 ms see the same minute. The first turns (V8's
 * compiles) are left out of the medians. Under the stress threads' V8 flags (src/cli/v8Flags.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { COMMAND_V8_FLAGS, KERNEL_V8_FLAGS, setV8Flags } from "../src/cli/index.ts";

setV8Flags([...COMMAND_V8_FLAGS, ...KERNEL_V8_FLAGS]);

const args = process.argv.slice(2);
const fill = args.includes("--fill");
const [other, turnsArg, perArg] = args.filter((a) => a !== "--fill");
if (!other) throw new Error("usage: npx tsx bench/kernelAB.ts <other checkout> [turns] [paths a turn] [--fill]");
const turns = Number(turnsArg ?? 60), per = Number(perArg ?? 100), warm = Math.min(20, turns >> 1);

type Kernel = typeof import("../src/stress/fusedKernel.ts");
const before = (await import(resolve(other, "src/stress/fusedKernel.ts"))) as Kernel;
const after = await import("../src/stress/fusedKernel.ts");
const { parseStressConfig } = await import("../src/stress/config.ts");
const { PATH_FIELDS } = await import("../src/stress/pathResult.ts");

const paths = 2000;
const { config } = parseStressConfig(JSON.parse(readFileSync(new URL("./ssw.json", import.meta.url), "utf8")), "bench/ssw.json", { paths });
const width = config.modes.length * PATH_FIELDS;

interface Side {
  sim: InstanceType<Kernel["FusedPathSimulator"]>;
  out: Float64Array;
  next: number;
  ns: number[];
}
const side = (k: Kernel): Side => ({ sim: new k.FusedPathSimulator(config, {}), out: new Float64Array(paths * width), next: 0, ns: [] });
const sides = [side(before), side(after)];

/** One turn: `per` paths (or `per` fills of two paths), ns a path-step. */
function turn(s: Side): number {
  const t0 = performance.now();
  if (fill) {
    // the lanes reached past `private`: a bench of a part, not an API
    const sim = s.sim as unknown as { ahead: { fill(a: unknown, b: unknown, x: ArrayLike<number>, steps: number): void }; marketRng: unknown; pairRng: unknown; startX: Float64Array };
    for (let k = 0; k < per; k++) sim.ahead.fill(sim.marketRng, sim.pairRng, sim.startX, config.steps);
    return ((performance.now() - t0) * 1e6) / (per * 2 * config.steps);
  }
  for (let k = 0; k < per; k++) {
    const p = s.next++ % paths;
    s.sim.run(p, s.out, p * width);
  }
  return ((performance.now() - t0) * 1e6) / (per * config.steps);
}

for (let t = 0; t < turns; t++) {
  const order = t % 2 === 0 ? sides : [sides[1], sides[0]];
  for (const s of order) s.ns.push(turn(s));
}
const median = (x: number[]) => [...x.slice(warm)].sort((a, b) => a - b)[(x.length - warm) >> 1];
const wins = sides[1].ns.slice(warm).filter((ns, i) => ns < sides[0].ns[warm + i]).length;
const same = fill || sides[0].out.every((v, i) => Object.is(v, sides[1].out[i]));
console.log(
  `${fill ? "the lanes' fill" : "the kernel, both modes"}, SSW paths, ${turns - warm} turns of ${per} ${fill ? "fills" : "paths"} after ${warm}: ` +
    `${other} ${median(sides[0].ns).toFixed(1)} ns a path-step, this tree ${median(sides[1].ns).toFixed(1)} ` +
    `(×${(median(sides[0].ns) / median(sides[1].ns)).toFixed(3)}); this tree faster in ${wins} of ${turns - warm} turns` +
    (fill ? "" : `; results ${same ? "the same to the bit" : "DIFFERENT"}`),
);
if (!same) process.exitCode = 1;
