import { InputError } from "../../market/index.ts";
import { readStressConfig } from "../stressConfigFile.ts";
import { evaluateGrid, parseScenario, SCENARIO_PRESETS } from "../../scenarios/index.ts";
import { parseJson } from "../../stress/index.ts";
import { baseAsset } from "../../venues/index.ts";
import { parseFlags } from "../args.ts";

export const usage = `usage:
  perpsim scenarios                       list the presets (use them with perpsim stress --scenario NAME)
  perpsim scenarios show NAME             print a preset as JSON, to edit and pass as --scenario '{...}'
  perpsim scenarios grid --config FILE [--scenario span-grid|JSON]
                                          the SPAN-style grid on the config's portfolio, instantly: worst loss per mode`;

/**
 * `perpsim scenarios` lists the presets; `scenarios show <name>` prints one as JSON (edit it and pass the
 * object as a scenario); `scenarios grid --config <stress.json> [--scenario span-grid|file.json]` evaluates
 * the SPAN-style grid on the config's portfolio instantly.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { config: { type: "string" }, scenario: { type: "string" } }, true);
  const [sub, name] = positionals;
  if (sub === undefined || sub === "list") {
    const width = Math.max(...Object.keys(SCENARIO_PRESETS).map((k) => k.length));
    for (const [key, p] of Object.entries(SCENARIO_PRESETS)) console.log(`${key.padEnd(width)}  ${p.summary}`);
    return 0;
  }
  if (sub === "show") {
    if (!name) throw new InputError("scenarios show: name a scenario (see `perpsim scenarios`)");
    console.log(JSON.stringify(parseScenario(name), null, 2));
    return 0;
  }
  if (sub === "grid") {
    if (!values.config) throw new InputError("--config is required (a stress config with a portfolio)");
    const { config } = await readStressConfig(values.config);
    if (config.book.kind !== "portfolio") throw new InputError(`${values.config}: the grid needs a portfolio, not a strategy`);
    const arg = values.scenario?.trim();
    const spec = parseScenario(arg === undefined ? "span-grid" : arg.startsWith("{") ? parseJson(arg, "--scenario") : arg, "--scenario");
    if (spec.type !== "grid") throw new InputError(`--scenario: '${values.scenario}' is a ${spec.type} scenario; the grid command takes a grid`);
    const r = evaluateGrid(spec, config.book.legs, config.initialBalance, baseAsset);
    const show = (s: typeof r.worst.cross) => Object.entries(s.moves).map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join(", ") + ` (vol ${s.vol}${s.extreme ? `, extreme ×${spec.extremeWeight}` : ""})`;
    console.log(`${r.scenarios.length} scenarios on a balance of ${config.initialBalance}`);
    console.log(`worst loss, cross:    ${r.worst.cross.crossLoss.toFixed(2)}  at ${show(r.worst.cross)}`);
    console.log(`worst loss, isolated: ${r.worst.isolated.isolatedLoss.toFixed(2)}  at ${show(r.worst.isolated)}`);
    return 0;
  }
  throw new InputError(`scenarios: unknown subcommand '${sub}' (list, show <name>, grid --config FILE)`);
}
