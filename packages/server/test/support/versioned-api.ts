import { createConveyorClient, type ConveyorClient } from '@conveyor/client';
import { DEFAULT_TENANT, type AnyRegistry } from '@conveyor/core';
import type {
  versionedV1Registry,
  versionedV2Registry,
} from '@conveyor/fixtures';
import {
  HistoryOutbox,
  HistoryStore,
  openHistoryDatabase,
  type HistoryDatabaseHandle,
} from '@conveyor/history';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createAuthenticate } from '../../src/auth/authenticate.ts';
import type { ConveyorRouter } from '../../src/create-conveyor-router.ts';
import { createDashboard } from '../../src/dashboard/create-dashboard.ts';
import {
  createServices,
  type ConveyorServices,
} from '../../src/domain/create-services.ts';
import { createApiServer } from '../../src/server.ts';

const silent = pino({ level: 'silent' });

/** Clients of the two releases of `notice.send` (fixtures' versioned jobs). */
export type V1Client = ConveyorClient<
  ConveyorRouter<typeof versionedV1Registry>
>;
export type V2Client = ConveyorClient<
  ConveyorRouter<typeof versionedV2Registry>
>;

export interface VersionedApi {
  apiUrl: string;
  services: ConveyorServices;
  history?: HistoryDatabaseHandle['db'];
  close(): Promise<void>;
}

/**
 * One release's API (its own registry) over a shared prefix: two of them,
 * v1 and v2 of a contract, stand for the two sides of a rolling deploy.
 * With `adminToken`, the dashboard is served at /admin too.
 */
export async function startVersionedApi(
  redisUrl: string,
  options: {
    registry: AnyRegistry;
    prefix: string;
    adminToken?: string;
    history?: { databaseUrl: string };
  },
): Promise<VersionedApi> {
  const { registry, prefix, adminToken } = options;
  const redis = createRedisClient(redisUrl, { preset: 'api' });
  const historyDb = options.history
    ? await openHistoryDatabase({
        connectionString: options.history.databaseUrl,
        logger: silent,
      })
    : undefined;
  const services = createServices({
    registry,
    redis,
    logger: silent,
    prefix,
    ...(historyDb
      ? {
          history: {
            store: new HistoryStore(historyDb.db),
            outbox: new HistoryOutbox(redis, createKeyspace(prefix)),
          },
        }
      : {}),
  });
  await services.tenants.publishPolicy();
  const authenticate = createAuthenticate({
    tokens: services.tokens,
    adminToken,
    adminTenant: DEFAULT_TENANT,
  });
  const dashboard = adminToken
    ? createDashboard({ services, logger: silent, authenticate })
    : undefined;
  const server = createApiServer({
    services,
    logger: silent,
    authenticate,
    ...(dashboard ? { routes: [dashboard.route] } : {}),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl,
    services,
    ...(historyDb ? { history: historyDb.db } : {}),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dashboard?.close();
      await services.close();
      await historyDb?.close();
    },
  };
}

/** A client of one release's API, typed by that release's contract. */
export function versionedClient<C extends V1Client | V2Client>(
  api: VersionedApi,
  token: string,
): C {
  return createConveyorClient({ url: `${api.apiUrl}/trpc`, token }) as C;
}
