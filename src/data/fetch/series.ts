import { createReadStream, existsSync } from "node:fs";
import { appendFile, copyFile, mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { createGunzip, gunzipSync, gzipSync } from "node:zlib";
import { type Bars, type FundingSeries, HOUR_MS, InputError, INTERVALS, isoTime, type GapReport } from "../../market/index.ts";
import { readCandles } from "../candles.ts";
import { datasetPath } from "../catalog.ts";
import { readFunding } from "../funding.ts";
import { type CandleRow, type Chunk, type FundingRow, type SeriesSpec, seriesLabel, settlementHour } from "./rows.ts";

const CANDLE_HEADER = "open_time,open,high,low,close,volume";
const BINANCE_FUNDING_HEADER = "calc_time,funding_interval_hours,last_funding_rate";
const HYPERLIQUID_FUNDING_HEADER = "time,coin,fundingRate";
const STANDARD_INTERVALS = new Set([1, 2, 4, 8]);

/** Where fetched rows disagreed with rows already present at the same time. */
export interface OverlapReport {
  compared: number;
  differ: number;
  first?: string;
}

/**
 * One series file being extended. Rows arrive in time order; a row at or before the file's last time
 * is compared with the row already there (never written twice); newer rows wait in `pending` until
 * `commit`, which writes the whole file under a temporary name (the old compressed bytes copied, the new
 * rows appended as one more gzip member), reads it back with the same reader and validation as any
 * loaded file, and only then renames it over the old one.
 */
export class SeriesFile {
  readonly path: string;
  readonly label: string;
  private bars?: Bars;
  private funding?: FundingSeries;
  private pending: (CandleRow | FundingRow)[] = [];
  private pendingFrom: { rows: number; from: string }[] = [];
  private endsWithNewline = true;
  added = 0;
  readonly overlap: OverlapReport = { compared: 0, differ: 0 };
  /** rows older than the file's last row that fall in one of its holes (not inserted) */
  insideHoles = 0;
  gaps: GapReport = { missingBars: 0, holes: 0, first: [] };

  private constructor(readonly spec: SeriesSpec, path: string) {
    this.path = path;
    this.label = seriesLabel(spec);
  }

  static async open(dataDir: string, spec: SeriesSpec): Promise<SeriesFile> {
    const f = new SeriesFile(spec, datasetPath(dataDir, spec.source, spec.kind, spec.symbol, spec.interval));
    await removeStaleTemps(f.path);
    if (existsSync(f.path)) await f.readExisting();
    return f;
  }

  get exists(): boolean {
    return this.bars !== undefined || this.funding !== undefined;
  }

  /** first and last row time of the file (settlement hours for funding); undefined when there is no file */
  get span(): [number, number] | undefined {
    const t = this.bars?.time ?? this.funding?.time;
    return t && t.length > 0 ? [t[0], t[t.length - 1]] : undefined;
  }

  /** rows in the file now */
  get rows(): number {
    return this.bars?.length ?? this.funding?.length ?? 0;
  }

  private get intervalMs(): number | undefined {
    return this.spec.interval ? INTERVALS[this.spec.interval] : undefined;
  }

  private header(): string {
    if (this.spec.kind !== "funding") return CANDLE_HEADER;
    return this.spec.source === "hyperliquid" ? HYPERLIQUID_FUNDING_HEADER : BINANCE_FUNDING_HEADER;
  }

  private async readExisting(): Promise<void> {
    const { firstLine, endsWithNewline } = await scanText(this.path);
    if (firstLine.trim() !== this.header()) {
      throw new InputError(`${this.path}:1: data fetch extends files with the columns ${this.header()}, this one has '${firstLine.trim().slice(0, 80)}' (move it aside to fetch afresh)`);
    }
    this.endsWithNewline = endsWithNewline;
    await this.reload(this.path);
  }

  private async reload(file: string): Promise<void> {
    if (this.spec.kind === "funding") {
      const r = await readFunding(file);
      this.funding = r.funding;
      this.gaps = r.info.gaps;
    } else {
      const r = await readCandles(file, { expectedIntervalMs: this.intervalMs });
      this.bars = r.bars;
      this.gaps = r.info.gaps;
    }
  }

  /** the time of the newest row, committed or pending */
  lastKey(): number | undefined {
    const p = this.pending[this.pending.length - 1];
    if (p) return this.key(p);
    return this.span?.[1];
  }

  private key(r: CandleRow | FundingRow): number {
    return this.spec.kind === "funding" ? settlementHour(r.t) : r.t;
  }

  /** Take a chunk: rows after the last one go to `pending`; older rows are compared with what is there. */
  add(chunk: Chunk): void {
    const rows: (CandleRow | FundingRow)[] = (this.spec.kind === "funding" ? chunk.funding : chunk.candles) ?? [];
    let taken = 0;
    for (const r of rows) {
      const k = this.key(r);
      const last = this.lastKey();
      if (last === undefined || k > last) {
        this.pending.push(r);
        taken++;
      } else this.compare(r, k, chunk.from);
    }
    if (taken > 0) this.pendingFrom.push({ rows: taken, from: chunk.from });
  }

  private compare(r: CandleRow | FundingRow, k: number, from: string): void {
    const committedLast = this.span?.[1];
    let diff: string | undefined;
    if (committedLast !== undefined && k <= committedLast) {
      const i = indexOf(this.bars?.time ?? this.funding!.time, k);
      if (i < 0) {
        this.insideHoles++;
        return;
      }
      diff = this.bars ? candleDiff(r as CandleRow, this.bars, i) : fundingDiff(r as FundingRow, this.funding!, i);
    } else {
      const j = this.pending.findIndex((p) => this.key(p) === k);
      if (j < 0) {
        this.insideHoles++;
        return;
      }
      diff = this.spec.kind === "funding" ? textDiff([["rate", (this.pending[j] as FundingRow).rate, (r as FundingRow).rate]]) : rowDiff(this.pending[j] as CandleRow, r as CandleRow);
    }
    this.overlap.compared++;
    if (diff) {
      this.overlap.differ++;
      this.overlap.first ??= `${isoTime(k)}: ${diff} (from ${from})`;
    }
  }

  get pendingRows(): number {
    return this.pending.length;
  }

  /** Write pending rows atomically (temporary name, validated read-back, rename). Returns rows written. */
  async commit(): Promise<number> {
    if (this.pending.length === 0) return 0;
    const lines = this.lines(this.pending);
    const tmp = tempName(this.path);
    await mkdir(dirname(this.path), { recursive: true });
    const gz = this.path.endsWith(".gz");
    try {
      if (this.exists) {
        await copyFile(this.path, tmp);
        const text = (this.endsWithNewline ? "" : "\n") + lines;
        await appendFile(tmp, gz ? gzipSync(text) : text);
      } else {
        const text = `${this.header()}\n${lines}`;
        await writeFile(tmp, gz ? gzipSync(text) : text);
      }
      await this.validate(tmp, this.exists ? this.rows + 1 : 1);
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    const n = this.pending.length;
    this.added += n;
    this.endsWithNewline = true;
    this.pending = [];
    this.pendingFrom = [];
    return n;
  }

  /** Put rows older than the file's first row in front of it (one rewrite of the whole file). */
  async prepend(rows: (CandleRow | FundingRow)[], from: string): Promise<number> {
    const first = this.span?.[0];
    const older = first === undefined ? rows : rows.filter((r) => this.key(r) < first);
    if (older.length === 0) return 0;
    if (!this.exists) {
      this.add({ from, candles: this.spec.kind === "funding" ? undefined : (older as CandleRow[]), funding: this.spec.kind === "funding" ? (older as FundingRow[]) : undefined, through: 0 });
      return this.commit();
    }
    const gz = this.path.endsWith(".gz");
    const raw = await readFile(this.path);
    const text = (gz ? gunzipSync(raw) : raw).toString("utf8");
    const body = text.slice(text.indexOf("\n") + 1);
    const out = `${this.header()}\n${this.lines(older, false)}${body}${body.endsWith("\n") || body === "" ? "" : "\n"}`;
    const tmp = tempName(this.path);
    try {
      await writeFile(tmp, gz ? gzipSync(out) : out);
      this.pendingFrom = [{ rows: older.length, from }];
      await this.validate(tmp, 1);
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    } finally {
      this.pendingFrom = [];
    }
    this.added += older.length;
    return older.length;
  }

  /** Read the temporary file back with the loaders' own validation; a failure names the download it came from. */
  private async validate(tmp: string, headerLine: number): Promise<void> {
    try {
      await this.reload(tmp);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      const m = /^[^\n]*?:(\d+): (.*)$/.exec(err.message.replace(tmp, this.path));
      const line = m ? Number(m[1]) : NaN;
      let at = headerLine;
      let source = this.pendingFrom[0]?.from ?? "the download";
      for (const p of this.pendingFrom) {
        if (line <= at + p.rows) {
          source = p.from;
          break;
        }
        at += p.rows;
      }
      const what = m ? m[2] : err.message.replace(tmp, this.path);
      throw new InputError(`${source}: fetched ${this.label} rows fail validation: ${what}; nothing written to ${this.path}`);
    }
  }

  /** CSV lines of `rows`; `afterFile` when they follow the file's rows (derived funding intervals start from its last) */
  private lines(rows: (CandleRow | FundingRow)[], afterFile = true): string {
    let out = "";
    if (this.spec.kind !== "funding") {
      for (const r of rows as CandleRow[]) out += `${r.t},${r.o},${r.h},${r.l},${r.c},${r.v}\n`;
      return out;
    }
    if (this.spec.source === "hyperliquid") {
      for (const r of rows as FundingRow[]) out += `${r.t},${this.spec.symbol},${r.rate}\n`;
      return out;
    }
    const f = rows as FundingRow[];
    const hasPrev = afterFile && this.funding !== undefined && this.funding.length > 0;
    let prev = hasPrev ? this.funding!.time[this.funding!.length - 1] : undefined;
    let prevInterval = hasPrev ? this.funding!.intervalHours[this.funding!.length - 1] : undefined;
    for (let i = 0; i < f.length; i++) {
      const h = settlementHour(f[i].t);
      const next = f[i + 1] ? (settlementHour(f[i + 1].t) - h) / HOUR_MS : undefined;
      const interval = f[i].intervalHours ?? derivedInterval(prev === undefined ? undefined : (h - prev) / HOUR_MS, next, prevInterval);
      out += `${f[i].t},${interval},${f[i].rate}\n`;
      prev = h;
      prevInterval = interval;
    }
    return out;
  }
}

/**
 * A settlement's interval when the venue does not state it (Binance's REST API, Bybit), from the hours
 * since the previous settlement: a shorter step is a shorter interval; a longer one is a new interval
 * only when the next step is as long too, otherwise it is a missing settlement (a gap, reported).
 */
function derivedInterval(step: number | undefined, next: number | undefined, prevInterval: number | undefined): number {
  if (step === undefined || prevInterval === undefined) return next !== undefined && STANDARD_INTERVALS.has(next) ? next : 8;
  if (!STANDARD_INTERVALS.has(step)) return prevInterval;
  if (step <= prevInterval) return step;
  return next === step ? step : prevInterval;
}

function candleDiff(r: CandleRow, bars: Bars, i: number): string | undefined {
  const pairs: [string, number, string][] = [["open", bars.open[i], r.o], ["high", bars.high[i], r.h], ["low", bars.low[i], r.l], ["close", bars.close[i], r.c], ["volume", bars.volume[i], r.v]];
  for (const [name, have, got] of pairs) if (have !== Number(got)) return `${name} ${have} in the file, ${got} fetched`;
  return undefined;
}

function fundingDiff(r: FundingRow, f: FundingSeries, i: number): string | undefined {
  return f.rate[i] === Number(r.rate) ? undefined : `rate ${f.rate[i]} in the file, ${r.rate} fetched`;
}

function rowDiff(a: CandleRow, b: CandleRow): string | undefined {
  return textDiff([["open", a.o, b.o], ["high", a.h, b.h], ["low", a.l, b.l], ["close", a.c, b.c], ["volume", a.v, b.v]]);
}

function textDiff(pairs: [string, string, string][]): string | undefined {
  for (const [name, a, b] of pairs) if (Number(a) !== Number(b)) return `${name} ${a} from one source, ${b} from another`;
  return undefined;
}

function indexOf(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (time[mid] === t) return mid;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** A hidden sibling with the same extension (the readers pick gunzip by the name); never listed as a dataset. */
function tempName(path: string): string {
  const ext = path.endsWith(".gz") ? ".csv.gz" : ".csv";
  return join(dirname(path), `.${basename(path)}.${process.pid}.partial${ext}`);
}

/** Temporary files a killed run (SIGKILL, power cut) left beside `path`. */
async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path);
  if (!existsSync(dir)) return;
  const prefix = `.${basename(path)}.`;
  for (const name of await readdir(dir)) if (name.startsWith(prefix) && name.includes(".partial.")) await unlink(join(dir, name)).catch(() => {});
}

/** The first line of a (gzipped) text file and whether its text ends with a newline. */
async function scanText(path: string): Promise<{ firstLine: string; endsWithNewline: boolean }> {
  const raw = createReadStream(path);
  const input: AsyncIterable<Buffer> = path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  let head = "";
  let last = 10;
  try {
    for await (const chunk of input) {
      if (chunk.length === 0) continue;
      if (!head.includes("\n") && head.length < 4096) head += chunk.toString("utf8", 0, Math.min(chunk.length, 4096));
      last = chunk[chunk.length - 1];
    }
  } catch (err) {
    throw new InputError(`${path}: cannot read (${(err as Error).message})`);
  } finally {
    raw.destroy();
  }
  return { firstLine: head.split("\n")[0].replace(/^\uFEFF/, "").replace(/\r$/, ""), endsWithNewline: last === 10 };
}
