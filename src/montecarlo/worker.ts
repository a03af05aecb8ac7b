import { move } from "piscina";
import type { StressConfig } from "./config.ts";
import { PATH_FIELDS } from "./pathResult.ts";
import { PathSimulator } from "./simulate.ts";

/** One chunk of paths for a worker: the validated config and a contiguous range of path indices. */
export interface ChunkTask {
  config: StressConfig;
  /** identifies the config, so a worker builds its simulator once per run */
  configKey: string;
  start: number;
  count: number;
}

let cached: { key: string; simulator: PathSimulator } | null = null;

/** Simulate paths [start, start + count) and return their compact results (see pathResult.ts). */
export function simulateChunk(task: ChunkTask): Float64Array {
  if (!cached || cached.key !== task.configKey) cached = { key: task.configKey, simulator: new PathSimulator(task.config) };
  const sim = cached.simulator;
  const out = new Float64Array(task.count * sim.modes * PATH_FIELDS);
  for (let k = 0; k < task.count; k++) sim.run(task.start + k, out, k * sim.modes * PATH_FIELDS);
  return out;
}

/** The piscina task: results go back transferred, never copied, and never as whole paths. */
export default function (task: ChunkTask): Float64Array {
  return move(simulateChunk(task)) as Float64Array;
}
