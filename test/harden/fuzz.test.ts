/**
 * Issue 16: a seeded fuzz pass over the stress config schema and the CLI flags, in-process (main()
 * called directly, a few thousand inputs in well under a minute). Every input must end with exit 0 or 1
 * — never 2 (a crash) — with no stack trace on stderr, one line on stderr when it is refused, and no file
 * written when it is refused. The seed is fixed: a failure names the input, and reruns reproduce it.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import seedrandom from "seedrandom";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ROOT } from "./cli.ts";

const work = mkdtempSync(join(tmpdir(), "perpsim-fuzz-"));
const inputs = join(work, "inputs");
const outs = join(work, "outs");
mkdirSync(inputs);
mkdirSync(outs);
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/** Raw JSON texts of odd values (1e400 parses to Infinity; keys that are Object.prototype's own). */
const ODD_JSON = ["0", "-1", "-0", "1e-300", "1e400", "-1e400", "0.5", "3", "1e6", "1e9", "2.5e-5", "\"\"", "\" \"", "\"ten\"", "null", "true", "[]", "[1,2]", "{}",
  "{\"__proto__\":1}", "\"__proto__\"", "\"constructor\"", "\"toString\"", "\"custom\"", "\"binance\"", "\"long\"", "\"cross\"", "\"\\u0000\"", "\"" + "x".repeat(300) + "\""];

const BASE = {
  venue: "binance", initialBalance: 10000,
  portfolio: [{ symbol: "BTC", side: "long", leverage: 5, weight: 0.3 }, { symbol: "ETH", side: "short", leverage: 3, weight: 0.2 }],
  model: { type: "t-garch-jump", assets: { BTC: { price: 60000, vol: 0.6 }, ETH: { price: 3000, vol: 0.75 } }, correlation: [[1, 0.8], [0.8, 1]] },
  funding: { type: "mean-reverting" }, horizonHours: 48, stepMinutes: 60, paths: 10, seed: 1, modes: ["cross", "isolated"],
  scenario: { type: "correlation-spike", target: 0.9, start: { hour: 6 }, durationHours: 12 },
};

/** Every path to a value inside a JSON tree ([] is the root). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

const MARK = "\u0001ODD\u0001";

/** A config text: the base with 1–3 fields replaced by odd values, deleted, or joined by unknown keys. */
function mutatedConfig(rng: Rng): string {
  const c = structuredClone(BASE) as Record<string, unknown>;
  const odd: string[] = [];
  for (let n = 1 + Math.floor(rng() * 3); n > 0; n--) {
    const all = paths(c).filter((p) => p.length > 0);
    const path = pick(rng, all);
    let parent: Record<string | number, unknown> = c;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    if (typeof parent !== "object" || parent === null) continue;
    const key = path[path.length - 1];
    const r = rng();
    if (r < 0.15 && !Array.isArray(parent)) delete parent[key];
    else if (r < 0.25 && !Array.isArray(parent)) parent[pick(rng, ["extra", "__proto__x", "constructor", "toString"])] = 1;
    else {
      odd.push(pick(rng, ODD_JSON));
      parent[key] = `${MARK}${odd.length - 1}`;
    }
  }
  let text = JSON.stringify(c);
  odd.forEach((raw, i) => (text = text.replace(JSON.stringify(`${MARK}${i}`), raw)));
  return rng() < 0.05 ? `\uFEFF${text}` : rng() < 0.03 ? text.slice(0, Math.floor(rng() * text.length)) : text;
}

const FLAG_VALUES = ["", " ", "-1", "0", "1", "2", "0.5", "1e400", "0x10", "NaN", "Infinity", "abc", "__proto__", "constructor", "toString", "2020-02-30", "2020-03-01",
  "2020-03-02", "2019-01-01", "2030-01-01", "5m", "1h", "4h", "cross", "isolated", "cross,isolated", "hybrid", "long", "short", "binance", "hyperliquid", "gmx", "custom",
  "BTCUSDT", "BTCUSDT,ETHUSDT", "NOPE", "{}", "{\"a\":1}", "[]", "0/2", "2/2", "a/b", "leverage=1:3:1", "leverage=1:1000000:0.001", "correlation=0.5,0.9", "x".repeat(200)];

const COMMANDS: Record<string, { flags: string[]; booleans?: string[]; fixed?: () => string[]; positional?: readonly string[] }> = {
  liq: { flags: ["venue", "side", "entry", "size", "leverage", "margin", "mode", "balance", "mmr", "maintenance-amount", "max-leverage", "mark", "symbol", "account"], booleans: ["json"] },
  backtest: {
    flags: ["strategy", "params", "symbols", "venue", "from", "to", "balance", "modes", "liq-price", "intrabar", "detail", "interval", "slippage", "ledger", "funding"],
    fixed: () => ["--from", "2020-03-01", "--to", "2020-03-03"],
  },
  stress: { flags: ["config", "paths", "seed", "scenario", "sweep", "shard", "data"], booleans: ["no-report"], fixed: () => ["--paths", "5", "--workers", "1", "--no-report"] },
  scenarios: { flags: ["config", "scenario"], positional: ["list", "show", "grid", "nope", "covid-2020-03-12", "__proto__"] },
  calibrate: { flags: ["symbols", "from", "to", "data"], fixed: () => ["--from", "2024-01-01", "--to", "2024-01-15"] },
  report: { flags: [], booleans: ["static", "open"], positional: ["", "nope", "/dev/null"] },
  merge: { flags: [], booleans: ["no-report"], positional: ["", "nope", "/dev/null"] },
  nope: { flags: ["x"] },
};

