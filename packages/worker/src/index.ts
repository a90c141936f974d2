// The worker runtime an app runs its processors with: `runWorker` in its
// main, the processor types and errors in its processors.
export { runWorker, type RunWorkerOptions } from './run-worker.ts';
export { runDaemon, type DaemonOptions } from './run-daemon.ts';
export type { WorkerHandle } from './worker-handle.ts';
export { readWorkerEnv, WorkerEnvSchema, type WorkerEnv } from './env.ts';
export {
  isolated,
  type IsolatedExport,
  type IsolatedTarget,
  type Processor,
  type ProcessorContext,
  type ProcessorMap,
} from './processor.ts';
export {
  AttemptTimeoutError,
  NonRetryableError,
  RetryLaterError,
} from './errors.ts';
export type {
  AttemptInfo,
  AttemptOutcome,
  JobObserver,
  Logger,
} from '@conveyor/queue';
