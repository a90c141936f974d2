import { DEFAULT_TENANT, type AnyRegistry } from '@conveyor/core';
import { HistoryOutbox } from '@conveyor/history';
import {
  assertKeysFor,
  createKeyspace,
  watchRedisCapacity,
} from '@conveyor/queue';
import { redisSelfCheck, type HttpRoute } from '@conveyor/ops';
import type { Logger } from 'pino';
import { createAuthenticate, type Authenticate } from './auth/authenticate.ts';
import { FailureLimiter } from './auth/failure-limiter.ts';
import { limitAuthFailures } from './auth/limit-auth-failures.ts';
import { anyServices, type ApiDeps } from './context.ts';
import type { ConveyorOptions } from './conveyor-options.ts';
import type { ConveyorRouter } from './create-conveyor-router.ts';
import {
  createDashboard,
  type Dashboard,
} from './dashboard/create-dashboard.ts';
import {
  connectHistory,
  type ApiHistoryConnection,
} from './history/connect-history.ts';
import { searchIndexSpecs } from './search/search-index-specs.ts';
import { createApiMetrics, type ApiMetrics } from './metrics/api-metrics.ts';
import {
  createServices,
  type ConveyorServices,
} from './domain/create-services.ts';
import { routerFor } from './router-for.ts';

/** A composed Conveyor API, not yet served: what each way of serving it mounts. */
export interface Conveyor<R extends AnyRegistry> {
  services: ConveyorServices<R>;
  router: ConveyorRouter<R>;
  /** For `createApiServer`, the plugin's routes and `createInProcessClient`. */
  deps: ApiDeps<R>;
  authenticate: Authenticate;
  /** Where `authenticate` counts failures; for `createApiServer({ authFailures })`. Unset with a host's own `authenticate`. */
  authFailures: FailureLimiter | undefined;
  /** Beside tRPC: `/metrics`, the dashboard. */
  routes: readonly HttpRoute[];
  dashboard: Dashboard | undefined;
  metrics: ApiMetrics | undefined;
  /** Settles once contract schedules are reconciled and the tenant policy is published. */
  started: Promise<void>;
  /** Everything it opened, the Redis connection and the history database included. */
  close(): Promise<void>;
}

/**
 * The one composition root: queues (with history, webhooks, limits),
 * authentication, metrics and the dashboard, plus the start-up work every
 * API replica does (contract schedules reconciled, the tenant policy
 * published for workers, Redis checked and watched for memory).
 */
export function composeConveyor<R extends AnyRegistry>(
  options: ConveyorOptions<R>,
): Conveyor<R> {
  const { registry, redis, logger } = options;
  // Before anything opens: sensitive fields with no key is a configuration error.
  assertKeysFor(registry);
  const keys = createKeyspace(options.prefix);
  const history = openHistory(options, logger);
  const metrics = options.metrics
    ? createApiMetrics({
        ...(options.metrics === true ? {} : options.metrics),
        registry,
        redis,
        keys,
      })
    : undefined;
  const services = composeServices(options, metrics, history);
  const { authenticate, authFailures } = composeAuthenticate(options, services);
  const dashboard = options.dashboard
    ? createDashboard({
        ...(options.dashboard === true ? {} : options.dashboard),
        services: anyServices(services),
        authenticate,
        logger,
      })
    : undefined;
  const observers = [
    ...(options.observers ?? []),
    ...(metrics ? [metrics.observer] : []),
  ];
  const capacity = watchRedisCapacity(redis, logger);
  const started = startUp(anyServices(services), redis, logger);
  return {
    services,
    router: routerFor(registry),
    deps: { services, logger, ...(observers.length ? { observers } : {}) },
    authenticate,
    authFailures,
    routes: [
      ...(metrics ? [metrics.route] : []),
      ...(dashboard ? [dashboard.route] : []),
    ],
    dashboard,
    metrics,
    started,
    async close() {
      // Reconciling opens BullMQ queues of its own: closed under it, they
      // fail on the dropped connection. It never rejects, and is bounded.
      await started;
      capacity.stop();
      await metrics?.close();
      await dashboard?.close();
      await services.close();
      await history?.close();
    },
  };
}

/** The API's services, told of enqueues (metrics) and recording them (history) when those are on. */
function composeServices<R extends AnyRegistry>(
  options: ConveyorOptions<R>,
  metrics: ApiMetrics | undefined,
  history: ApiHistoryConnection | undefined,
): ConveyorServices<R> {
  const { registry, redis, logger } = options;
  return createServices({
    registry,
    redis,
    logger,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.replicatedAck ? { replicatedAck: options.replicatedAck } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(metrics ? { onEnqueued: metrics.onEnqueued } : {}),
    ...(history
      ? {
          history: {
            store: () => history.store(),
            outbox: new HistoryOutbox(redis, createKeyspace(options.prefix)),
          },
        }
      : {}),
  });
}

/** History on: the database is reached in the background, enqueues wait for it in the outbox. */
function openHistory(
  options: Pick<
    ConveyorOptions<AnyRegistry>,
    'historyDatabaseUrl' | 'historySearch' | 'registry'
  >,
  logger: Logger,
): ApiHistoryConnection | undefined {
  const databaseUrl = options.historyDatabaseUrl;
  if (!databaseUrl) return undefined;
  const host = new URL(databaseUrl).host;
  logger.info({ host }, `history on: PostgreSQL at ${host}`);
  return connectHistory({
    databaseUrl,
    logger,
    searchIndexes: searchIndexSpecs(options.registry),
    ...(options.historySearch ? { search: options.historySearch } : {}),
  });
}

/** Each failure is logged, never thrown: the API serves without them and the next start retries. */
async function startUp(
  services: ConveyorServices,
  redis: ConveyorOptions<AnyRegistry>['redis'],
  logger: Logger,
): Promise<void> {
  void redisSelfCheck(redis, logger);
  await Promise.all([
    services.schedules.reconcile(),
    services.tenants
      .publishPolicy()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'tenant policy not published for workers'),
      ),
  ]);
}

/**
 * The host's own `authenticate`, else the token check behind a limit on
 * failures per client address (one limiter for the API and the dashboard).
 */
function composeAuthenticate<R extends AnyRegistry>(
  options: ConveyorOptions<R>,
  services: ConveyorServices<R>,
): { authenticate: Authenticate; authFailures: FailureLimiter | undefined } {
  if (options.authenticate)
    return { authenticate: options.authenticate, authFailures: undefined };
  const authFailures = new FailureLimiter(options.authFailures);
  const authenticate = limitAuthFailures(
    createAuthenticate({
      tokens: services.tokens,
      adminToken: options.adminToken,
      adminTenant: options.adminTenant ?? DEFAULT_TENANT,
    }),
    authFailures,
  );
  return { authenticate, authFailures };
}
