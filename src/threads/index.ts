export { defaultWorkers, discardStartedAhead, startAhead, startThreads, takeStartedAhead, workerModule, WORKER_MEMORY_MB, type StartedAhead, type ThreadShape } from "./poolThreads.ts";
