import { InputError } from "../market/index.ts";
import { startStressThreadsAhead } from "./stressAhead.ts";

type Command = (argv: string[]) => Promise<number>;
/** A command module: `run`, and optionally its `usage` text, printed for `--help` / `-h` anywhere in its arguments. */
type CommandModule = { run: Command; usage?: string };

/** Each command lives in its own module, loaded only when called (danfojs and vega are slow to import). */
const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  start: { summary: "the default job on the shipped data (what `npm start` runs)", load: () => import("./commands/start.ts") },
  data: { summary: "list, inspect and validate datasets", load: () => import("./commands/data.ts") },
  liq: { summary: "liquidation-price calculator, cross beside isolated", load: () => import("./commands/liq.ts") },
  venues: { summary: "show a venue's dated table for a symbol; fetch newer tables (update)", load: () => import("./commands/venues.ts") },
  backtest: { summary: "replay a strategy on real candles under each margin mode", load: () => import("./commands/backtest.ts") },
  stress: { summary: "Monte Carlo stress test on correlated-shock paths", load: () => import("./commands/stress.ts") },
  scenarios: { summary: "list the stress scenario presets", load: () => import("./commands/scenarios.ts") },
  calibrate: { summary: "estimate a stress model from the data", load: () => import("./commands/calibrate.ts") },
  report: { summary: "re-render report.html from a results folder", load: () => import("./commands/report.ts") },
  worker: { summary: "join a Redis queue and run chunks of stress --queue runs", load: () => import("./commands/worker.ts") },
  merge: { summary: "merge the shards of a stress run (stress --shard i/n) into one run's outputs", load: () => import("./commands/merge.ts") },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ["usage: perpsim <command> [options]", "", "commands:", ...lines, "", "perpsim <command> --help for the options of one command."].join("\n");
}

/**
 * Run the command of `argv`. `tuneV8` sets the process's V8 flags (the compiled CLI's, cli.ts): called once,
 * after the command's module has loaded (under V8's defaults, cli.ts says why) and the stress pool's threads
 * started ahead have booted (stressAhead.ts), before the command runs.
 */
export async function main(argv: string[], tuneV8: () => void = () => {}): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  // the stress pool's threads start while the command loads (stressAhead.ts: in the entry's own bundle, piscina required only then)
  const ahead = name === "stress" ? startStressThreadsAhead(rest) : null;
  try {
    if (!command) throw new InputError(`unknown command '${name}' (try: ${Object.keys(commands).join(", ")})`);
    const { run, usage } = await command.load();
    if (ahead) ahead.tune(tuneV8);
    else tuneV8();
    if (usage && rest.some((a) => a === "--help" || a === "-h")) {
      console.log(usage);
      return 0;
    }
    return await run(rest);
  } catch (err) {
    // by name: a user's .ts strategy loaded through tsx from the compiled CLI has its own copy of the classes,
    // and so has a command the compiled CLI runs from its own script bundle (scripts/build.mjs); and the
    // entry point then loads no thread or strategy code (isolate.ts's Interrupted) before the command
    if (err instanceof Error && err.name === "Interrupted") {
      console.error(`perpsim ${name}: interrupted; nothing written`);
      return 130;
    }
    if (err instanceof InputError || (err instanceof Error && err.name === "InputError")) {
      console.error(`perpsim ${name ?? ""}: ${err.message}`.replace(/\s+/g, " ").trim());
      return 1;
    }
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
    return 2;
  } finally {
    await ahead?.stop();
  }
}
