import { BootstrapHistory } from "../paths/index.ts";
import { type StressConfig } from "../stress/index.ts";
import { InputError } from "../errors/index.ts";
import { QUEUE_SCHEMA } from "./protocol.ts";

/**
 * A run spec, stored once per run under its Redis key: the 8-byte magic `PSIMRUN1`, the header's
 * length (uint32 LE), the header (UTF-8 JSON: versions, fingerprint, the resolved config), then a
 * bootstrap model's history as float64 LE (returns of each asset, then funding of each asset), which
 * the JSON only summarises.
 */
export const RUN_SPEC_MAGIC = "PSIMRUN1";

export interface RunSpecHeader {
  version: string;
  schema: number;
  fingerprint: string;
  config: StressConfig;
  /** a bootstrap history's shape (its numbers follow the header), else null */
  history: { assets: number; hours: number; scale: number[]; firstHour: string; lastHour: string } | null;
}

export interface RunSpec {
  version: string;
  schema: number;
  fingerprint: string;
  config: StressConfig;
}

export function encodeRunSpec(spec: RunSpec): Buffer {
  const { config } = spec;
  const arrays: Float64Array[] = [];
  let history: RunSpecHeader["history"] = null;
  if (config.model.type === "bootstrap") {
    const h = config.model.history;
    history = { assets: h.returns.length, hours: h.returns[0]?.length ?? 0, scale: h.scale, firstHour: h.firstHour, lastHour: h.lastHour };
    arrays.push(...h.returns, ...h.fundingPer8h);
  }
  const header: RunSpecHeader = { ...spec, schema: QUEUE_SCHEMA, history };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const numbers = arrays.reduce((n, a) => n + a.length, 0);
  const out = Buffer.alloc(RUN_SPEC_MAGIC.length + 4 + json.length + numbers * 8);
  out.write(RUN_SPEC_MAGIC, 0, "latin1");
  out.writeUInt32LE(json.length, RUN_SPEC_MAGIC.length);
  json.copy(out, RUN_SPEC_MAGIC.length + 4);
  let at = RUN_SPEC_MAGIC.length + 4 + json.length;
  for (const a of arrays) for (let i = 0; i < a.length; i++, at += 8) out.writeDoubleLE(a[i], at);
  return out;
}

/**
 * Read a run spec. The versions are the caller's to check (a worker refuses other ones with its own
 * message); a spec that is not whole is an error naming `what`.
 */
export function decodeRunSpec(bytes: Buffer, what: string): RunSpec {
  const fail = (why: string): never => {
    throw new InputError(`${what}: ${why}`);
  };
  if (bytes.length < RUN_SPEC_MAGIC.length + 4 || bytes.toString("latin1", 0, RUN_SPEC_MAGIC.length) !== RUN_SPEC_MAGIC) fail("not a perpsim run spec");
  const length = bytes.readUInt32LE(RUN_SPEC_MAGIC.length);
  const dataAt = RUN_SPEC_MAGIC.length + 4 + length;
  if (dataAt > bytes.length) fail("truncated run spec");
  const header = JSON.parse(bytes.toString("utf8", RUN_SPEC_MAGIC.length + 4, dataAt)) as RunSpecHeader;
  const { version, schema, fingerprint, history } = header;
  let config = header.config;
  if (history) {
    if (config.model.type !== "bootstrap") fail("history given for a model that is not a bootstrap");
    const { assets, hours } = history;
    if (bytes.length !== dataAt + 2 * assets * hours * 8) fail(`truncated run spec: ${bytes.length - dataAt} bytes of history, expected ${2 * assets * hours * 8}`);
    const read = (k: number) => {
      const a = new Float64Array(new SharedArrayBuffer(hours * 8)); // shared with the pool's threads, as the loader's are
      for (let i = 0; i < hours; i++) a[i] = bytes.readDoubleLE(dataAt + (k * hours + i) * 8);
      return a;
    };
    const returns = Array.from({ length: assets }, (_, k) => read(k));
    const funding = Array.from({ length: assets }, (_, k) => read(assets + k));
    config = { ...config, model: { ...config.model, history: new BootstrapHistory(returns, funding, history.scale, history.firstHour, history.lastHour) } } as StressConfig;
  }
  return { version, schema, fingerprint, config };
}
