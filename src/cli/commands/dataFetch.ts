import { relative } from "node:path";
import { DEFAULT_DATA_DIR, describeGaps, fetchData, FETCH_KINDS, FETCH_VENUES, parseTimeArg, type FetchKind, type FetchVenue, type SeriesResult } from "../../data/index.ts";
import { InputError, isoTime, parseInterval } from "../../market/index.ts";
import { numberFlag, parseFlags, requireFlag } from "../args.ts";
import { createProgress } from "../progress.ts";
import { grouped } from "../../results/index.ts";

export const FETCH_USAGE = `  perpsim data fetch --venue binance-usdm|bybit|hyperliquid --symbols A,B --from DATE [--to DATE]
      [--kinds klines,mark,funding] [--interval 1m|5m|15m|1h|4h|1d] [--data DIR] [--source URL] [--concurrency 4]
                                                       download candles and funding into DIR (default: data/); run it
                                                       again to add only what is new. --to defaults to now; --source
                                                       replaces the venue's address (a mirror or proxy)`;

/** `perpsim data fetch`: parse flags, run the fetch with a progress display, print what each file gained. */
export async function fetchCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, {
    venue: { type: "string" }, symbols: { type: "string" }, from: { type: "string" }, to: { type: "string" }, kinds: { type: "string" },
    interval: { type: "string" }, data: { type: "string" }, source: { type: "string" }, concurrency: { type: "string" },
  });
  const venue = requireFlag("venue", v.venue);
  if (!(FETCH_VENUES as readonly string[]).includes(venue)) throw new InputError(`--venue: '${venue}' is not one of ${FETCH_VENUES.join(", ")}`);
  const symbols = requireFlag("symbols", v.symbols).split(",").map((s) => s.trim()).filter(Boolean);
  const from = parseTimeArg(requireFlag("from", v.from), "from");
  const to = v.to !== undefined ? parseTimeArg(v.to, "to") : undefined;
  const kinds = v.kinds?.split(",").map((k) => k.trim()) as FetchKind[] | undefined;
  for (const k of kinds ?? []) if (!FETCH_KINDS.includes(k)) throw new InputError(`--kinds: '${k}' is not one of ${FETCH_KINDS.join(", ")}`);
  const concurrency = numberFlag("concurrency", v.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 16)) throw new InputError(`--concurrency: must be a whole number from 1 to 16, got '${v.concurrency}'`);
  const dataDir = v.data ?? DEFAULT_DATA_DIR;

  const progress = createProgress({ title: "fetch" });
  let series = 0;
  let done = 0;
  let rowsDone = 0;
  let rowsNow = 0;
  const abort = new AbortController();
  const onSigint = () => abort.abort(new InputError("interrupted: every file written so far is complete; run the same command again to resume"));
  process.once("SIGINT", onSigint);
  let results: SeriesResult[];
  try {
    const report = await fetchData({
      venue: venue as FetchVenue, symbols, from, to, kinds, interval: v.interval ? parseInterval(v.interval, "--interval") : undefined,
      dataDir, source: v.source, concurrency, signal: abort.signal,
      onEvent: (e) => {
        if (e.type === "plan") series = e.series;
        else if (e.type === "progress") {
          rowsNow = e.rowsAdded;
          progress.update({ fraction: series ? (done + e.fraction) / series : 0, counters: { files: `${done}/${series}`, rows: rowsDone + rowsNow }, label: e.label });
        } else if (e.type === "wait") progress.log(`waiting ${(e.ms / 1000).toFixed(1)} s: ${e.reason}`);
        else if (e.type === "note") progress.log(`note: ${e.text}`);
        else if (e.type === "done") {
          done++;
          rowsDone += e.result.added;
          rowsNow = 0;
        }
      },
    });
    results = report.series;
    progress.finish();
    console.log(`data: ${dataDir} (${report.requests} requests)`);
  } catch (err) {
    progress.finish();
    if (abort.signal.aborted) {
      console.error(`perpsim data: ${(abort.signal.reason as Error).message}`);
      return 130;
    }
    throw err;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  for (const r of results) console.log(seriesLine(r, dataDir));
  return 0;
}

/** "+744 rows  binance-usdm/klines-1h/BTCUSDT-1h.csv.gz  (2024-01-01 00:00 → 2024-01-31 23:00, 744 rows; no gaps)" */
function seriesLine(r: SeriesResult, dataDir: string): string {
  const span = r.first !== undefined ? `${isoTime(r.first).slice(0, 16)} → ${isoTime(r.last!).slice(0, 16)}, ${grouped(r.rows)} rows` : "no rows";
  const what = r.label.endsWith(" funding") ? "missing settlements" : "gaps";
  const gaps = r.rows === 0 ? "" : r.gaps.missingBars ? `; ${describeGaps(what, r.gaps)}` : `; no ${what}`;
  return `+${grouped(r.added).padStart(7)} rows  ${relative(dataDir, r.path)}  (${span}${gaps})`;
}
