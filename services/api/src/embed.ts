// Runtime entry for running the API inside another process (tests,
// benchmarks, a host service); `index.ts` stays types-only for clients.
export {
  createContextInner,
  LOCAL_PRINCIPAL,
  type ApiDeps,
  type Authenticate,
  type Principal,
} from './context.ts';
export { createInProcessClient } from './in-process-client.ts';
export {
  QueueService,
  type QueueServiceOptions,
  type Readiness,
} from './queue-service.ts';
export { appRouter } from './router.ts';
export { createApiServer, type ApiServerOptions } from './server.ts';
export { createCallerFactory } from './trpc.ts';
