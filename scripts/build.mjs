/**
 * The compiled build (`npm run build`, run by `prepare` on `npm ci` / `npm install`): esbuild bundles
 * our TypeScript into plain ESM JavaScript in dist/, so the CLI and every thread it starts run without
 * tsx. All files sit flat in dist/ (code finds its neighbours through `import.meta.dirname`):
 *
 *   cli.js                  the CLI entry (`bin`, `npm start`); each command stays a lazily loaded chunk
 *                           beside it (chunk-*.js, <command>-*.js), so `liq` never loads vega or danfojs
 *   worker-thread.cjs       the stress pool's thread: a CommonJS stub (piscina requires it) that runs worker.cjs (below)
 *   render.js               the report's chart renderer (src/report/render.ts, with vega): a stub that runs render.cjs
 *   command-<name>.js       the stress, backtest and report commands (src/cli/commands/<name>.ts and all each
 *                           imports): stubs that run command-<name>.cjs; the other commands are chunks as below
 *   <name>.cjs              those bundles as scripts (CommonJS), run through V8's code cache (src/codecache/):
 *                           Node 20 keeps no compiled code of ES modules between runs, and compiling them is most of
 *                           loading them (vega's 1 MB on every report, the pool's 0.5 MB on every thread). Their
 *                           code also warms up faster than the same code as an ES module (measured on a pool
 *                           thread: load and first 300 SSW paths ~0.7 → ~0.5 CPU-s)
 *   thread-<job>.js         each isolated thread (src/cli/threads/<job>.ts: the backtest, the stress probe) and the
 *                           report's second chart renderer (src/report/renderThread.ts, which loads render.js), one module each
 *   strategy-<name>.js      each shipped strategy (strategies/<name>.ts), one module each, with
 *   strategies.json         the content hash of every file under strategies/ each was built from: a bundle
 *                           whose sources have changed since is not used (the loader falls back to tsx)
 *
 * Our code is bundled, and so are the plain-ESM packages of BUNDLED (vega with its d3 and vega-* modules,
 * the CSV parser, the zip reader, decimal.js): loading vega's ~40 modules one by one from node_modules
 * costs ~0.3 CPU-s, one bundled chunk ~0.08. Every other npm package (CommonJS ones, those that find
 * files or start threads of their own: piscina, bullmq, danfojs, tsx, vega-lite's compiler, used only on
 * a compile-cache miss) stays an external import resolved from node_modules at run time. A strategy's
 * `import … from "perpsim"` is bundled: it is our code. Two things differ from
 * running the sources under tsx, both handled here:
 * - `import.meta.url` in each source file is rewritten to that source file's own URL, computed
 *   relative to the bundle at run time, so paths a module finds next to itself (../../data,
 *   package.json) mean the same from dist/ as from src/ and the tree stays relocatable;
 * - `__PERPSIM_BUNDLE__` is defined as true, which tells the pool, the isolated threads and the
 *   strategy loader to use the bundles above, and the loader to register tsx before importing a
 *   user's own .ts strategy file.
 *
 * The build goes to a fresh folder beside OUTDIR, which then replaces OUTDIR whole: no stale chunk of
 * an earlier build stays behind. `node scripts/build.mjs [OUTDIR]` (default dist/). `build(outdir)` is
 * what the tests and benches call.
 */
import { createHash } from "node:crypto";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLED = new Set(["vega", "csv-parse", "fflate", "decimal.js"]);
const pkg = JSON.parse(await readFile(resolve(root, "package.json"), "utf8"));
/** every package we depend on but BUNDLED (their own dependencies are reached only through them), and vega's optional node-canvas */
const EXTERNAL = [...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((p) => !BUNDLED.has(p)), "canvas"].flatMap((p) => [p, `${p}/*`]);
const strategiesDir = resolve(root, "strategies");
const NAME = /^[a-z0-9][a-z0-9_-]*$/i; // as src/strategy/loader.ts

/** Rewrites `import.meta.url` in our .ts sources to the source file's URL, relative to the output folder. */
function sourceUrls(outdir) {
  return {
    name: "source-import-meta-url",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        let text = await readFile(args.path, "utf8");
        if (text.startsWith("#!")) text = text.slice(text.indexOf("\n")); // src/cli.ts's tsx shebang; the banner gives node's
        if (!text.includes("import.meta.url")) return { contents: text, loader: "ts" };
        const rel = relative(outdir, args.path).split(sep).map(encodeURIComponent).join("/");
        return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: "ts" };
      });
    },
  };
}

/** A strategy's `import … from "perpsim"` is our own strategy API: bundled, not resolved through the package's exports (the .ts sources). */
const perpsimSelf = {
  name: "perpsim-self",
  setup(b) {
    b.onResolve({ filter: /^perpsim$/ }, () => ({ path: resolve(root, "src/strategy/index.ts") }));
  },
};

