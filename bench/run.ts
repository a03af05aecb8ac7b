/**
 * `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line).
 * Each module's default export is an async function that prints its own throughput lines and a
 * ratio against a baseline measured in the same process.
 */
import { readdir } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith(".bench.ts")).sort()
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)));

let failed = 0;
for (const f of files) {
  console.log(`\n== ${f}`);
  const mod = await import(pathToFileURL(join(here, f)).href);
  try {
    await mod.default();
  } catch (err) {
    failed++;
    console.error(`${f} failed: ${(err as Error).stack ?? err}`);
  }
}
process.exitCode = failed ? 1 : 0;
