import { parse } from "csv-parse/sync";
import { InputError } from "../errors/index.ts";

/** The last few texts parsed: a stress report reads paths.csv and samples.csv in more than one chart. */
const recent = new Map<string, string[][]>();
const RECENT = 4;

function parseRecords(file: string, text: string): string[][] {
  let records = recent.get(text);
  if (!records) {
    records = simpleRecords(text) ?? parseWithQuotes(file, text);
    if (recent.size >= RECENT) recent.delete(recent.keys().next().value!);
    recent.set(text, records);
  }
  return records;
}

/**
 * The records of a CSV with no quotes and no carriage returns — what perpsim writes — split directly:
 * csv-parse gives the same records for such text but costs ~0.1 CPU-s cold on a month's equity.csv.
 * Null for any other text, or when a row's field count differs from the header's (csv-parse then
 * reports it in its words).
 */
function simpleRecords(text: string): string[][] | null {
  if (text.includes('"') || text.includes("\r")) return null;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  for (const line of body.split("\n")) {
    if (line === "") continue; // skip_empty_lines
    const fields = line.split(",");
    if (records.length > 0 && fields.length !== records[0].length) return null;
    records.push(fields);
  }
  return records;
}

function parseWithQuotes(file: string, text: string): string[][] {
  try {
    return parse(text, { relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message.split("\n")[0]}`);
  }
}

/**
 * A results CSV held as strings, with typed accessors whose errors name the file, line and field.
 * Line numbers are 1-based file lines (the header is line 1).
 */
export class CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  private readonly index = new Map<string, number>();

  constructor(readonly file: string, text: string, required: readonly string[]) {
    const records = parseRecords(file, text);
    if (records.length === 0) throw new InputError(`${file} line 1: no header`);
    this.header = records[0];
    this.rows = records.slice(1); // shared with other tables of the same text: read only
    this.header.forEach((h, i) => this.index.set(h, i));
    for (const col of required) {
      if (!this.index.has(col)) throw new InputError(`${file} line 1: missing column '${col}'`);
    }
  }

  has(col: string): boolean {
    return this.index.has(col);
  }

  column(col: string): number {
    const i = this.index.get(col);
    if (i === undefined) throw new InputError(`${this.file} line 1: missing column '${col}'`);
    return i;
  }

  text(row: number, col: number): string {
    return this.rows[row][col];
  }

  /** A number, or null for an empty cell when `optional`. */
  num(row: number, col: number, optional: true): number | null;
  num(row: number, col: number, optional?: false): number;
  num(row: number, col: number, optional = false): number | null {
    const cell = this.rows[row][col];
    if (cell === "" && optional) return null;
    const n = Number(cell);
    if (cell.trim() === "" || !Number.isFinite(n)) {
      throw new InputError(`${this.file} line ${row + 2}: field '${this.header[col]}' is '${cell}', not a number`);
    }
    return n;
  }

  /** An ISO-8601 time as epoch milliseconds. */
  time(row: number, col: number): number {
    const cell = this.rows[row][col];
    const t = Date.parse(cell);
    if (!Number.isFinite(t)) throw new InputError(`${this.file} line ${row + 2}: field '${this.header[col]}' is '${cell}', not a time`);
    return t;
  }
}
