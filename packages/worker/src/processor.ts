// How an app types its processors, from the package it runs them with: one
// processor per job of its registry (a missing one, an unknown name or a wrong
// result type does not compile), in process or in a worker thread.
export type {
  Processor,
  ProcessorContext,
  ProcessorMap,
} from '@conveyor/queue';
export {
  isolated,
  type IsolatedExport,
  type IsolatedTarget,
} from '@conveyor/queue';
