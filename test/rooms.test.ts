import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * DESIGN.md §2: inside src/, one folder per concept ("room"), each with a small public index.ts; no
 * module reaches into another room's internals past its index.ts. A file may import its own room's
 * files freely. Imports that leave src/ (strategies/, package.json) are not rooms and are not checked.
 * No exceptions are allowed.
 */
const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier a file names: static imports, re-exports, `import type`, and `import("…")` with a literal. */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The room of a path under src/ (its first folder), "" for a file directly in src/ (the entry point), null outside src/. */
function roomOf(path: string): string | null {
  const rel = relative(SRC, path);
  if (rel.startsWith("..")) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : "";
}

interface Violation {
  file: string;
  specifier: string;
}

/** The imports of one file (path absolute, text its source) that reach past another room's index.ts. */
function violations(file: string, text: string): Violation[] {
  const from = roomOf(file);
  return specifiers(text)
    .filter((s) => s.startsWith("."))
    .filter((s) => {
      const target = resolve(dirname(file), s);
      const to = roomOf(target);
      if (to === null || to === from) return false;
      return target !== join(SRC, to, "index.ts");
    })
    .map((specifier) => ({ file: relative(ROOT, file), specifier }));
}

/**
 * Which rooms each room may import: the README's "Where things live" map (DESIGN.md §2 was its first
 * draft). `errors` (InputError, the one error a user's mistake raises) is a leaf every room may
 * import; `market` re-exports it, so older imports of it from market still hold. `results` (the
 * summary.json and CSV schemas) is for the runners that produce them and the report that reads them.
 * So reports read results, never engines; workers (stress) never import the CLI. The Monte Carlo side
 * is layered: `paths` (random streams, models, funding) under `scenarios` under `stress` (config, kernel,
 * pool, shards, aggregation, the runner); `calibration` fits `paths`' models and only the CLI calls it.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  errors: [],
  market: ["errors"],
  data: ["market", "errors"],
  venues: ["market", "errors"],
  margin: ["venues", "market", "errors"],
  strategy: ["margin", "market", "errors"],
  backtest: ["data", "market", "venues", "margin", "strategy", "results", "errors"],
  paths: ["market", "venues"],
  calibration: ["paths", "market"],
  scenarios: ["paths", "market", "venues", "margin", "results", "errors"],
  stress: ["paths", "scenarios", "market", "venues", "margin", "strategy", "backtest", "results", "errors", "threads"],
  // the stress pool's threads (piscina), which the compiled CLI starts before it loads the stress command
  threads: [],
  report: ["results", "errors"],
  results: [],
  queue: ["stress", "paths", "results", "errors"],
  // V8's code cache for the compiled CLI's script bundles: imported by the stubs scripts/build.mjs writes, and by
  // the CLI, which has every stub's copy write its caches at its end, under the flags each was loaded under
  codecache: [],
  cli: ["backtest", "calibration", "codecache", "data", "errors", "margin", "market", "paths", "queue", "report", "results", "scenarios", "strategy", "stress", "threads", "venues"],
  "": ["cli"],
};

/** Rooms that know nothing of files, workers or the terminal: no node: built-ins at all. */
const PURE_ROOMS = ["errors", "margin", "market", "venues"];

/** The rooms a file imports (other than its own), from its relative specifiers. */
function roomsImported(file: string, text: string): string[] {
  const from = roomOf(file);
  const rooms = specifiers(text)
    .filter((s) => s.startsWith("."))
    .map((s) => roomOf(resolve(dirname(file), s)))
    .filter((r): r is string => r !== null && r !== from);
  return [...new Set(rooms)];
}

describe("room boundaries (DESIGN.md §2)", () => {
  it("every import of another room goes through that room's index.ts", () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50); // the scan really found the source tree
    const found = files.flatMap((f) => violations(f, readFileSync(f, "utf8")));
    expect(found.map((v) => `${v.file}: ${v.specifier}`)).toEqual([]);
  });

  it("every room has an index.ts", () => {
    const rooms = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(rooms).toEqual(expect.arrayContaining(["backtest", "calibration", "cli", "data", "errors", "margin", "market", "paths", "report", "results", "scenarios", "strategy", "stress", "venues"]));
    expect(rooms.filter((r) => !readdirSync(join(SRC, r)).includes("index.ts"))).toEqual([]);
  });

  it("each room imports only the rooms DESIGN.md §2 allows it", () => {
    const found = sourceFiles(SRC).flatMap((f) => {
      const allowed = MAY_IMPORT[roomOf(f)!];
      if (!allowed) return [`${relative(ROOT, f)}: room '${roomOf(f)}' is not in MAY_IMPORT`];
      return roomsImported(f, readFileSync(f, "utf8"))
        .filter((r) => !allowed.includes(r))
        .map((r) => `${relative(ROOT, f)} imports ${r}`);
    });
    expect(found).toEqual([]);
  });

  it("the margin engine, market types and venues use no node built-ins (no files, workers or terminal)", () => {
    const found = PURE_ROOMS.flatMap((room) =>
      sourceFiles(join(SRC, room)).flatMap((f) =>
        specifiers(readFileSync(f, "utf8")).filter((s) => s.startsWith("node:")).map((s) => `${relative(ROOT, f)}: ${s}`),
      ),
    );
    expect(found).toEqual([]);
  });

  it("flags a reach past an index and lets index, same-room and outside-src imports through", () => {
    const file = join(SRC, "data", "load.ts");
    const text = [
      'import type { Bars } from "../market/bars.ts";',
      'import { InputError } from "../market/index.ts";',
      'import { readCandles } from "./candles.ts";',
      'export { calibrate } from "../calibration/calibrate.ts";',
      'const s = () => import("../../strategies/hold.ts");',
      'const w = () => import("../report/write.ts");',
      'import { readFile } from "node:fs/promises";',
    ].join("\n");
    expect(violations(file, text).map((v) => v.specifier)).toEqual(["../market/bars.ts", "../calibration/calibrate.ts", "../report/write.ts"]);
    expect(violations(join(SRC, "cli.ts"), 'import { main } from "./cli/main.ts";').map((v) => v.specifier)).toEqual(["./cli/main.ts"]);
    expect(roomsImported(join(SRC, "report", "charts", "x.ts"), 'import { run } from "../../backtest/index.ts";\nimport { f } from "../format.ts";')).toEqual(["backtest"]);
  });
});
