import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../../market/index.ts";
import { decodeShard, mergedOutputs, mergeShards, SHARD_FILE_PATTERN, StressPool, type NamedShard } from "../../stress/index.ts";
import { Interrupted } from "../isolate.ts";
import { RunFolder } from "../../report/index.ts";
import { commitRun } from "../commitRun.ts";
import { parseFlags } from "../args.ts";
import { readStrategySource } from "../stressConfigFile.ts";
import { loadHistory, packageVersion } from "./stress.ts";

const HELP = `usage: perpsim merge DIR|FILE... [--out DIR] [--force] [--no-report]

Merges the shard files written by perpsim stress --shard i/n (every shard-<i>-of-<n>.bin in each
folder, or the files named) into the outputs of one whole run: summary.json, paths.csv, samples.csv
and report.html, byte-identical to running every path at once. The shards must be all n of one run
(same config fingerprint), each once; the config is rebuilt from the text the shards carry, so a
strategy file or bootstrap data it names must be here too.`;

const OPTIONS = { out: { type: "string" }, force: { type: "boolean" }, "no-report": { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

/** The shard files a command-line argument names: the file itself, or a folder's shard-<i>-of-<n>.bin files. */
async function shardFiles(arg: string): Promise<string[]> {
  const info = await stat(arg).catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`${arg}: cannot read (${err.code ?? err.message})`);
  });
  if (!info.isDirectory()) return [arg];
  const names = (await readdir(arg)).filter((n) => SHARD_FILE_PATTERN.test(n)).sort();
  if (names.length === 0) throw new InputError(`${arg}: no shard files (shard-<i>-of-<n>.bin, written by perpsim stress --shard i/n)`);
  return names.map((n) => join(arg, n));
}

async function readShard(file: string): Promise<NamedShard> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`${file}: cannot read (${err.code ?? err.message})`);
  });
  return { file, ...decodeShard(bytes, file) };
}

export async function run(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, OPTIONS, true);
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new InputError("give the folders or files of the shards (perpsim merge DIR...)");
  const folder = await RunFolder.open(v.out, "stress", { force: v.force });
  try {
    return await mergeInto(folder, positionals, !v["no-report"]);
  } finally {
    await folder.release();
  }
}

async function mergeInto(folder: RunFolder, positionals: string[], report: boolean): Promise<number> {
  const files = (await Promise.all(positionals.map(shardFiles))).flat();
  const shards: NamedShard[] = [];
  for (const f of files) shards.push(await readShard(f)); // one at a time: a large shard's bytes are freed as it is decoded
  const merged = mergeShards(shards);
  const version = await packageVersion();
  const { config, summary, files: outputs } = await withPool((pool, signal) => mergedOutputs(merged, version, readStrategySource, loadHistory, { pool, signal }));
  await commitRun(folder, outputs, { report });
  const dir = folder.dir;
  const { count } = merged.header.shard;
  console.log(`merged ${count} shard${count > 1 ? "s" : ""} of ${config.paths} paths (seed ${config.seed}, config fingerprint ${merged.header.fingerprint.slice(0, 12)})`);
  for (const r of summary.runs) {
    const [lo, hi] = r.ci95;
    console.log(`${r.mode.padEnd(8)} liquidated ${(100 * r.liquidationProbability).toFixed(2)} % [${(100 * lo).toFixed(2)}, ${(100 * hi).toFixed(2)}], wipeout ${(100 * r.wipeoutProbability).toFixed(2)} %, terminal equity mean ${r.terminalEquity.mean}`);
  }
  console.log(`wrote ${dir}`);
  return 0;
}

/**
 * A one-thread pool for a strategy book's samples.csv (its paths run the user's code, kept off this
 * thread), with Ctrl-C heard: `Interrupted` (exit 130, one line). The thread starts only if used.
 */
async function withPool<T>(work: (pool: StressPool, signal: AbortSignal) => Promise<T>): Promise<T> {
  const pool = new StressPool(1);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  try {
    return await work(pool, abort.signal);
  } catch (err) {
    if (abort.signal.aborted) throw new Interrupted("interrupted");
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    await pool.destroy();
  }
}
