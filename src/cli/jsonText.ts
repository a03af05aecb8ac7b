import { InputError } from "../market/index.ts";

/**
 * A JSON file's text parsed, a byte-order mark skipped (as editors on Windows write it, and as CSVs and
 * stress configs accept it). Light on purpose: `liq` loads it, and must not load the Monte Carlo room.
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new InputError(`${source}: not valid JSON (${(err as Error).message.split("\n")[0]})`);
  }
}
