import { parse } from "csv-parse/sync";
import { InputError } from "../errors/index.ts";

/**
 * A results CSV held as strings, with typed accessors whose errors name the file, line and field.
 * Line numbers are 1-based file lines (the header is line 1).
 */
export class CsvTable {
  readonly header: string[];
  readonly rows: string[][];
  private readonly index = new Map<string, number>();

  constructor(readonly file: string, text: string, required: readonly string[]) {
    let records: string[][];
    try {
      records = parse(text, { relax_column_count: false, skip_empty_lines: true, bom: true });
    } catch (err) {
      throw new InputError(`${file}: ${(err as Error).message.split("\n")[0]}`);
    }
    if (records.length === 0) throw new InputError(`${file} line 1: no header`);
    this.header = records[0];
    this.rows = records.slice(1);
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