/**
 * The script bundles (see the header): entry; `from`, the modules whose imports of the entry go through
 * its stub ("any", or a list: the pool's thread is only ever started by file, and pool.ts's own
 * in-thread use of worker.ts stays bundled); whether the stub saves the code cache after the first
 * call (a pool thread is stopped, never exits) rather than at exit; whether the stub passes the thread's
 * gate (src/threads/tuning.ts) before it runs its bundle: a pool thread boots under V8's default flags
 * and loads the bundle once the main thread has set the command's; and whether the stub is CommonJS,
 * `<name>-thread.cjs`, instead of the ES module `<name>.js`: piscina requires its threads' module, and a
 * thread that requires an ES module first fails, then starts Node's ES module loader (a dozen more of
 * Node's own modules, compiled from source under the stress command's V8 flags: ~45 M instructions a
 * pool thread, callgrind, 2 threads of a 2-path SSW run: 680 and 670 M → 617 and 643 M).
 */
const SCRIPTS = {
  worker: { entry: resolve(root, "src/stress/worker.ts"), from: [], saveAfterFirstCall: true, passesGate: true, commonJsStub: true },
  render: { entry: resolve(root, "src/report/render.ts"), from: "any" },
  "command-stress": { entry: resolve(root, "src/cli/commands/stress.ts"), from: [resolve(root, "src/cli/main.ts")] },
  "command-backtest": { entry: resolve(root, "src/cli/commands/backtest.ts"), from: [resolve(root, "src/cli/main.ts")] },
  "command-report": { entry: resolve(root, "src/cli/commands/report.ts"), from: [resolve(root, "src/cli/main.ts")] },
};

/** Imports of a script bundle's entry reach it through its stub (`./<name>.js`): one copy of it, loaded from its code cache. */
const throughStubs = {
  name: "through-stubs",
  setup(b) {
    b.onResolve({ filter: /\.ts$/ }, (args) => {
      if (args.kind === "entry-point" || !args.path.startsWith(".")) return undefined;
      const target = resolve(args.resolveDir, args.path);
      const found = Object.entries(SCRIPTS).find(([, s]) => s.entry === target && (s.from === "any" || s.from.includes(args.importer)));
      return found ? { path: `./${found[0]}.js`, external: true } : undefined;
    });
  },
};

/**
 * vega-canvas loads the optional node-canvas with a top-level await, which a script cannot hold: the same
 * attempt as a require (canvas is external; absent, vega measures text without it, as before).
 */
const canvasWithoutAwait = {
  name: "canvas-without-await",
  setup(b) {
    b.onLoad({ filter: /vega-canvas[\\/]build[\\/]vega-canvas\.node\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const awaited = "NodeCanvas = await import('canvas');";
      if (!text.includes(awaited)) throw new Error(`${args.path}: the expected \`${awaited}\` is gone (vega-canvas changed): update scripts/build.mjs`);
      return { contents: text.replace(awaited, "NodeCanvas = require('canvas');"), loader: "js" };
    });
  },
};

