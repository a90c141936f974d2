import { versionedV1Registry, versionedV2Registry } from '@conveyor/fixtures';
import {
  createKeyspace,
  createWorkerPool,
  type WorkerPool,
} from '@conveyor/queue';
import type { AnyRegistry } from '@conveyor/core';
import { uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startRollingDeploy,
  type RollingDeploy,
} from './support/rolling-deploy.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');
const adminToken = randomBytes(32).toString('base64url');

/** A v1 producer and a v2 reader over one Redis and one history (a rolling deploy). */
describe('history.story of a versioned job: the payload as stored and as received', () => {
  const prefix = uniquePrefix('story-versions');
  let deploy: RollingDeploy;
  let v1: RollingDeploy['v1'];
  let v2: RollingDeploy['v2'];
  let workerRedis: RollingDeploy['workerRedis'];

  beforeAll(async () => {
    deploy = await startRollingDeploy(
      { redisUrl, postgresUrl },
      prefix,
      adminToken,
    );
    ({ v1, v2, workerRedis } = deploy);
  }, 120_000);
  const pools: WorkerPool[] = [];
  /** A worker of one release, over the APIs' prefix. */
  const startWorker = async (registry: AnyRegistry, release: string) => {
    const pool = createWorkerPool({
      registry,
      redis: workerRedis,
      keys: createKeyspace(prefix),
      logger: pino({ level: 'silent' }),
      processors: {
        'notice.send': (data: Record<string, unknown>) =>
          Promise.resolve({ received: data, release }),
        'notice.ping': () => Promise.resolve(),
      },
    } as Parameters<typeof createWorkerPool>[0]);
    pools.push(pool);
    await pool.ready();
    return pool;
  };
  afterAll(async () => {
    for (const pool of pools) await pool.close();
    await deploy?.close();
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

  it('a job a v1 worker handed back shows the version wait: live while it waits, recorded once it ran', async () => {
    const v1Worker = await startWorker(versionedV1Registry, 'v1');
    const { id } = await v2.client.enqueue.mutate({
      name: 'notice.send',
      data: { to: 'bo', text: 'new', locale: 'fr' },
    });
    const held = await waitFor(
      async () => {
        const story = await v2.client.history.story
          .query({ id })
          .catch(() => null);
        return story?.live?.waitingFor?.reason === 'version'
          ? story
          : undefined;
      },
      20_000,
      `job ${id} handed back`,
    );
    expect(held.timeline.filter((e) => e.type === 'wait').at(-1)).toMatchObject(
      {
        kind: 'version',
        known: 'live',
        storedVersion: 2,
        knownVersion: 1,
        handBacks: expect.any(Number),
      },
    );
    expect(held.timeline.some((e) => e.type === 'attempt')).toBe(false);

    await v1Worker.close();
    await startWorker(versionedV2Registry, 'v2');
    const ran = await waitFor(
      async () => {
        const story = await v2.client.history.story.query({ id });
        return story.live?.state === 'completed' ? story : undefined;
      },
      30_000,
      `job ${id} run by a v2 worker`,
    );
    expect(ran.timeline).toContainEqual(
      expect.objectContaining({
        type: 'wait',
        kind: 'version',
        known: 'recorded',
        storedVersion: 2,
        knownVersion: 1,
      }),
    );
    expect(ran.timeline.at(-1)).toMatchObject({
      type: 'end',
      state: 'completed',
      result: { release: 'v2' },
    });
  });
});
