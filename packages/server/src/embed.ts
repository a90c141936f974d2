// `@conveyor/server/embed`: everything the main entry has, and the internals
// tests and the bench assemble one by one (what `composeConveyor` wires).
export * from './index.ts';
export { TokenStore, type TokenRecord } from './auth/token-store.ts';
export { createContextInner } from './context.ts';
export {
  createDashboard,
  type Dashboard,
} from './dashboard/create-dashboard.ts';
export type { DashboardOptions } from './dashboard/dashboard-options.ts';
export { routerFor } from './router-for.ts';
export { createCallerFactory } from './trpc.ts';
export {
  WebhookService,
  type WebhookServiceOptions,
} from './webhook-service.ts';
