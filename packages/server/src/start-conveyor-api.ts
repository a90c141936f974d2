import type { AnyRegistry } from '@conveyor/core';
import { createLogger, startTracing, traceHttpRequests } from '@conveyor/ops';
import { createRedisClient, redisAddress } from '@conveyor/queue';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { composeConveyor } from './compose-conveyor.ts';
import { anyServices } from './context.ts';
import { conveyorOptionsFromEnv } from './conveyor-options-from-env.ts';
import { httpOptionsFromEnv, readApiEnv, type ApiEnv } from './env.ts';
import { isLoopback } from './is-loopback.ts';
import { requestLog } from './request-observer.ts';
import { createApiServer } from './server.ts';

export interface StartConveyorApiOptions<R extends AnyRegistry> {
  /** The app's job catalog. */
  registry: R;
  /** The settings (`ApiEnvSchema`, parsed); read from `process.env` when omitted. */
  env?: ApiEnv;
  /** `createLogger('conveyor-api', env.LOG_LEVEL)` when omitted. */
  logger?: Logger;
}

export interface RunningConveyorApi {
  /** The tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc`. */
  url: string;
  /** Stops listening, then closes metrics, the dashboard, queues, Redis, history and tracing. */
  close(): Promise<void>;
}

/**
 * The standalone API for a registry, configured by its environment
 * variables: composed (`composeConveyor`) and listening. Rejects, after a
 * fatal log line saying what to change, when it must not or cannot listen.
 */
export async function startConveyorApi<R extends AnyRegistry>(
  options: StartConveyorApiOptions<R>,
): Promise<RunningConveyorApi> {
  const env = options.env ?? readApiEnv();
  const logger = options.logger ?? createLogger('conveyor-api', env.LOG_LEVEL);
  refuseOpenPublicBind(env, logger);
  // Before the producer is made: it asks once whether an SDK is registered.
  const tracing = await startTracing({ serviceName: 'conveyor-api' });
  if (tracing.enabled) logger.info('tracing on: spans exported by OTLP');
  if (!env.METRICS_TOKEN && !isLoopback(env.API_HOST))
    logger.warn(
      `METRICS_TOKEN is not set: /metrics is open to anyone who reaches ${env.API_HOST}`,
    );
  const system = composeConveyor({
    ...conveyorOptionsFromEnv(env, logger),
    registry: options.registry,
    redis: createRedisClient(redisAddress(env), { preset: 'api', logger }),
    logger,
    observers: [requestLog(logger)],
  });
  const server = createApiServer({
    ...system.deps,
    services: anyServices(system.services),
    routes: system.routes,
    http: httpOptionsFromEnv(env),
    authenticate: system.authenticate,
    ...(system.authFailures ? { authFailures: system.authFailures } : {}),
  });
  if (tracing.enabled) traceHttpRequests(server);
  const close = async () => {
    server.close();
    server.closeIdleConnections();
    await system.close();
    await tracing.shutdown().catch(() => undefined);
  };
  try {
    const port = await listen(server, env, logger);
    const url = `http://${env.API_HOST}:${port}/trpc`;
    logger.info({ url }, `Conveyor API listening on ${url}`);
    if (system.dashboard) {
      const admin = `http://${env.API_HOST}:${port}/admin`;
      logger.info({ url: admin }, `Dashboard at ${admin}`);
    }
    return { url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Without API tokens every caller is the local admin: only on loopback. */
function refuseOpenPublicBind(env: ApiEnv, logger: Logger): void {
  if (env.CONVEYOR_ADMIN_TOKEN) return;
  if (!isLoopback(env.API_HOST)) {
    const message = `Refusing to listen on ${env.API_HOST} without API tokens: set CONVEYOR_ADMIN_TOKEN (docs/security.md), or API_HOST=127.0.0.1`;
    logger.fatal(message);
    throw new Error(message);
  }
  logger.warn(
    'CONVEYOR_ADMIN_TOKEN is not set: every caller is the local admin (loopback only)',
  );
}

/** The bound port; a failure to bind is logged as what to change. */
function listen(server: Server, env: ApiEnv, logger: Logger): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const message =
        error.code === 'EADDRINUSE'
          ? `Port ${env.API_PORT} is in use; set API_PORT to a free port`
          : `HTTP server failed: ${error.message}`;
      logger.fatal(message);
      reject(new Error(message, { cause: error }));
    });
    server.listen(env.API_PORT, env.API_HOST, () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}
