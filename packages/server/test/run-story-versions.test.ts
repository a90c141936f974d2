import { versionedV1Registry, versionedV2Registry } from '@conveyor/fixtures';
import { startHistoryDrainer, type HistoryDrainer } from '@conveyor/history';
import { createKeyspace, createRedisClient } from '@conveyor/queue';
import {
  createTestDatabase,
  deletePrefix,
  uniquePrefix,
  waitFor,
} from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startVersionedApi,
  versionedClient,
  type V1Client,
  type V2Client,
  type VersionedApi,
} from './support/versioned-api.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

/** A v1 producer and a v2 reader over one Redis and one history (a rolling deploy). */
describe('history.story of a versioned job: the payload as stored and as received', () => {
  const prefix = uniquePrefix('story-versions');
  let v1: VersionedApi & { client: V1Client };
  let v2: VersionedApi & { client: V2Client };
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let drainer: HistoryDrainer;
  const workerRedis = createRedisClient(redisUrl, { preset: 'worker' });

  beforeAll(async () => {
    database = await createTestDatabase(postgresUrl);
    const history = { databaseUrl: database.url };
    const api1 = await startVersionedApi(redisUrl, {
      registry: versionedV1Registry,
      prefix,
      adminToken,
      history,
    });
    v1 = { ...api1, client: versionedClient<V1Client>(api1, adminToken) };
    const api2 = await startVersionedApi(redisUrl, {
      registry: versionedV2Registry,
      prefix,
      adminToken,
      history,
    });
    v2 = { ...api2, client: versionedClient<V2Client>(api2, adminToken) };
    drainer = startHistoryDrainer({
      redis: workerRedis,
      keys: createKeyspace(prefix),
      db: v2.history!,
      logger: pino({ level: 'silent' }),
      blockMs: 100,
    });
  }, 120_000);
  afterAll(async () => {
    await drainer?.close();
    await v1?.close();
    await v2?.close();
    workerRedis.disconnect();
    await database?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('stored at v1 shows stored v1 and received v2, live and once archived', async () => {
    const { id } = await v1.client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'ada', body: 'hello' },
    });
    const expected = {
      stored: { version: 1, data: { to: 'ada', body: 'hello' } },
      received: { to: 'ada', text: 'hello', locale: 'en' },
    };
    const live = await waitFor(
      async () => {
        const story = await v2.client.history.story
          .query({ id })
          .catch(() => null);
        return story?.job ? story : undefined;
      },
      20_000,
      `job ${id} in history`,
    );
    expect(live.live?.state).toBe('waiting');
    expect(live.payload).toEqual(expected);
    expect(live.job?.payloadVersion).toEqual({ stored: 1, current: 2 });
    // v1's own reader receives what it stored.
    const own = await v1.client.history.story.query({ id });
    expect(own.payload).toEqual({
      stored: expected.stored,
      received: expected.stored.data,
    });

    const queue = new Queue('versioned', {
      connection: { url: redisUrl },
      prefix: createKeyspace(prefix).bullPrefix('versioned'),
    });
    await queue.remove(id);
    await queue.close();
    const archived = await v2.client.history.story.query({ id });
    expect(archived.live).toBeNull();
    expect(archived.payload).toEqual(expected);
  });
});
