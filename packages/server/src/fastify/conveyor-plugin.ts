import { DEFAULT_TENANT } from '@conveyor/core';
import { registry, type AppRegistry } from '@conveyor/jobs';
import { createRedisClient } from '@conveyor/queue';
import type { TRPCClient } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.ts';
import type { ApiDeps } from '../context.ts';
import { createDashboard } from '../dashboard/create-dashboard.ts';
import { DEFAULT_HTTP_OPTIONS } from '../http/http-options.ts';
import { createAuthenticate } from '../auth/authenticate.ts';
import { createInProcessClient } from '../in-process-client.ts';
import { QueueService } from '../queue-service.ts';
import type { AppRouter } from '../router.ts';
import type { ConveyorPluginOptions } from './conveyor-plugin-options.ts';
import { mountRoutes } from './mount-routes.ts';
import { trpcRoutes } from './trpc-routes.ts';

/** What the plugin decorates the app with: `app.conveyor`. */
export interface ConveyorDecoration {
  /** The typed client, in process: same procedures and validation as over HTTP. */
  client: TRPCClient<AppRouter>;
  /** The queues behind both (readiness, schedules at startup). */
  queues: QueueService<AppRegistry>;
}

declare module 'fastify' {
  interface FastifyInstance {
    conveyor: ConveyorDecoration;
  }
}

const HOST_PRINCIPAL: Principal = Object.freeze({
  subject: 'fastify-host',
  tenantId: DEFAULT_TENANT,
  role: 'producer',
  jobs: null,
});

/**
 * Conveyor inside an existing Fastify app: the API's router at `/trpc`,
 * `app.conveyor` for in-process calls, optional routes (the dashboard), and
 * every queue and Redis connection closed on `app.close()`.
 */
function conveyor(
  app: FastifyInstance,
  options: ConveyorPluginOptions,
): Promise<void> {
  // Fastify's logger is pino unless the host configured another.
  const logger = options.logger ?? (app.log as Logger);
  const queues = new QueueService({
    registry: options.registry ?? registry,
    redis: options.redis ?? connect(options.redisUrl, logger),
    logger,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const deps: ApiDeps = {
    queues,
    logger,
    ...(options.observers ? { observers: options.observers } : {}),
  };
  // As the standalone server: tokens with an admin token; without one,
  // open only to requests addressed to a loopback name (the host, not the
  // plugin, chooses where to listen, so a public bind cannot be refused).
  const authenticate =
    options.authenticate ??
    createAuthenticate({
      tokens: queues.tokens,
      adminToken: options.adminToken,
      adminTenant: options.adminTenant ?? DEFAULT_TENANT,
    });
  const dashboard = options.dashboard
    ? createDashboard({
        ...(options.dashboard === true ? {} : options.dashboard),
        queues,
        authenticate,
        logger,
      })
    : undefined;
  const routes = [
    ...(options.routes ?? []),
    ...(dashboard ? [dashboard.route] : []),
  ];

  app.decorate('conveyor', {
    client: createInProcessClient(deps, options.principal ?? HOST_PRINCIPAL),
    queues,
  });
  void app.register(trpcRoutes, {
    prefix: options.path ?? '/trpc',
    deps,
    authenticate,
    http: { ...DEFAULT_HTTP_OPTIONS, ...options.http },
  });
  if (routes.length > 0) void app.register(mountRoutes, { routes, logger });
  app.addHook('onClose', async () => {
    await dashboard?.close();
    await queues.close();
  });
  return Promise.resolve();
}

function connect(url: string | undefined, logger: Logger) {
  if (!url) throw new Error('The Conveyor plugin needs `redisUrl` or `redis`');
  return createRedisClient(url, { preset: 'api', logger });
}

export const conveyorPlugin = fastifyPlugin(conveyor, {
  name: '@conveyor/api',
  fastify: '5.x',
});
