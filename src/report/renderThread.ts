/**
 * The second chart renderer of the compiled CLI (bundled as dist/thread-render.js, see renderPool.ts):
 * loads vega at start, then draws each chart it is sent and posts the result back.
 */
import { parentPort } from "node:worker_threads";
import type { Chart } from "./charts/chart.ts";
import { renderChart } from "./render.ts";

export type RenderRequest = { id: number; chart: Chart };
export type RenderReply = { id: number; ok: true; rendered: Awaited<ReturnType<typeof renderChart>> } | { id: number; ok: false; message: string; stack?: string };

const port = parentPort!;
port.on("message", (req: RenderRequest) => {
  renderChart(req.chart).then(
    (rendered) => port.postMessage({ id: req.id, ok: true, rendered } satisfies RenderReply),
    (err: unknown) => port.postMessage({ id: req.id, ok: false, message: (err as Error)?.message ?? String(err), stack: (err as Error)?.stack } satisfies RenderReply),
  );
});
