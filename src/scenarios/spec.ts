import { InputError } from "../market/index.ts";
import { ConfigReader } from "../errors/index.ts";
import { parseCrash } from "./crashSpec.ts";
import { MIN_SETTLE_HOURS } from "../paths/index.ts";
import { CRASHES } from "./crashes.ts";
import type { GridSpec } from "./grid.ts";
import type { CrashReplaySpec } from "./replay.ts";
import type { CorrelationSpikeSpec } from "./spike.ts";
import type { FundingSqueezeSpec } from "./squeeze.ts";

export type ScenarioSpec = CorrelationSpikeSpec | CrashReplaySpec | FundingSqueezeSpec | GridSpec;

/** Named presets, listed by `perpsim scenarios`; every one is also writable as JSON. */
export const SCENARIO_PRESETS: Readonly<Record<string, { summary: string; spec: ScenarioSpec }>> = {
  "correlation-spike": {
    summary: "correlation → 0.95 for 48 h at a random hour of the first week, vol ×2.5, drift −300 %/yr; relaxes over 24 h",
    spec: { type: "correlation-spike", target: 0.95, start: { randomBeforeHour: 168 }, durationHours: 48, volMultiplier: 2.5, driftShock: -3, relaxHours: 24 },
  },
  ...Object.fromEntries(
    Object.values(CRASHES).map((c) => [c.name, { summary: `crash replay: ${c.description}`, spec: { type: "crash-replay", crash: c, startHour: 24 } as CrashReplaySpec }]),
  ),
  "funding-squeeze": {
    summary: "funding held at the venue's cap (longs pay) for 3 weeks, then 0.01 %/8h",
    spec: { type: "funding-squeeze", ratePer8h: "cap", hours: 21 * 24, afterPer8h: 0.0001, settleEveryHours: 8 },
  },
  "span-grid": {
    summary: "SPAN-style grid: 0, ±⅓, ±⅔, ±1 × scan range (BTC 15 %, ETH 20 %, SOL 30 %, others 35 %), vol up 50 % / down 25 %, ±2 extremes at 35 %",
    spec: { type: "grid", scanRange: { BTC: 0.15, ETH: 0.2, SOL: 0.3, default: 0.35 }, volUp: 0.5, volDown: 0.25, extremeWeight: 0.35 },
  },
};

const TYPES = ["correlation-spike", "crash-replay", "funding-squeeze", "grid"];

/** A scenario by preset name or as a JSON object (`{ "type": ..., ... }`, or `{ "preset": name, ...overrides }`). */
export function parseScenario(value: unknown, source = "scenario"): ScenarioSpec {
  const r = new ConfigReader(source);
  if (typeof value === "string") {
    const preset = Object.hasOwn(SCENARIO_PRESETS, value) ? SCENARIO_PRESETS[value] : undefined;
    if (!preset) throw new InputError(`${source}: unknown scenario "${value}" (known: ${Object.keys(SCENARIO_PRESETS).join(", ")})`);
    return preset.spec;
  }
  const o = { ...r.object(value, "scenario") };
  if (o.preset !== undefined) {
    const base = parseScenario(r.string(o, "preset", "scenario"), source);
    delete o.preset;
    return parseScenario({ ...base, ...o }, source);
  }
  const type = r.string(o, "type", "scenario", { oneOf: TYPES });
  const f = "scenario";
  switch (type) {
    case "correlation-spike": {
      r.onlyKeys(o, f, ["type", "target", "start", "durationHours", "volMultiplier", "driftShock", "relaxHours"]);
      const s = r.object(o.start ?? { hour: 0 }, "scenario.start");
      const start = s.hour !== undefined ? { hour: r.number(s, "hour", "scenario.start", { ge: 0 }) } : { randomBeforeHour: r.number(s, "randomBeforeHour", "scenario.start", { gt: 0 }) };
      return {
        type,
        target: r.number(o, "target", f, { gt: -1, lt: 1 }),
        start,
        durationHours: r.number(o, "durationHours", f, { gt: 0 }),
        volMultiplier: r.number(o, "volMultiplier", f, { gt: 0, default: 1 }),
        driftShock: r.number(o, "driftShock", f, { default: 0 }),
        relaxHours: r.number(o, "relaxHours", f, { ge: 0, default: 0 }),
      };
    }
    case "crash-replay": {
      r.onlyKeys(o, f, ["type", "crash", "startHour"]);
      return { type, crash: parseCrash(o.crash, source), startHour: r.number(o, "startHour", f, { ge: 0, default: 24 }) };
    }
    case "funding-squeeze": {
      r.onlyKeys(o, f, ["type", "ratePer8h", "hours", "afterPer8h", "settleEveryHours"]);
      return {
        type,
        ratePer8h: o.ratePer8h === "cap" || o.ratePer8h === undefined ? "cap" : r.number(o, "ratePer8h", f, { gt: -1, lt: 1 }),
        hours: r.number(o, "hours", f, { gt: 0 }),
        afterPer8h: r.number(o, "afterPer8h", f, { gt: -1, lt: 1, default: 0.0001 }),
        settleEveryHours: r.number(o, "settleEveryHours", f, { ge: MIN_SETTLE_HOURS, default: 8 }),
      };
    }
    default: {
      r.onlyKeys(o, f, ["type", "scanRange", "volUp", "volDown", "extremeWeight"]);
      const ranges = r.object(o.scanRange, "scenario.scanRange");
      const scanRange: Record<string, number> = {};
      for (const k of Object.keys(ranges)) scanRange[k] = r.number(ranges, k, "scenario.scanRange", { gt: 0, le: 1 });
      return {
        type: "grid",
        scanRange,
        volUp: r.number(o, "volUp", f, { ge: 0, default: 0.5 }),
        volDown: r.number(o, "volDown", f, { ge: 0, lt: 1, default: 0.25 }),
        extremeWeight: r.number(o, "extremeWeight", f, { ge: 0, le: 1, default: 0.35 }),
      };
    }
  }
}

const pct = (x: number) => `${+(x * 100).toFixed(4)} %`;

/** One line saying what a scenario does, for summary.settings and the report header. */
export function describeScenario(spec: ScenarioSpec): string {
  switch (spec.type) {
    case "correlation-spike": {
      const at = "hour" in spec.start ? `at hour ${spec.start.hour}` : `at a random hour before ${spec.start.randomBeforeHour}`;
      return `correlation spike to ${spec.target} (of the diffusive shocks; jumps keep their own) ${at} for ${spec.durationHours} h, vol ×${spec.volMultiplier}, drift shock ${spec.driftShock}/yr, relaxing over ${spec.relaxHours} h`;
    }
    case "crash-replay":
      return `crash replay ${spec.crash.name} from hour ${spec.startHour} (${spec.crash.description})`;
    case "funding-squeeze":
      return `funding squeeze at ${spec.ratePer8h === "cap" ? "the venue's cap" : `${pct(spec.ratePer8h)}`} per 8h for ${spec.hours} h (longs pay), then ${pct(spec.afterPer8h)}; settled every ${spec.settleEveryHours} h`;
    case "grid":
      return `SPAN-style grid, scan ranges ${JSON.stringify(spec.scanRange)}`;
  }
}