/** Build one script bundle (CommonJS, `import.meta` as src/codecache/script.ts's wrapper provides it) and its ESM stub. */
async function buildScript(name, tmp, outdir) {
  const { entry, saveAfterFirstCall, passesGate } = SCRIPTS[name];
  const c = common(outdir);
  await esbuild.build({
    ...c, format: "cjs", entryPoints: { [name]: entry }, outdir: tmp, outExtension: { ".js": ".cjs" },
    define: { ...c.define, "import.meta.url": "__importMetaUrl", "import.meta.dirname": "__dirname" },
    plugins: [...c.plugins, canvasWithoutAwait],
  });
  // on Node 20 a script loaded from a code cache cannot `import()` (src/codecache/script.ts): its dynamic imports call the stub's
  const bodyFile = resolve(tmp, `${name}.cjs`);
  const body = (await readFile(bodyFile, "utf8")).replace(/(?<![\w$.])import\(/g, "__perpsimImport(");
  if (/\bimport\s*\(/.test(body)) throw new Error(`${name}.cjs: a dynamic import esbuild wrote in a form this build does not rename`);
  await writeFile(bodyFile, body);
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  // the entry's export names, for the stub's static exports
  const { metafile } = await esbuild.build({ ...c, entryPoints: [entry], outdir: tmp, write: false, metafile: true, plugins: [...c.plugins, canvasWithoutAwait] });
  const exports = Object.values(metafile.outputs).find((o) => o.entryPoint)?.exports ?? [];
  const exported = (e) => (e === "default" ? `export default ${value(e)};` : `export const ${e} = ${value(e)};`);
  const value = (e) => (saveAfterFirstCall ? `firstCall(body[${JSON.stringify(e)}])` : `body[${JSON.stringify(e)}]`);
  const contents = [
    `import { runScript, saveCodeCaches } from "./src/codecache/index.ts";`,
    // Node's modules the bundle requires are loaded before the gate, under V8's default flags, with Node's own code cache
    ...(passesGate ? [...builtinsOf(body).map((m) => `import ${JSON.stringify(m)};`), `import { passGate } from "./src/threads/tuning.ts";`, `passGate();`] : []),
    `const body = runScript(new URL("./${name}.cjs", import.meta.url), ${JSON.stringify(hash)});`,
    // a pool thread is stopped, not exited: its cache is written once its first task has compiled the hot code
    `let saved = false;`,
    `const firstCall = (f) => typeof f !== "function" ? f : function (...args) { const out = f.apply(this, args); if (!saved) { saved = true; Promise.resolve(out).finally(saveCodeCaches).catch(() => {}); } return out; };`,
    ...exports.map(exported),
  ].join("\n");
  const stub = { ...c, stdin: { contents, resolveDir: root, sourcefile: `${name}-stub.js`, loader: "js" } };
  if (!SCRIPTS[name].commonJsStub) return void (await esbuild.build({ ...stub, outfile: resolve(tmp, `${name}.js`) }));
  await esbuild.build({
    ...stub, format: "cjs", outfile: resolve(tmp, `${name}-thread.cjs`),
    define: { ...c.define, "import.meta.url": "__stubUrl" },
    banner: { js: `const __stubUrl = require("node:url").pathToFileURL(__filename).href;` },
  });
}

/** Node's own modules a bundle requires (`require("node:…")`, as esbuild writes them), each once, sorted. */
const builtinsOf = (body) => [...new Set(body.match(/(?<=require\(")node:[\w/]+(?="\))/g) ?? [])].sort();

const common = (outdir) => ({
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: EXTERNAL,
  define: { __PERPSIM_BUNDLE__: "true" },
  plugins: [throughStubs, sourceUrls(outdir)],
  logLevel: "warning",
  legalComments: "none",
  sourcemap: false,
});

const sha256 = async (file) => createHash("sha256").update(await readFile(file)).digest("hex");

/** Bundle each strategies/<name>.ts; returns the manifest (bundle file and source hashes per name). */
async function buildStrategies(tmp, outdir) {
  const names = (await readdir(strategiesDir)).filter((f) => f.endsWith(".ts") && NAME.test(f.slice(0, -3))).map((f) => f.slice(0, -3)).sort();
  const manifest = {};
  await Promise.all(names.map(async (name) => {
    const c = common(outdir);
    const { metafile } = await esbuild.build({
      ...c, plugins: [perpsimSelf, ...c.plugins],
      entryPoints: { [`strategy-${name}`]: resolve(strategiesDir, `${name}.ts`) }, outdir: tmp, metafile: true,
    });
    // the strategy's own files (not src/, which the rest of dist/ is built from): a change to any of them makes this bundle stale
    const own = Object.keys(metafile.inputs).map((i) => resolve(root, i)).filter((f) => !f.startsWith(resolve(root, "src") + sep) && !f.includes(`${sep}node_modules${sep}`));
    const inputs = {};
    for (const f of own.sort()) inputs[relative(strategiesDir, f).split(sep).join("/")] = await sha256(f);
    manifest[name] = { file: `strategy-${name}.js`, inputs };
  }));
  return Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
}

/** Build everything above into `outdir` (replacing it whole); returns its absolute path. */
export async function build(outdir = resolve(root, "dist")) {
  outdir = resolve(outdir);
  // built beside outdir (same depth: the relative source URLs hold), then swapped in
  const tmp = resolve(dirname(outdir), `.${basename(outdir)}.build-${process.pid}-${Date.now()}`);
  try {
    const [, , , manifest] = await Promise.all([
      esbuild.build({
        ...common(outdir),
        entryPoints: { cli: resolve(root, "src/cli.ts") },
        outdir: tmp,
        splitting: true,
        chunkNames: "[name]-[hash]",
        // src/cli.ts starts with a tsx shebang (`#!/usr/bin/env -S npx tsx`); the bundle runs on plain node
        banner: { js: "#!/usr/bin/env node" },
      }),
      Promise.all(Object.keys(SCRIPTS).map((name) => buildScript(name, tmp, outdir))),
      esbuild.build({
        ...common(outdir),
        entryPoints: {
          "thread-backtest": resolve(root, "src/cli/threads/backtest.ts"),
          "thread-stress-probe": resolve(root, "src/cli/threads/stressProbe.ts"),
          "thread-render": resolve(root, "src/report/renderThread.ts"),
        },
        outdir: tmp,
      }),
      buildStrategies(tmp, outdir),
    ]);
    await writeFile(resolve(tmp, "strategies.json"), JSON.stringify(manifest, null, 2) + "\n");
    const old = `${tmp}.old`;
    await rename(outdir, old).catch((err) => {
      if (err.code !== "ENOENT") throw err;
    });
    await rename(tmp, outdir);
    await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build(process.argv[2]);
}
