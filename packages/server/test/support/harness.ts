import {
  historyObserver,
  HistoryOutbox,
  HistoryStore,
  openHistoryDatabase,
  startHistoryDrainer,
  type HistoryDatabaseHandle,
  type HistoryDrainer,
} from '@conveyor/history';
import { DEFAULT_TENANT } from '@conveyor/core';
import { fixtureRegistry, type FixtureRegistry } from '@conveyor/fixtures';
import { createConveyorClient } from '@conveyor/client';
import {
  createDeliveryWorker,
  createWebhookDispatcher,
  type DeliveryRetryPolicy,
  type DeliveryWorker,
  type WebhookDispatcher,
} from '@conveyor/webhooks';
import {
  createKeyspace,
  createRedisClient,
  createWorkerPool,
  type ProcessorMap,
  type TenantLimitPolicy,
  type WorkerPool,
} from '@conveyor/queue';
import { firedTickGate } from '@conveyor/schedules';
import { deletePrefix, uniquePrefix } from '@conveyor/testkit';
import type { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createAuthenticate } from '../../src/auth/authenticate.ts';
import {
  createServices,
  type ConveyorServices,
} from '../../src/domain/create-services.ts';
import { createApiServer } from '../../src/server.ts';
import type { WebhookService } from '../../src/webhook-service.ts';
import type { FixtureRouter, FixtureClient } from './fixture-router.ts';

export interface Harness {
  prefix: string;
  apiUrl: string;
  client: FixtureClient;
  services: ConveyorServices<FixtureRegistry>;
  webhooks: WebhookService;
  pool?: WorkerPool;
  /** With `history`: the migrated database (for direct reads) and, with processors, the drainer. */
  history?: { db: HistoryDatabaseHandle['db']; drainer?: HistoryDrainer };
  /** A typed client that presents this token (and names a tenant, as an admin may). */
  clientWith(token: string, tenant?: string): FixtureClient;
  /** Cuts every open HTTP connection (an SSE watch among them), as a flaky network would. */
  dropConnections(): void;
  close(): Promise<void>;
}

const silent = pino({ level: 'silent' });

export interface HarnessWebhooks {
  /** WEBHOOK_ALLOW_PRIVATE: a receiver on 127.0.0.1 needs it. */
  allowPrivate: boolean;
  retry?: DeliveryRetryPolicy;
  /** Per delivery attempt (default 10 s). */
  timeoutMs?: number;
}

/** A real API on a free port (real HTTP, real Redis), optionally with an in-process worker pool. */
export async function startHarness(
  redisUrl: string,
  options: {
    processors?: ProcessorMap<FixtureRegistry>;
    fetch?: typeof fetch;
    /** With one, the API requires tokens (as with CONVEYOR_ADMIN_TOKEN). */
    adminToken?: string;
    limits?: TenantLimitPolicy;
    /** Webhooks on: the API's procedures and, with processors, dispatch and delivery. */
    webhooks?: HarnessWebhooks;
    /**
     * Job history on, in this (empty or migrated) database: the API records
     * and reads; with processors, the pool's hooks record attempts and a
     * drainer writes the outbox to PostgreSQL.
     */
    history?: { databaseUrl: string };
    /** The fixture jobs changed for one test (a contract schedule added, a limit lowered). */
    registry?: FixtureRegistry;
    /** Replicated acknowledgements, as `REDIS_ACK_REPLICAS` sets them. */
    replicatedAck?: { replicas: number; timeoutMs: number };
  } = {},
): Promise<Harness> {
  const registry = options.registry ?? fixtureRegistry;
  const prefix = uniquePrefix('api');
  const apiRedis = createRedisClient(redisUrl, { preset: 'api' });
  const historyDb = options.history
    ? await openHistoryDatabase({
        connectionString: options.history.databaseUrl,
        logger: silent,
      })
    : undefined;
  const services = createServices({
    registry,
    redis: apiRedis,
    logger: silent,
    prefix,
    ...(historyDb
      ? {
          history: {
            store: new HistoryStore(historyDb.db),
            outbox: new HistoryOutbox(apiRedis, createKeyspace(prefix)),
          },
        }
      : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.replicatedAck ? { replicatedAck: options.replicatedAck } : {}),
    ...(options.webhooks
      ? {
          webhooks: {
            allowPrivate: options.webhooks.allowPrivate,
            ...(options.webhooks.retry
              ? { retry: options.webhooks.retry }
              : {}),
          },
        }
      : {}),
  });
  const webhooks = services.webhooks;
  // Workers admit the jobs schedules fire with the policy the API publishes.
  await services.tenants.publishPolicy();
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
  let pool: WorkerPool | undefined;
  let workerRedis: Redis | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let deliveries: DeliveryWorker | undefined;
  let drainer: HistoryDrainer | undefined;
  if (options.processors) {
    workerRedis = createRedisClient(redisUrl, { preset: 'worker' });
    const workerOutbox = historyDb
      ? new HistoryOutbox(workerRedis, createKeyspace(prefix))
      : undefined;
    if (historyDb)
      drainer = startHistoryDrainer({
        redis: workerRedis,
        keys: createKeyspace(prefix),
        db: historyDb.db,
        logger: silent,
        blockMs: 100,
      });
    if (options.webhooks) {
      const shared = {
        redis: workerRedis,
        keys: createKeyspace(prefix),
        logger: silent,
      };
      dispatcher = createWebhookDispatcher({
        ...shared,
        refreshMs: 100,
        ...(options.webhooks.retry ? { retry: options.webhooks.retry } : {}),
      });
      deliveries = createDeliveryWorker({
        ...shared,
        allowPrivate: options.webhooks.allowPrivate,
        timeoutMs: options.webhooks.timeoutMs ?? 10_000,
      });
      await deliveries.ready();
    }
    pool = createWorkerPool({
      observers: [
        ...(dispatcher ? [dispatcher.observer] : []),
        ...(workerOutbox ? [historyObserver(workerOutbox)] : []),
      ],
      registry,
      processors: options.processors,
      redis: workerRedis,
      keys: createKeyspace(prefix),
      gate: firedTickGate(workerRedis, createKeyspace(prefix), registry.queues),
      logger: silent,
    });
    await pool.ready();
  }
  const client = createConveyorClient<FixtureRouter>({
    url: `${apiUrl}/trpc`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const clientWith = (token: string, tenant?: string) =>
    createConveyorClient<FixtureRouter>({
      url: `${apiUrl}/trpc`,
      token,
      tenant,
    });
  return {
    prefix,
    apiUrl,
    client: options.adminToken ? clientWith(options.adminToken) : client,
    clientWith,
    services,
    webhooks,
    ...(pool ? { pool } : {}),
    ...(historyDb
      ? { history: { db: historyDb.db, ...(drainer ? { drainer } : {}) } }
      : {}),
    dropConnections: () => server.closeAllConnections(),
    async close() {
      await pool?.close();
      await dispatcher?.close();
      await deliveries?.close();
      await drainer?.close();
      await historyDb?.close();
      workerRedis?.disconnect();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      await deletePrefix(redisUrl, prefix);
    },
  };
}
