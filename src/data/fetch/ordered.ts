import type { Chunk } from "./rows.ts";
import type { Task } from "./venue.ts";

/**
 * Run up to `ahead` tasks at once and hand their chunks back in task order. A failure surfaces when
 * its turn comes (the others are marked handled so Node does not report them meanwhile).
 */
export async function* inOrder(tasks: AsyncIterable<Task>, ahead: number): AsyncGenerator<Chunk> {
  const it = tasks[Symbol.asyncIterator]();
  const inflight: Promise<Chunk>[] = [];
  let done = false;
  for (;;) {
    while (!done && inflight.length < ahead) {
      const n = await it.next();
      if (n.done) done = true;
      else {
        const p = n.value();
        p.catch(() => {});
        inflight.push(p);
      }
    }
    const next = inflight.shift();
    if (!next) return;
    yield await next;
  }
}
