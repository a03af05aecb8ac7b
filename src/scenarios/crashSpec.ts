import { InputError } from "../errors/index.ts";
import { CRASHES, type CrashAnchor, type CrashPreset } from "./crashes.ts";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "number" ? String(v) : JSON.stringify(v) ?? String(v));

/**
 * A crash-replay scenario's `crash`: a recorded crash by name, or an object with at least one anchor
 * `{ hour, move: { <asset>: simple return, ..., other } }`, hours increasing, every move a number
 * above −1 (a price cannot fall below zero) and at most 10 (+1000 %).
 */
export function parseCrash(value: unknown, source: string): CrashPreset {
  const field = `${source}: scenario.crash`;
  if (typeof value === "string") {
    if (Object.hasOwn(CRASHES, value)) return CRASHES[value];
    throw new InputError(`${field}: unknown crash "${value}" (known: ${Object.keys(CRASHES).join(", ")})`);
  }
  if (!isObject(value)) throw new InputError(`${field}: must name a recorded crash (${Object.keys(CRASHES).join(", ")}) or be an object with anchors`);
  const known = ["name", "date", "description", "anchors", "fundingPer8h", "fundingHours"];
  for (const k of Object.keys(value)) if (!known.includes(k)) throw new InputError(`${field}.${k}: unknown field (known: ${known.join(", ")})`);
  const anchorsIn = value.anchors;
  if (!Array.isArray(anchorsIn) || anchorsIn.length === 0) throw new InputError(`${field}.anchors: must be a non-empty list of { hour, move }`);
  let last = 0;
  const anchors: CrashAnchor[] = anchorsIn.map((a, i) => {
    const at = `${field}.anchors[${i}]`;
    if (!isObject(a)) throw new InputError(`${at}: must be an object { hour, move }`);
    const hour = a.hour;
    if (typeof hour !== "number" || !Number.isFinite(hour) || !(hour > last)) {
      throw new InputError(`${at}.hour: must be a number of hours after the crash starts, above ${last}, got ${show(hour)}`);
    }
    last = hour;
    if (!isObject(a.move)) throw new InputError(`${at}.move: must be an object of moves per asset, e.g. { "BTC": -0.3, "other": -0.4 }`);
    const move: Record<string, number> = {};
    for (const [asset, m] of Object.entries(a.move)) {
      if (typeof m !== "number" || !Number.isFinite(m) || !(m > -1) || m > 10) {
        throw new InputError(`${at}.move.${asset}: must be a simple return above -1 and at most 10 (e.g. -0.3 for −30 %), got ${show(m)}`);
      }
      move[asset] = m;
    }
    if (!Object.hasOwn(move, "other")) throw new InputError(`${at}.move.other: is required (the move of every asset not named)`);
    return { hour, move };
  });
  const text = (k: string, d: string) => (typeof value[k] === "string" ? (value[k] as string) : d);
  const num = (k: string, d: number, ok: (x: number) => boolean, rule: string) => {
    const x = value[k];
    if (x === undefined) return d;
    if (typeof x !== "number" || !Number.isFinite(x) || !ok(x)) throw new InputError(`${field}.${k}: must be ${rule}, got ${show(x)}`);
    return x;
  };
  return {
    name: text("name", "custom"),
    date: text("date", ""),
    description: text("description", "a crash given as anchors"),
    anchors,
    fundingPer8h: num("fundingPer8h", 0, (x) => Math.abs(x) < 1, "a rate per 8 h between -1 and 1"),
    fundingHours: num("fundingHours", 0, (x) => x >= 0, "a number of hours >= 0"),
  };
}
