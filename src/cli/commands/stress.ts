import { readFile } from "node:fs/promises";
import { InputError } from "../../market/errors.ts";
import { readStressConfig, RunCancelled, runStress } from "../../montecarlo/index.ts";
import { defaultRunDir, writeOutputs, writeReport } from "../../report/index.ts";
import { numberFlag, parseFlags, requireFlag } from "../args.ts";

const HELP = `usage: perpsim stress --config FILE [--paths N] [--seed S] [--workers W] [--out DIR] [--no-report]

Runs the config's portfolio on Monte Carlo paths under every margin mode on the same shocks and
writes summary.json, paths.csv, samples.csv and report.html to --out (default reports/stress-<time>/).
Examples: examples/stress/*.json, bench/ssw.json.`;

const OPTIONS = {
  config: { type: "string" }, paths: { type: "string" }, seed: { type: "string" }, workers: { type: "string" },
  out: { type: "string" }, "no-report": { type: "boolean" }, help: { type: "boolean", short: "h" },
} as const;

function wholeFlag(name: string, value: string | undefined, min: number): number | undefined {
  const n = numberFlag(name, value);
  if (n !== undefined && !(Number.isSafeInteger(n) && n >= min)) throw new InputError(`--${name}: must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

/** A one-line progress bar on a terminal; nothing when stderr is not a TTY. */
function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} paths`);
    if (done === total) process.stderr.write("\n");
  };
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

export async function run(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, OPTIONS);
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const file = requireFlag("config", v.config);
  const { config, warnings } = await readStressConfig(file, { paths: wholeFlag("paths", v.paths, 1), seed: wholeFlag("seed", v.seed, 0) });
  for (const w of warnings) console.error(`warning: ${w}`);
  const workers = wholeFlag("workers", v.workers, 1);

  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  const started = performance.now();
  try {
    const result = await runStress(config, { workers, onProgress: progressBar(), signal: abort.signal, version: await packageVersion() });
    const dir = v.out ?? defaultRunDir("stress");
    await writeOutputs(dir, result.files);
    if (!v["no-report"]) await writeReport(dir);
    for (const r of result.summary.runs) {
      const [lo, hi] = r.ci95;
      console.log(`${r.mode.padEnd(8)} liquidated ${(100 * r.liquidationProbability).toFixed(2)} % [${(100 * lo).toFixed(2)}, ${(100 * hi).toFixed(2)}], wipeout ${(100 * r.wipeoutProbability).toFixed(2)} %, terminal equity mean ${r.terminalEquity.mean}, VaR95 ${r.terminalEquity.var95}, ES97.5 ${r.terminalEquity.es975}, funding paid ${r.fundingPaid.mean}`);
    }
    const p = result.summary.paired;
    console.log(`paired: both ${p.both}, only cross ${p.onlyCross}, only isolated ${p.onlyIsolated}, neither ${p.neither}`);
    const steps = config.paths * config.steps * config.model.assets.length;
    const total = (performance.now() - started) / 1000;
    console.log(`${config.paths} paths × ${config.steps} steps × ${config.model.assets.length} assets: simulated in ${result.timings.simulate.toFixed(2)} s (${(steps / result.timings.simulate / 1e6).toFixed(1)} M asset-steps/s), ${total.toFixed(2)} s in all`);
    console.log(`wrote ${dir}`);
    return 0;
  } catch (err) {
    if (err instanceof RunCancelled) {
      console.error("perpsim stress: interrupted; nothing written");
      return 130;
    }
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
