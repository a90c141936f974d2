// `@conveyor/server`: the API for an app's registry. An app's main calls
// `startConveyorApi`; its router file names `ConveyorRouter<AppRegistry>`
// for its client; a host embeds it with `@conveyor/server/fastify` or
// `createInProcessClient`.
export {
  createConveyorRouter,
  type AnyConveyorRouter,
  type ConveyorRouter,
  type ConveyorRouterInputs,
  type ConveyorRouterOutputs,
} from './create-conveyor-router.ts';
export {
  startConveyorApi,
  type RunningConveyorApi,
  type StartConveyorApiOptions,
} from './start-conveyor-api.ts';
export { composeConveyor, type Conveyor } from './compose-conveyor.ts';
export type {
  ConveyorDashboardOptions,
  ConveyorMetricsOptions,
  ConveyorOptions,
} from './conveyor-options.ts';
export { conveyorOptionsFromEnv } from './conveyor-options-from-env.ts';
export { ApiEnvSchema, readApiEnv, type ApiEnv } from './env.ts';
export {
  checkStoredCompatibility,
  readInstallationVersions,
  type StoredCompatibilityOptions,
} from './check-stored-compatibility.ts';
export type {
  CompatFinding,
  CompatReport,
  StoredVersionInventory,
} from '@conveyor/core';
export { createInProcessClient } from './in-process-client.ts';
export { createApiServer, type ApiServerOptions } from './server.ts';
export {
  createAuthenticate,
  type AuthOptions,
  type Authenticate,
} from './auth/authenticate.ts';
export {
  LOCAL_PRINCIPAL,
  ROLES,
  type Principal,
  type Role,
} from './auth/principal.ts';
export type { ApiDeps } from './context.ts';
export { QueueService, type Readiness } from './queue-service.ts';
export {
  createServices,
  type ConveyorServices,
  type ServicesOptions,
} from './domain/create-services.ts';
export {
  requestLog,
  type ObservedCall,
  type RequestObserver,
} from './request-observer.ts';
export type { CatalogJob } from './job-catalog.ts';
export type { EnqueueDeduplication } from '@conveyor/queue';
export type { ConveyorErrorData } from './trpc.ts';
export type {
  DeadLetter,
  JobEvent,
  JobState,
  JobView,
  ListPage,
  QueueStats,
  WaitingFor,
} from '@conveyor/core';
export type {
  LiveRunState,
  RunStory,
  StoryAttemptEvent,
  StoryEndEvent,
  StoryEnqueued,
  StoryEnqueuedEvent,
  StoryEvent,
  StoryKnowledge,
  StoryPayload,
  StoryWaitEvent,
  StoryWaitKind,
} from './story/run-story.ts';
export type { FailureReason } from '@conveyor/history';
export type { EnqueuedVia } from './domain/scope.ts';
