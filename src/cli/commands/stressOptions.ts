/**
 * `perpsim stress`'s flags, for node's parseArgs: the command's own reading (stress.ts) and the early one
 * that starts its pool threads before the command loads (stressAhead.ts), in one table.
 */
export const STRESS_OPTIONS = {
  config: { type: "string" }, model: { type: "string" }, paths: { type: "string" }, seed: { type: "string" }, workers: { type: "string" },
  out: { type: "string" }, force: { type: "boolean" }, "no-report": { type: "boolean" }, help: { type: "boolean", short: "h" },
  scenario: { type: "string" }, sweep: { type: "string", multiple: true }, "max-memory": { type: "string" }, timeout: { type: "string" }, data: { type: "string" }, shard: { type: "string" }, queue: { type: "string" }, "chunk-paths": { type: "string" },
} as const;
