import { createConveyorClient } from '@conveyor/client';
import { DEFAULT_TENANT, type AnyRegistry } from '@conveyor/core';
import {
  HistoryOutbox,
  HistoryStore,
  openHistoryDatabase,
} from '@conveyor/history';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createAuthenticate } from '../../src/auth/authenticate.ts';
import type { AnyConveyorRouter } from '../../src/create-conveyor-router.ts';
import { createServices } from '../../src/domain/create-services.ts';
import { createApiServer } from '../../src/server.ts';

export interface RegistryApi {
  apiUrl: string;
  /** A client of any registry's router, presenting `token`. */
  clientWith(
    token: string,
  ): ReturnType<typeof createConveyorClient<AnyConveyorRouter>>;
  close(): Promise<void>;
}

/**
 * A real API for any registry over an existing prefix: releases of one app
 * (a v1 and a v2 contract) served one after the other over the same Redis.
 * The prefix is the caller's to delete.
 */
export async function startRegistryApi(
  redisUrl: string,
  options: {
    registry: AnyRegistry;
    prefix: string;
    adminToken: string;
    /** History on, in this database (migrated here). */
    historyUrl?: string;
  },
): Promise<RegistryApi> {
  const silent = pino({ level: 'silent' });
  const redis = createRedisClient(redisUrl, { preset: 'api' });
  const database = options.historyUrl
    ? await openHistoryDatabase({
        connectionString: options.historyUrl,
        logger: silent,
      })
    : undefined;
  const services = createServices({
    registry: options.registry,
    redis,
    logger: silent,
    prefix: options.prefix,
    ...(database
      ? {
          history: {
            store: new HistoryStore(database.db),
            outbox: new HistoryOutbox(redis, createKeyspace(options.prefix)),
          },
        }
      : {}),
  });
  const server = createApiServer({
    services,
    logger: silent,
    authenticate: createAuthenticate({
      tokens: services.tokens,
      adminToken: options.adminToken,
      adminTenant: DEFAULT_TENANT,
    }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl,
    clientWith: (token) =>
      createConveyorClient<AnyConveyorRouter>({ url: `${apiUrl}/trpc`, token }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      await database?.close();
    },
  };
}
