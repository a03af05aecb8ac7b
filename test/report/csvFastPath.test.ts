/**
 * CsvTable splits perpsim's own CSVs (no quotes, no carriage returns) without csv-parse: the records
 * must be exactly csv-parse's, and any text outside that case must still get csv-parse's records and
 * its error words.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { CsvTable } from "../../src/report/csv.ts";

const fixtures = join(import.meta.dirname, "../fixtures/results");
const viaCsvParse = (text: string) => parse(text, { relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
const records = (t: CsvTable) => [[...t.header], ...t.rows.map((r) => [...r])];

describe("CsvTable", () => {
  it.each(["stress/paths.csv", "stress/samples.csv"])("reads %s (perpsim's own output) as csv-parse does", (file) => {
    const text = readFileSync(join(fixtures, file), "utf8");
    expect(text).not.toMatch(/["\r]/); // the case split directly
    const t = new CsvTable(file, text, []);
    expect(records(t)).toEqual(viaCsvParse(text));
    expect(t.rows.length).toBeGreaterThan(10);
  });

  it("gives csv-parse's records for quoted fields, CRLF line ends, a BOM and empty lines", () => {
    const cases = [
      'a,b\n"x, y",2\n"say ""hi""",3\n',
      "a,b\r\n1,2\r\n3,4\r\n",
      "\ufeffa,b\n1,2\n\n3,4\n\n",
      "a,b\n1,\n,4",
    ];
    for (const text of cases) expect(records(new CsvTable("t.csv", text, []))).toEqual(viaCsvParse(text));
    expect(records(new CsvTable("t.csv", cases[0], []))[1]).toEqual(["x, y", "2"]);
    expect(records(new CsvTable("t.csv", cases[2], []))).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
  });

  it("reports a row with the wrong number of fields in csv-parse's words, with the file", () => {
    expect(() => new CsvTable("equity.csv", "a,b,c\n1,2,3\n4,5\n", [])).toThrow(/^equity\.csv: Invalid Record Length: expect 3, got 2 on line 3$/);
  });

  it("names a missing column and a bad number", () => {
    expect(() => new CsvTable("x.csv", "a,b\n1,2\n", ["c"])).toThrow("x.csv line 1: missing column 'c'");
    const t = new CsvTable("x.csv", "a,b\n1,zz\n", ["a", "b"]);
    expect(() => t.num(0, t.column("b"))).toThrow("x.csv line 2: field 'b' is 'zz', not a number");
  });
});
