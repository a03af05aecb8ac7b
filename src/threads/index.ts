export { defaultWorkers, discardStartedAhead, startAhead, startThreads, takeStartedAhead, WORKER_MEMORY_MB, type ThreadShape } from "./poolThreads.ts";
export { closedGate, passGate, tuneWhenArrived } from "./tuning.ts";
