/**
 * The compiled build (`npm run build`, run by `prepare` on `npm ci` / `npm install`): esbuild bundles
 * our TypeScript into plain ESM JavaScript in dist/, so the CLI and the pool's threads start without
 * tsx compiling ~90 modules on every run.
 *
 *   dist/cli.js      the CLI entry (`bin`, `npm start`); each command stays a lazily loaded chunk beside
 *                    it (dist/chunk-*.js, dist/<command>-*.js), so `liq` never loads vega or danfojs
 *   dist/worker.js   the piscina worker, one module
 *
 * Only our code is bundled: every npm package stays an external import, resolved from node_modules at
 * run time. Two things differ from running the sources under tsx, both handled here:
 * - `import.meta.url` in each source file is rewritten to that source file's own URL, computed
 *   relative to the bundle at run time, so paths a module finds next to itself (../../data,
 *   package.json) mean the same from dist/ as from src/ and the tree stays relocatable;
 * - `__PERPSIM_BUNDLE__` is defined as true, which tells the pool to start dist/worker.js and the
 *   strategy loader to register tsx before importing a user's .ts strategy file.
 *
 * `node scripts/build.mjs [OUTDIR]` (default dist/). `build(outdir)` is what the tests call.
 */
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

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

const common = (outdir) => ({
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  define: { __PERPSIM_BUNDLE__: "true" },
  plugins: [sourceUrls(outdir)],
  logLevel: "warning",
  legalComments: "none",
  sourcemap: false,
});

/** Build dist/cli.js (+ its lazily loaded chunks) and dist/worker.js into `outdir`. */
export async function build(outdir = resolve(root, "dist")) {
  outdir = resolve(outdir);
  await Promise.all([
    esbuild.build({
      ...common(outdir),
      entryPoints: { cli: resolve(root, "src/cli.ts") },
      outdir,
      splitting: true,
      chunkNames: "[name]-[hash]",
      // src/cli.ts starts with a tsx shebang (`#!/usr/bin/env -S npx tsx`); the bundle runs on plain node
      banner: { js: "#!/usr/bin/env node" },
    }),
    esbuild.build({
      ...common(outdir),
      entryPoints: { worker: resolve(root, "src/stress/worker.ts") },
      outdir,
    }),
  ]);
  return outdir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build(process.argv[2]);
}
