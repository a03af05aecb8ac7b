import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { type Parser, parse } from "csv-parse";
import { StringDecoder } from "node:string_decoder";
import { InputError } from "../market/index.ts";

/**
 * Stream the raw records of a `.csv` or `.csv.gz` file, every field a string (the readers parse
 * numbers themselves into typed arrays). `onRecord` gets the 1-based line number; a thrown error
 * stops the stream.
 *
 * Two tokenisers, one result: exchange files are plain unquoted numbers, which a split on '\n' and
 * ',' reads about 5x faster than csv-parse; the moment a chunk holds a quote or a carriage
 * return the rest of the file goes through csv-parse (`cast: false`), which handles full CSV.
 */
export async function forEachRecord(file: string, onRecord: (fields: string[], line: number) => void): Promise<void> {
  try {
    const st = await stat(file);
    if (!st.isFile()) throw new InputError(`${file}: not a file`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  // zlib only for a .gz file: loaded at import, it cost every stress run (a parametric model reads no file) 11 ms of
  // the main thread in a CPU profile, Node compiling its modules from source under the stress command's V8 flags
  const input: AsyncIterable<Buffer> = file.endsWith(".gz") ? raw.pipe((await import("node:zlib")).createGunzip({ chunkSize: 1 << 20 })) : raw;
  const decoder = new StringDecoder("utf8");
  let line = 0;
  let rest = "";
  let parser: Parser | undefined;
  let parserError: unknown;
  try {
    for await (const chunk of input) {
      const text = decoder.write(chunk);
      if (!parser && (text.includes('"') || text.includes("\r"))) {
        parser = startCsvParse((fields) => onRecord(fields, ++line), (e) => (parserError ??= e));
        parser.write(line === 0 ? rest.replace(/^\uFEFF/, "") : rest);
        rest = "";
      }
      if (parser) {
        parser.write(text);
        if (parserError) throw parserError;
        continue;
      }
      let data = rest + text;
      if (line === 0 && data.charCodeAt(0) === 0xfeff) data = data.slice(1);
      let at = 0;
      for (let nl = data.indexOf("\n", at); nl >= 0; nl = data.indexOf("\n", at)) {
        onRecord(data.slice(at, nl).split(","), ++line);
        at = nl + 1;
      }
      rest = data.slice(at);
    }
    const tail = rest + decoder.end();
    if (parser) {
      parser.end(tail);
      await new Promise<void>((resolve) => parser!.on("end", resolve).on("error", () => resolve()).on("close", resolve));
      if (parserError) throw parserError;
    } else if (tail.length > 0) onRecord(tail.split(","), ++line);
  } catch (err) {
    raw.destroy();
    if (err instanceof InputError) throw err;
    const e = err as Error & { code?: string; lines?: number };
    if (e.code === "Z_DATA_ERROR" || e.code === "Z_BUF_ERROR") throw new InputError(`${file}: not a valid gzip file (${e.message})`);
    if (e.code?.startsWith("CSV_")) throw new InputError(`${file}:${line + 1}: malformed CSV (${e.message.replace(/\s+/g, " ")})`);
    throw err;
  }
  if (line === 0) throw new InputError(`${file}: empty file`);
}

/** A csv-parse instance that hands each record to `onRecord` synchronously as it is written. */
function startCsvParse(onRecord: (fields: string[]) => void, onError: (e: unknown) => void): Parser {
  const parser = parse({ cast: false, relax_column_count: true, skip_empty_lines: false });
  parser.on("data", (record: string[]) => {
    try {
      onRecord(record);
    } catch (err) {
      onError(err);
      parser.destroy();
    }
  });
  parser.on("error", onError);
  return parser;
}

/** Parse one numeric field; `Number()` semantics but empty, NaN and ±Infinity are refused. */
export function parseNumber(text: string, file: string, line: number, field: string): number {
  const x = +text;
  if (x - x === 0 && text.length > 0 && text.charCodeAt(0) !== 32) return x; // finite fast path
  if (text.trim() === "") throw new InputError(`${file}:${line}: field '${field}' is empty`);
  if (/^\s*[+-]?(nan|inf(inity)?)\s*$/i.test(text)) throw new InputError(`${file}:${line}: field '${field}' is '${text}', not a finite number`);
  if (Number.isNaN(x)) throw new InputError(`${file}:${line}: field '${field}': cannot parse '${clip(text)}' as a number`);
  return x; // leading space, but a finite number
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Epoch milliseconds from a time field; Binance's newer files give microseconds (16 digits). */
export function parseTime(text: string, file: string, line: number, field: string): number {
  let t = parseNumber(text, file, line, field);
  if (t > 1e14) t = Math.floor(t / 1000);
  if (!Number.isInteger(t) || t < 0) throw new InputError(`${file}:${line}: field '${field}': '${clip(text)}' is not an epoch-millisecond timestamp`);
  return t;
}
