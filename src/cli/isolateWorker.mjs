// The thread user code runs in (see isolate.ts): it loads TypeScript through tsx's loader, calls one
// exported function and posts back its result or its error. Plain JavaScript, so it starts under any loader.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { module, exportName, args } = workerData;
try {
  const mod = await import(module);
  const progress = (...values) => parentPort.postMessage({ progress: values });
  const value = await mod[exportName](args, progress);
  parentPort.postMessage({ ok: true, value });
} catch (err) {
  const input = err !== null && typeof err === "object" && err.constructor?.name === "InputError";
  parentPort.postMessage({ ok: false, input, message: err?.message ?? String(err), stack: err?.stack ?? String(err) });
}
