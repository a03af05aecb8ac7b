import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { formatTable, inspectSymbol, loadMarket, readDataFile, summariseDatasets, DEFAULT_DATA_DIR, describeGaps } from "../../data/index.ts";
import { InputError, formatDuration, isoTime, parseInterval } from "../../market/index.ts";
import { parseFlags } from "../args.ts";
import { fetchCommand, FETCH_USAGE } from "./dataFetch.ts";

export const usage = `usage:
  perpsim data list [--data DIR]                       every dataset: symbol, kind, span, rows
  perpsim data inspect SYMBOL [--from DATE] [--to DATE] [--interval 1h] [--source binance-usdm|binance-spot|bybit|hyperliquid] [--data DIR]
  perpsim data validate PATH...                        check files (or folders of them); exit 1 on the first bad one
${FETCH_USAGE}`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "list":
      return list(rest);
    case "inspect":
      return inspect(rest);
    case "validate":
      return validate(rest);
    case "fetch":
      return fetchCommand(rest);
    case undefined:
    case "--help":
    case "-h":
      console.log(usage);
      return sub ? 0 : 1;
    default:
      throw new InputError(`unknown data subcommand '${sub}' (list, inspect, validate, fetch)`);
  }
}

async function list(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { data: { type: "string" } });
  const dir = values.data ?? DEFAULT_DATA_DIR;
  const sets = await summariseDatasets(dir);
  if (sets.length === 0) throw new InputError(`--data ${dir}: no datasets found (expected binance-usdm/, binance-spot/, hyperliquid/ folders)`);
  const rows = sets.map((s) => [s.source, s.symbol, s.kind, s.interval ?? "", isoTime(Math.floor(s.first / 3_600_000) * 3_600_000).slice(0, 16), isoTime(Math.floor(s.last / 3_600_000) * 3_600_000).slice(0, 16), String(s.rows)]);
  const head = ["source", "symbol", "kind", "step", "from (UTC)", "to (UTC)", "rows"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  console.log(`data: ${dir}`);
  console.log(fmt(head));
  for (const r of rows) console.log(fmt(r));
  return 0;
}

async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { data: { type: "string" }, from: { type: "string" }, to: { type: "string" }, interval: { type: "string" }, source: { type: "string" } },
    true,
  );
  if (positionals.length !== 1) throw new InputError("data inspect takes one SYMBOL, e.g. perpsim data inspect BTC --from 2020-03-01 --to 2020-04-01");
  const source = values.source ?? "binance-usdm";
  if (source !== "binance-usdm" && source !== "binance-spot" && source !== "bybit" && source !== "hyperliquid") throw new InputError(`--source: '${source}' is not binance-usdm, binance-spot, bybit or hyperliquid`);
  const market = await loadMarket({
    dataDir: values.data,
    symbols: positionals,
    from: values.from,
    to: values.to,
    interval: values.interval ? parseInterval(values.interval, "--interval") : "1h",
    source,
  });
  for (const w of market.warnings) console.log(`note: ${w}`);
  console.log(formatTable(await inspectSymbol(market.symbols[0], market.from, market.to)));
  return 0;
}

async function validate(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, {}, true);
  if (positionals.length === 0) throw new InputError("data validate needs at least one PATH (a .csv/.csv.gz file or a folder)");
  const files: string[] = [];
  for (const p of positionals) files.push(...(await expand(p)));
  if (files.length === 0) throw new InputError(`${positionals.join(" ")}: no .csv or .csv.gz files`);
  for (const file of files) {
    const d = await readDataFile(file);
    const span = `${isoTime(d.info.first)} → ${isoTime(d.info.last)}`;
    if (d.format === "candles") {
      const gaps = d.info.gaps.missingBars ? `; ${describeGaps("gaps", d.info.gaps)}` : "; no gaps";
      console.log(`ok ${file}: ${formatDuration(d.bars.intervalMs)} candles, ${d.info.rows} rows, ${span}${gaps}`);
    } else {
      const gaps = d.info.gaps.missingBars ? `; ${describeGaps("missing settlements", d.info.gaps)}` : "; no missing settlements";
      console.log(`ok ${file}: ${d.format}, ${d.info.rows} settlements, ${span}, max timestamp jitter ${d.info.maxJitterMs} ms${gaps}`);
    }
  }
  return 0;
}

async function expand(path: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputError(`${path}: no such file or folder`);
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const e of (await readdir(path, { withFileTypes: true, recursive: true })).filter((e) => e.isFile() && /\.csv(\.gz)?$/.test(e.name))) {
    out.push(join(e.parentPath ?? path, e.name));
  }
  return out.sort((a, b) => relative(path, a).localeCompare(relative(path, b)));
}
