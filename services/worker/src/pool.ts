// Runtime entry for running workers inside another process (tests,
// benchmarks); `index.ts` is the daemon itself.
export {
  createWorkerPool,
  type WorkerPool,
  type WorkerPoolOptions,
} from './create-workers.ts';
export { createLogger } from './logger.ts';
export type { Processor, ProcessorContext, ProcessorMap } from './processor.ts';
export { createProcessors } from './processors/index.ts';
export {
  createLogProviders,
  type ActivityItem,
  type ActivitySource,
  type EmailProvider,
  type Providers,
  type SmsProvider,
} from './providers/providers.ts';
