import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseFlags } from "../args.ts";
import { InputError } from "../../market/index.ts";
import { writeReport } from "../../report/index.ts";

const HELP = `usage: perpsim report DIR [--open] [--static]

Re-render DIR/report.html from the results in DIR (summary.json and the CSVs beside it).
  --open     print the report's file:// URL
  --static   leave out vega's runtime: static SVG charts only, no tooltips or zoom`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { open: { type: "boolean" }, static: { type: "boolean" }, help: { type: "boolean", short: "h" } }, true);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new InputError(`expected one results folder, got ${positionals.length} (usage: perpsim report DIR [--open])`);
  const path = await writeReport(positionals[0], { interactive: !values.static });
  console.log(values.open ? pathToFileURL(resolve(path)).href : path);
  return 0;
}