/** A command line: a command, a few of its flags (and some unknown ones) with odd values, --out in a fresh folder. */
function flagLine(rng: Rng, configFile: string, i: number): { argv: string[]; out: string } {
  const name = pick(rng, Object.keys(COMMANDS));
  const c = COMMANDS[name];
  const argv = [name];
  if (c.positional) argv.push(pick(rng, c.positional));
  for (let n = Math.floor(rng() * 5); n > 0; n--) {
    const r = rng();
    if (r < 0.08) argv.push(pick(rng, ["--nope", "-z", "--", "--help"]));
    else if (r < 0.18 && c.booleans) argv.push(`--${pick(rng, c.booleans)}`);
    else if (c.flags.length) {
      const flag = pick(rng, c.flags);
      const value = flag === "config" || flag === "account" ? (rng() < 0.7 ? configFile : pick(rng, FLAG_VALUES)) : pick(rng, FLAG_VALUES);
      argv.push(`--${flag}`, value);
    }
  }
  if (name === "stress" && !argv.includes("--config")) argv.push("--config", configFile);
  if (c.fixed && rng() < 0.8) argv.push(...c.fixed());
  if (name === "stress") argv.push("--workers", "1"); // in-process, worker threads cannot load the .ts worker under vitest
  const out = join(outs, `o${i}`);
  const outArg = rng() < 0.9 ? out : pick(rng, ["", " ", "/dev/null", configFile]);
  if (name !== "liq" && name !== "scenarios" && name !== "report") argv.push("--out", outArg);
  return { argv, out };
}

const names = (dir: string) => readdirSync(dir).sort();
const STACK = /^\s+at .*[(:]\d+/m;

interface Failure {
  argv: string[];
  why: string;
}

async function check(argv: string[], failures: Failure[]): Promise<number> {
  const before = names(outs);
  const r = await cli(argv);
  const errLines = r.err.trim().split("\n").filter((l) => l !== "" && !l.startsWith("warning:"));
  const fail = (why: string) => failures.push({ argv, why: `${why}\n${r.err.slice(0, 600)}` });
  if (r.code !== 0 && r.code !== 1) fail(`exit ${r.code}`);
  if (STACK.test(r.err)) fail("stack trace on stderr");
  if (r.code === 1 && errLines.length !== 1) fail(`${errLines.length} lines on stderr`);
  if (r.code === 1 && names(outs).join() !== before.join()) fail(`wrote ${names(outs).filter((n) => !before.includes(n)).join(", ")} on exit 1`);
  for (const n of names(outs)) if (!before.includes(n)) rmSync(join(outs, n), { recursive: true, force: true });
  return r.code;
}

describe("fuzz (seeded)", () => {
  it("config schema: 2000 mutated stress configs, validated (grid) and 1 in 25 simulated", async () => {
    const rng = seedrandom("perpsim-config-fuzz-1");
    const failures: Failure[] = [];
    const codes = [0, 0];
    for (let i = 0; i < 2000; i++) {
      const file = join(inputs, `c${i}.json`);
      writeFileSync(file, mutatedConfig(rng));
      const argv = i % 25 === 0
        ? ["stress", "--config", file, "--paths", "3", "--workers", "1", "--no-report", "--out", join(outs, `s${i}`)]
        : ["scenarios", "grid", "--config", file];
      const code = await check(argv, failures);
      if (code === 0 || code === 1) codes[code]++;
      if (failures.length >= 5) break;
    }
    expect(failures.map((f) => `${f.argv.join(" ")}: ${f.why}`)).toEqual([]);
    expect(codes[0]).toBeGreaterThan(20); // the mutations leave enough valid configs to run through
    expect(codes[1]).toBeGreaterThan(1000);
  }, 240_000);

  it("CLI flags: 1500 command lines of odd flags and values", async () => {
    const rng = seedrandom("perpsim-flag-fuzz-1");
    const failures: Failure[] = [];
    const config = join(inputs, "flags-config.json");
    writeFileSync(config, JSON.stringify({ ...BASE, horizonHours: 24 }));
    for (let i = 0; i < 1500; i++) {
      const { argv } = flagLine(rng, config, i);
      await check(argv, failures);
      if (failures.length >= 5) break;
    }
    expect(failures.map((f) => `${f.argv.join(" ")}: ${f.why}`)).toEqual([]);
  }, 240_000);
});
