import { dirname, resolve } from "node:path";
import { InputError } from "../market/index.ts";
import { parseJson } from "../stress/index.ts";
import { readConfigText } from "./stressConfigFile.ts";

/** A stress config's text and where it came from, after any model file it names has been folded in. */
export interface ComposedConfig {
  source: string;
  text: string;
  /** one line for the terminal when the book or the model came from somewhere else than the config */
  note: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** The book `stress --model FILE` runs without a config: each model asset long at 2x, half the balance as margin in equal shares. */
const DEFAULT_BOOK = { venue: "binance", initialBalance: 10000, horizonHours: 720, stepMinutes: 60, paths: 2000, seed: 1, modes: ["cross", "isolated"] };

/**
 * The config `stress` runs: `--config FILE` as written, with its model taken from a model file when
 * `--model F` is given or the config's `"model"` is a path (relative to the config): a file `perpsim
 * calibrate` wrote (`{ model, funding }`) or a bare model object. The config's own funding wins over the
 * file's. With `--model` alone the default book runs. The text returned is the composed config, so a
 * shard carries everything `merge` needs to rebuild the run.
 */
export async function composeStressConfig(configFile: string | undefined, modelFlag: string | undefined): Promise<ComposedConfig> {
  if (configFile === undefined && modelFlag === undefined) throw new InputError("--config is required (or --model FILE to run a model file on the default book)");
  let raw: Obj | null = null;
  let text = "";
  if (configFile !== undefined) {
    text = await readConfigText(configFile);
    const parsed = parseJson(text, configFile);
    if (!isObj(parsed)) return { source: configFile, text, note: null }; // the config's own validation names the problem
    raw = parsed;
  }
  const modelPath = modelFlag ?? (raw && typeof raw.model === "string" ? resolve(dirname(configFile!), raw.model) : undefined);
  if (modelPath === undefined) return { source: configFile!, text, note: null };

  const fragment = parseJson(await readConfigText(modelPath), modelPath);
  if (!isObj(fragment)) throw new InputError(`${modelPath}: a model file holds a JSON object ({ "model": …, "funding": … } as perpsim calibrate writes it)`);
  const model = isObj(fragment.model) ? fragment.model : "assets" in fragment ? fragment : null;
  if (!model) throw new InputError(`${modelPath}: model: missing (expected { "model": { "type": …, "assets": … } })`);
  if (raw === null) {
    const assets = isObj(model.assets) ? Object.keys(model.assets) : [];
    if (assets.length === 0) throw new InputError(`${modelPath}: model.assets: names no asset`);
    const portfolio = assets.map((symbol) => ({ symbol, side: "long", leverage: 2, weight: 0.5 / assets.length }));
    const composed = { ...DEFAULT_BOOK, portfolio, model, ...(isObj(fragment.funding) ? { funding: fragment.funding } : {}) };
    return {
      source: modelPath,
      text: JSON.stringify(composed, null, 2) + "\n",
      note: `no --config: the default book, each of ${assets.join(", ")} long at 2x with an equal share of half of 10,000 USDT as margin (Binance, 30 days, 2,000 paths)`,
    };
  }
  const composed = { ...raw, model, ...(raw.funding === undefined && isObj(fragment.funding) ? { funding: fragment.funding } : {}) };
  return { source: configFile!, text: JSON.stringify(composed, null, 2) + "\n", note: `model from ${modelPath}` };
}
