import type { AnyRegistry } from '@conveyor/core';
import type { Logger } from 'pino';
import type { ConveyorOptions } from './conveyor-options.ts';
import { historySetting, type ApiEnv } from './env.ts';

/**
 * The standalone API's settings as composition options (`.env.example`
 * documents each variable); Redis, the logger and the registry are the
 * caller's.
 */
export function conveyorOptionsFromEnv(
  env: ApiEnv,
  logger: Logger,
): Omit<ConveyorOptions<AnyRegistry>, 'registry' | 'redis' | 'logger'> {
  const history = historySetting(env);
  if (!history.on) logger.info(`history off (${history.why})`);
  return {
    prefix: env.CONVEYOR_PREFIX,
    adminToken: env.CONVEYOR_ADMIN_TOKEN,
    adminTenant: env.CONVEYOR_ADMIN_TENANT,
    authFailures: {
      maxFailures: env.AUTH_MAX_FAILURES,
      windowMs: env.AUTH_FAILURE_WINDOW_MS,
    },
    replicatedAck: {
      replicas: env.REDIS_ACK_REPLICAS,
      timeoutMs: env.REDIS_ACK_TIMEOUT_MS,
    },
    historyDatabaseUrl: history.on ? history.databaseUrl : undefined,
    historySearch: { statementTimeoutMs: env.HISTORY_SEARCH_TIMEOUT_MS },
    webhooks: { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE },
    limits: {
      defaults: {
        maxUnfinished: env.TENANT_MAX_UNFINISHED,
        ratePerSecond: env.TENANT_RATE_PER_SECOND,
        burst: env.TENANT_BURST,
        maxSchedules: env.TENANT_MAX_SCHEDULES,
      },
      // The bootstrap admin's own tenant is never throttled by the defaults.
      unlimitedTenants: [env.CONVEYOR_ADMIN_TENANT],
    },
    metrics: {
      tenantLabels: env.METRICS_TENANT_LABELS,
      token: env.METRICS_TOKEN,
    },
    dashboard: env.DASHBOARD_ENABLED && {
      readOnly: env.DASHBOARD_READ_ONLY,
      sessionSecret: env.DASHBOARD_SESSION_SECRET ?? env.CONVEYOR_ADMIN_TOKEN,
      sessionTtlMs: env.DASHBOARD_SESSION_TTL_MINUTES * 60_000,
      secureCookie: env.DASHBOARD_SECURE_COOKIE,
    },
  };
}
