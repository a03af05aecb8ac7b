/** The isolated thread that runs a strategy book's path 0 before a stress run: bundled as dist/thread-stress-probe.js. */
import { probePathZero } from "../commands/stressProbe.ts";
import { serveIsolated } from "./serve.ts";

await serveIsolated(probePathZero);
