import type { HistorySearchLimits } from '@conveyor/history';
import type { AnyRegistry, DurabilitySpec } from '@conveyor/core';
import type { TenantLimitPolicy } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Authenticate } from './auth/authenticate.ts';
import type { FailureLimiterOptions } from './auth/failure-limiter-options.ts';
import type { DashboardOptions } from './dashboard/dashboard-options.ts';
import type { ServicesOptions } from './domain/create-services.ts';
import type { RequestObserver } from './request-observer.ts';

/** The dashboard's own settings; the system supplies its queues, authentication and logger. */
export type ConveyorDashboardOptions = Omit<
  DashboardOptions,
  'services' | 'authenticate' | 'logger'
>;

/** `/metrics` (Prometheus): requests, enqueues, queue depth, the process. */
export interface ConveyorMetricsOptions {
  /** METRICS_TENANT_LABELS: a `tenant` label on enqueue and request metrics. */
  tenantLabels?: boolean;
  /** METRICS_TOKEN: scrapes then need it as a Bearer token. */
  token?: string | undefined;
  /** Node process metrics; on when omitted. */
  processMetrics?: boolean;
}

/**
 * Everything a Conveyor API is made of, whichever way it is served: the
 * standalone server (`startConveyorApi`), the Fastify plugin, or a host
 * calling it in-process (`composeConveyor`).
 */
export interface ConveyorOptions<R extends AnyRegistry> {
  /** The app's job catalog: it types and validates every procedure. */
  registry: R;
  /** Fail-fast (`createRedisClient(url, { preset: 'api' })`); closed with the system. */
  redis: Redis;
  logger: Logger;
  /** BullMQ key prefix (`CONVEYOR_PREFIX`); `conveyor` when omitted. */
  prefix?: string;
  /** Quotas and rate limits per tenant, published for workers too; none when omitted. */
  limits?: TenantLimitPolicy;
  /** Webhook URL policy and delivery retries (private addresses refused when omitted). */
  webhooks?: ServicesOptions<R>['webhooks'];
  /**
   * Job history in this PostgreSQL, opened (and migrated) in the background:
   * a database that is down does not stop enqueues. Off when omitted.
   */
  historyDatabaseUrl?: string | undefined;
  /** Bounds on history searches (statement timeout, count cap); defaults `DEFAULT_SEARCH_LIMITS`. */
  historySearch?: Partial<HistorySearchLimits>;
  /**
   * The bootstrap admin's token (CONVEYOR_ADMIN_TOKEN): with it every call
   * needs a token. Without it and without `authenticate`, only requests
   * addressed to a loopback name are served, each as the local admin.
   */
  adminToken?: string | undefined;
  /** The bootstrap admin's tenant; `default` when omitted. */
  adminTenant?: string;
  /** Who is calling, decided by the host instead (overrides `adminToken`). */
  authenticate?: Authenticate;
  /**
   * Failed tokens and sign-ins per client address before it is refused (429)
   * for the rest of the window; `DEFAULT_FAILURE_LIMITS` when omitted. Applies
   * to the built-in token check, not to a host's own `authenticate`.
   */
  authFailures?: Partial<FailureLimiterOptions>;
  /**
   * Replicated acknowledgements (README, "Durability"): an enqueue answers
   * once this many Redis replicas confirmed the job, else 503
   * outcome-unknown. A job's contract may ask more. Off when omitted.
   */
  replicatedAck?: DurabilitySpec;
  /** The dashboard at `/admin` (or its `basePath`); off when omitted or false. */
  dashboard?: boolean | ConveyorDashboardOptions;
  /** `/metrics`; off when omitted or false. */
  metrics?: boolean | ConveyorMetricsOptions;
  /** Told of every procedure call over HTTP (`requestLog(logger)`). */
  observers?: readonly RequestObserver[];
}
