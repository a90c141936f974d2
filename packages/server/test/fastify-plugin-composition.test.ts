import { fixtureRegistry as registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  readTenantPolicy,
  type TenantLimitPolicy,
} from '@conveyor/queue';
import {
  createTestDatabase,
  deletePrefix,
  uniquePrefix,
  waitFor,
} from '@conveyor/testkit';
import { fastify, type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { conveyorPlugin } from '../src/fastify/conveyor-plugin.ts';
import { rawRequest } from './support/raw-http.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');

const limits: TenantLimitPolicy = {
  defaults: {
    maxUnfinished: 7,
    ratePerSecond: 3,
    burst: 5,
    maxSchedules: 2,
  },
  unlimitedTenants: ['ops'],
};

/**
 * The plugin is composed as the standalone server is: the start-up work
 * (contract schedules, the tenant policy for workers), history and
 * metrics are there too, not only the router.
 */
describe('the Fastify plugin, composed as the standalone server', () => {
  const prefix = uniquePrefix('fastify-composed');
  const keys = createKeyspace(prefix);
  let app: FastifyInstance;
  let apiUrl: string;
  let redis: Redis;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl);
    redis = new Redis(redisUrl);
    app = fastify({ logger: false });
    await app.register(conveyorPlugin, {
      registry,
      redisUrl,
      prefix,
      logger: pino({ level: 'silent' }),
      limits,
      historyDatabaseUrl: database.url,
      metrics: { processMetrics: false },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
    await database.drop();
  });

  it('publishes its tenant policy for workers', async () => {
    const published = await waitFor(async () => {
      const policy = await readTenantPolicy(redis, keys);
      return policy.unlimitedTenants.includes('ops') ? policy : undefined;
    });
    expect(published).toEqual(limits);
  });

  it('reconciles the contract’s schedules', async () => {
    const scheduled = await waitFor(async () => {
      const ids = Object.keys(await redis.hgetall(keys.contractSchedules()));
      return ids.length > 0 ? ids : undefined;
    });
    expect(scheduled.every((id) => id.startsWith('c.feed.sync.'))).toBe(true);
  });

  it('answers history reads from its database', async () => {
    const page = await waitFor(() =>
      app.conveyor.client.history.list.query({}).catch(() => undefined),
    );
    expect(page.items).toEqual([]);
  });

  it('serves /metrics beside tRPC, counting its enqueues', async () => {
    await app.conveyor.client.enqueue.mutate({
      name: 'TEST_JOB',
      data: { message: 'counted' },
    });
    const scrape = await rawRequest(`${apiUrl}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(/conveyor_jobs_enqueued_total\{[^}]*\} 1/);
  });
});
