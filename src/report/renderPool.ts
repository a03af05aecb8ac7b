import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Chart } from "./charts/chart.ts";
import type { RenderedChart } from "./render.ts";
import type { RenderReply, RenderRequest } from "./renderThread.ts";

declare const __PERPSIM_BUNDLE__: true | undefined;

/**
 * Charts are drawn by vega's headless renderer, whose cost is mostly per chart (parsing the spec,
 * building its dataflow, cold code), not per datum. When a core is free (two cores or more, and the
 * load average below one less than their number) the compiled CLI draws them on two threads: this one
 * and dist/thread-render.js, started early (`startRenderThread`, while a backtest's own thread runs) so
 * that vega is loaded there by the time the charts are ready. On a busy machine a second thread only
 * adds its start-up and its own cold code (measured: more wall time and CPU under a load of 15 on 2
 * cores). Under tsx and vitest, on one core or a busy machine, every chart is drawn here. The page is
 * the same either way: each chart's SVG depends only on its spec (render.ts renumbers vega's
 * process-wide clip ids per chart).
 */
let thread: RenderThread | null = null;

export function startRenderThread(): void {
  if (thread === null && typeof __PERPSIM_BUNDLE__ !== "undefined" && aCoreIsFree()) thread = new RenderThread(join(import.meta.dirname, "thread-render.js"));
}

/** PERPSIM_RENDER_THREADS=1 or 2 decides instead (the tests use it to draw on two threads whatever the load). */
function aCoreIsFree(): boolean {
  const forced = process.env.PERPSIM_RENDER_THREADS;
  if (forced === "1" || forced === "2") return forced === "2";
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0] < cores - 1;
}

/**
 * Charts drawn ahead of their page (`drawAhead`): a page given the very same Chart object (its builder
 * hands out the same objects for the same input: charts/stress.ts `stressSampleCharts`) takes it from
 * here instead of drawing it again. Charts are plain data, never changed once built.
 */
const ahead = new Map<Chart, Promise<RenderedChart>>();
const MAX_AHEAD = 32; // charts drawn ahead of a page that never came (a run that failed) are dropped past this

/**
 * Start drawing charts on this thread, one after another, before their page is built (a stress run's
 * sample-path charts while the pool still simulates). A chart that fails here fails its page there.
 */
export function drawAhead(charts: Chart[], drawHere: (c: Chart) => Promise<RenderedChart>): void {
  if (ahead.size > MAX_AHEAD) ahead.clear();
  let previous: Promise<unknown> = Promise.resolve();
  for (const c of charts) {
    const drawn = previous.then(() => drawHere(c));
    drawn.catch(() => {}); // awaited by the page
    previous = drawn.catch(() => {});
    ahead.set(c, drawn);
  }
}

/**
 * Draw every chart; the results in the charts' order. Charts drawn ahead are taken as they are; of the
 * others, `drawHere` draws one on this thread. With the second thread, both take the next chart from one
 * queue (costliest first) as they become free, so a thread slowed down by the machine's other work takes fewer.
 */
export async function renderCharts(charts: Chart[], drawHere: (c: Chart) => Promise<RenderedChart>, secondThread = true): Promise<RenderedChart[]> {
  const out: RenderedChart[] = new Array(charts.length);
  const drawnAhead: Promise<void>[] = [];
  const toDraw: number[] = [];
  charts.forEach((c, i) => {
    const drawn = ahead.get(c);
    if (drawn === undefined) return void toDraw.push(i);
    ahead.delete(c);
    const taken = drawn.then((r) => void (out[i] = r));
    taken.catch(() => {}); // awaited below, unless drawing the others failed first
    drawnAhead.push(taken);
  });
  await drawCharts(charts, toDraw, out, drawHere, secondThread);
  await Promise.all(drawnAhead);
  return out;
}

/** Draw charts[i] for each i of `which` into out[i]: on this thread, and on the second one when it runs. */
async function drawCharts(charts: Chart[], which: number[], out: RenderedChart[], drawHere: (c: Chart) => Promise<RenderedChart>, secondThread: boolean): Promise<void> {
  if (secondThread && which.length >= 2) startRenderThread();
  const other = secondThread ? thread : null;
  const queue = byCost(charts, which);
  const take = async (draw: (c: Chart) => Promise<RenderedChart>) => {
    for (let i = queue.shift(); i !== undefined; i = queue.shift()) out[i] = await draw(charts[i]);
  };
  if (other === null || which.length < 2) return take(drawHere);
  thread = null; // one page's charts per thread: it stops when they are drawn
  try {
    // a chart's own error fails the page as it would here; a thread that cannot start or dies leaves its share to this one
    const drawThere = (c: Chart) => other.render(c).catch((err: unknown) => (err instanceof RenderThreadFailed ? drawHere(c) : Promise.reject(err)));
    const there = take(drawThere);
    there.catch(() => {}); // awaited below
    await take(drawHere);
    await there;
  } finally {
    other.stop();
  }
}

/** The indices `which` of the charts, costliest first: a fixed cost per chart (parsing its spec, building its dataflow) plus its rows. */
function byCost(charts: Chart[], which: number[]): number[] {
  const cost = (i: number) => 500 + Object.values(charts[i].spec.datasets).reduce((n, rows) => n + rows.length, 0);
  return which.map((i) => [i, cost(i)]).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([i]) => i);
}

class RenderThreadFailed extends Error {
  override name = "RenderThreadFailed";
}

class RenderThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: RenderedChart) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failed: Error | null = null;

  constructor(file: string) {
    this.worker = new Worker(pathToFileURL(file), { stdout: false, stderr: false });
    this.worker.on("message", (reply: RenderReply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (reply.ok) w.resolve(reply.rendered);
      else w.reject(Object.assign(new Error(reply.message), { stack: reply.stack ?? reply.message }));
    });
    const fail = (cause: Error) => {
      const err = new RenderThreadFailed(cause.message);
      this.failed = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the chart renderer thread stopped (exit ${code})`)));
    this.worker.unref(); // after the listeners (adding a 'message' one refs it again): kept alive only while a chart is drawn there
  }

  render(chart: Chart): Promise<RenderedChart> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, chart } satisfies RenderRequest);
    });
  }

  stop(): void {
    this.worker.removeAllListeners("exit");
    void this.worker.terminate();
  }
}
