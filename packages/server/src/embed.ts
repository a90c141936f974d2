// Runtime internals for running the API inside another process (tests,
// benchmarks): the pieces `composeConveyor` puts together, one by one.
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
export { TokenStore, type TokenRecord } from './auth/token-store.ts';
export { createContextInner, type ApiDeps } from './context.ts';
export { createInProcessClient } from './in-process-client.ts';
export {
  createDashboard,
  type Dashboard,
} from './dashboard/create-dashboard.ts';
export type { DashboardOptions } from './dashboard/dashboard-options.ts';
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
export {
  createConveyorRouter,
  type AnyConveyorRouter,
  type ConveyorRouter,
} from './create-conveyor-router.ts';
export { routerFor } from './router-for.ts';
export { createApiServer, type ApiServerOptions } from './server.ts';
export { createCallerFactory } from './trpc.ts';
export {
  WebhookService,
  type WebhookServiceOptions,
} from './webhook-service.ts';
