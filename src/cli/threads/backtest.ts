/** The backtest's isolated thread: bundled on its own as dist/thread-backtest.js (scripts/build.mjs). */
import { backtestThread } from "../commands/backtestJob.ts";
import { serveIsolated } from "./serve.ts";

await serveIsolated(backtestThread);
