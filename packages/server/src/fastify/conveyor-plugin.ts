import { DEFAULT_TENANT, type AnyRegistry } from '@conveyor/core';
import { createRedisClient } from '@conveyor/queue';
import type { TRPCClient } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.ts';
import { composeConveyor } from '../compose-conveyor.ts';
import { anyServices } from '../context.ts';
import type { ConveyorRouter } from '../create-conveyor-router.ts';
import { DEFAULT_HTTP_OPTIONS } from '../http/http-options.ts';
import { createInProcessClient } from '../in-process-client.ts';
import type { ConveyorServices } from '../domain/create-services.ts';
import type { ConveyorPluginOptions } from './conveyor-plugin-options.ts';
import { mountRoutes } from './mount-routes.ts';
import { trpcRoutes } from './trpc-routes.ts';

/**
 * What the plugin decorates the app with: `app.conveyor`. Typed for any
 * registry; a host narrows it to its own (`app.conveyor as
 * ConveyorDecoration<AppRegistry>`) for a client typed by its catalog.
 */
export interface ConveyorDecoration<R extends AnyRegistry = AnyRegistry> {
  /** The typed client, in process: same procedures and validation as over HTTP. */
  client: TRPCClient<ConveyorRouter<R>>;
  /** The services behind both (readiness, schedules, tokens, …). */
  services: ConveyorServices<R>;
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
 * Conveyor inside an existing Fastify app, composed as the standalone
 * server is (`composeConveyor`: history, schedules, the tenant policy,
 * metrics and the dashboard when asked for): the router at `/trpc`,
 * `app.conveyor` for in-process calls, routes beside it, and every queue
 * and connection closed on `app.close()`.
 */
function conveyor(
  app: FastifyInstance,
  options: ConveyorPluginOptions,
): Promise<void> {
  // Fastify's logger is pino unless the host configured another.
  const logger = options.logger ?? (app.log as Logger);
  const {
    redisUrl,
    redis,
    path,
    http,
    principal,
    routes: hostRoutes,
    ...composed
  } = options;
  // As the standalone server: tokens with an admin token; without one,
  // open only to requests addressed to a loopback name (the host, not the
  // plugin, chooses where to listen, so a public bind cannot be refused).
  const system = composeConveyor({
    ...composed,
    redis: redis ?? connect(redisUrl, logger),
    logger,
  });
  const routes = [...(hostRoutes ?? []), ...system.routes];
  app.decorate('conveyor', {
    client: createInProcessClient(system.deps, principal ?? HOST_PRINCIPAL),
    services: anyServices(system.services),
  });
  void app.register(trpcRoutes, {
    prefix: path ?? '/trpc',
    deps: { ...system.deps, services: anyServices(system.services) },
    authenticate: system.authenticate,
    authFailures: system.authFailures,
    http: { ...DEFAULT_HTTP_OPTIONS, ...http },
  });
  if (routes.length > 0) void app.register(mountRoutes, { routes, logger });
  app.addHook('onClose', () => system.close());
  return Promise.resolve();
}

function connect(url: string | undefined, logger: Logger) {
  if (!url) throw new Error('The Conveyor plugin needs `redisUrl` or `redis`');
  return createRedisClient(url, { preset: 'api', logger });
}

export const conveyorPlugin = fastifyPlugin(conveyor, {
  name: '@conveyor/server',
  fastify: '5.x',
});
