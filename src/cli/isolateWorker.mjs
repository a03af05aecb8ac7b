// Under tsx and vitest (not the compiled build): the isolated thread's entry, src/cli/threads/<job>.ts,
// is TypeScript, so this plain JavaScript shim registers tsx's loader first, then imports it. The
// compiled CLI starts the bundled dist/thread-<job>.js directly and never loads tsx (see isolate.ts).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
