import { existsSync, readdirSync } from "node:fs";
import { register } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "../errors/index.ts";
import { compiledStrategy } from "./compiled.ts";
import { isStrategy } from "./define.ts";
import type { Strategy } from "./types.ts";
import { registerTypeScript, runningCompiled } from "./typescript.ts";

/** The folder of shipped and user strategies: a file `strategies/NAME.ts` is the strategy `--strategy NAME`. */
export const STRATEGIES_DIR = new URL("../../strategies/", import.meta.url);

const NAME = /^[a-z0-9][a-z0-9_-]*$/i;
const looksLikePath = (s: string) => /[\\/]/.test(s) || /\.(ts|mts|js|mjs)$/.test(s);

/** Why a strategy module did not load: a syntax error (esbuild's, through tsx) as file:line:column and its text. */
function loadError(err: unknown, file: string): string {
  const first = (err as { errors?: { text?: string; location?: { line?: number; column?: number } | null }[] }).errors?.[0];
  if (first?.text) return first.location ? `${file}:${first.location.line}:${(first.location.column ?? 0) + 1}: ${first.text}` : `${file}: ${first.text}`;
  const lines = ((err as Error)?.message ?? String(err)).replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  if (!/^Transform failed/.test(lines[0]) || !lines[1]) return lines[0];
  // tsx (esbuild): "<file>:1:16: ERROR: Expected …" on the next line; vite (tests): "[PARSE_ERROR] Unexpected token" and the place below
  if (/ ERROR: /.test(lines[1])) return lines[1].replace(/ ERROR: /, " ");
  const at = /:(\d+):(\d+)\s*\]/.exec(lines.slice(2).join("\n"));
  const text = lines[1].replace(/^\[[A-Z_]+\]\s*/, "");
  return at ? `${file}:${at[1]}:${at[2]}: ${text}` : `${file}: ${text}`;
}

/**
 * The names of the strategies in strategies/: every `.ts` file whose default export is a strategy
 * (helper modules such as legs.ts are skipped), sorted.
 */
export async function listStrategies(): Promise<string[]> {
  const names = readdirSync(STRATEGIES_DIR).filter((f) => f.endsWith(".ts") && NAME.test(f.slice(0, -3))).map((f) => f.slice(0, -3)).sort();
  const found: string[] = [];
  for (const name of names) {
    const bundle = compiledStrategy(name, STRATEGIES_DIR);
    const mod = (await (bundle ? import(bundle) : importModule(new URL(`${name}.ts`, STRATEGIES_DIR).href)).catch(() => ({}))) as Record<string, unknown>;
    if (isStrategy(mod.default)) found.push(name);
  }
  return found;
}

/** A strategy's name (a file in strategies/) or a path to a module whose default export was made with defineStrategy. */
export async function loadStrategy(nameOrPath: string): Promise<Strategy> {
  const key = nameOrPath.trim();
  let file: string;
  let bundle: string | null = null;
  if (looksLikePath(key)) {
    file = resolve(key);
    if (!existsSync(file)) throw new InputError(`--strategy ${key}: no such file`);
  } else {
    const own = NAME.test(key) ? new URL(`${key}.ts`, STRATEGIES_DIR) : null;
    if (!own || !existsSync(own)) throw new InputError(`--strategy: unknown strategy '${key}' (in strategies/: ${(await listStrategies()).join(", ")}; or a file path)`);
    file = own.pathname;
    bundle = compiledStrategy(key, STRATEGIES_DIR); // the compiled CLI's bundle of it, when its sources are unchanged
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await (bundle ? import(bundle) : importModule(pathToFileURL(file).href))) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`--strategy ${key}: cannot load: ${loadError(err, file)}`);
  }
  if (!isStrategy(mod.default)) throw new InputError(`--strategy ${key}: does not export a strategy (its default export must be made with defineStrategy)`);
  return mod.default;
}

/**
 * A strategy file anywhere may `import { defineStrategy } from "perpsim"`. Inside this package Node
 * resolves that by the package's own `exports`. For a file outside it (a user's folder) this
 * thread's module loader is taught, once, two things: resolve `perpsim` as this package does
 * (unless the importing folder has a perpsim of its own: its node_modules win), and load a `.ts`
 * file outside any `"type": "module"` package as an ES module (tsx would otherwise compile it to
 * CommonJS, whose require() these hooks do not see). Strategy files are ES modules.
 */
let taught: Promise<void> | null = null;
async function importModule(url: string): Promise<unknown> {
  taught ??= (async () => {
    // The compiled CLI (dist/) has no TypeScript loader of its own: tsx's hooks go in first, so that the
    // hooks below (registered later, so consulted first) still make a strategy file an ES module.
    if (runningCompiled) await registerTypeScript();
    register(`data:text/javascript,${encodeURIComponent(RESOLVE_PERPSIM)}`, { data: { self: new URL("../../package.json", import.meta.url).href } });
  })();
  await taught;
  return import(url);
}

const RESOLVE_PERPSIM = `
let self;
export function initialize(data) { self = data.self; }
export async function resolve(specifier, context, next) {
  let r;
  if (specifier === "perpsim" || specifier.startsWith("perpsim/")) {
    try { r = await next(specifier, context); } catch { r = await next(specifier, { ...context, parentURL: self }); }
  } else r = await next(specifier, context);
  if (r.format === "commonjs" && /^file:.*\\.m?ts$/.test(r.url) && !r.url.includes("/node_modules/")) return { ...r, format: "module" };
  return r;
}`;
