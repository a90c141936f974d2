import {
  DEFAULT_TENANT,
  encodeEnvelope,
  type AnyRegistry,
} from '@conveyor/core';
import {
  flowRegistry,
  versionedV1Registry,
  versionedV2Registry,
} from '@conveyor/fixtures';
import { deletePrefix, uniquePrefix, waitFor } from '@conveyor/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  createKeyspace,
  createProducer,
  createWorkerPool,
  NonRetryableError,
  readStoredVersions,
  type Keyspace,
} from '../src/index.ts';

const redisUrl = inject('redisUrl');

describe('readStoredVersions', () => {
  let prefix: string;
  let keys: Keyspace;
  let redis: Redis;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(() => {
    prefix = uniquePrefix('stored-versions');
    keys = createKeyspace(prefix);
    redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    redis.disconnect();
    await deletePrefix(redisUrl, prefix);
  });

  function producerOf<R extends AnyRegistry>(registry: R) {
    const producer = createProducer({
      registry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys,
    });
    closers.push(() => producer.close());
    return producer;
  }

  /** Two completed and one dead-lettered v1 job, by a v1 worker that then stops. */
  async function finishSomeV1Jobs() {
    const v1 = producerOf(versionedV1Registry);
    for (const fail of [false, false, true])
      await v1.enqueue({
        name: 'notice.send',
        data: { to: 'a', body: 'b', fail },
      });
    const pool = createWorkerPool({
      registry: versionedV1Registry,
      redis,
      keys,
      logger: pino({ level: 'silent' }),
      processors: {
        'notice.send': (input) =>
          input.fail
            ? Promise.reject(new NonRetryableError('planned'))
            : Promise.resolve({ received: { ...input }, release: 'v1' }),
        'notice.ping': () => Promise.resolve(),
      },
    });
    const queue = v1.queue('versioned');
    await waitFor(
      async () => {
        const counts = await queue.getJobCounts('completed', 'failed');
        return counts.completed === 2 && counts.failed === 1 ? true : undefined;
      },
      30_000,
      'the v1 worker to finish three jobs',
    );
    await pool.close();
  }

  it('groups every stored job by name, input version and place, with samples', async () => {
    await finishSomeV1Jobs();
    const v1 = producerOf(versionedV1Registry);
    const v2 = producerOf(versionedV2Registry);
    for (let i = 0; i < 3; i += 1)
      await v1.enqueue({
        name: 'notice.send',
        data: { to: `u${i}`, body: 'x' },
      });
    await v1.enqueue({
      name: 'notice.send',
      data: { to: 'later', body: 'x' },
      options: { delay: 3_600_000 },
    });
    await v2.enqueue({ name: 'notice.send', data: { to: 'b', text: 'y' } });
    await v2.enqueue({ name: 'notice.send', data: { to: 'c', text: 'z' } });
    await v2.enqueue({ name: 'notice.ping', data: { n: 1 } });
    // A scheduler whose template was written by v1 (its first run waits, delayed).
    const queue = new Queue('versioned', {
      connection: redis,
      prefix: keys.bullPrefix('versioned'),
    });
    closers.push(() => queue.close());
    await queue.upsertJobScheduler(
      'c.notice.send.yearly',
      { pattern: '0 0 1 1 *' },
      {
        name: 'notice.send',
        data: encodeEnvelope({ to: 's', body: 'yearly' }),
      },
    );

    const inventory = await readStoredVersions({
      redis,
      keys,
      queues: ['versioned'],
      pageSize: 2,
    });
    const rows = inventory.groups.map((g) => [
      g.job,
      g.version,
      g.place,
      g.count,
    ]);
    expect(rows).toEqual([
      ['notice.ping', 1, 'waiting', 1],
      ['notice.send', 1, 'completed', 2],
      ['notice.send', 1, 'delayed', 2],
      ['notice.send', 1, 'failed', 1],
      ['notice.send', 1, 'schedule', 1],
      ['notice.send', 1, 'waiting', 3],
      ['notice.send', 2, 'waiting', 2],
    ]);
    const completed = inventory.groups.find((g) => g.place === 'completed');
    expect(completed?.samples).toHaveLength(2);
    expect(completed?.resultSamples).toHaveLength(2);
    const v2Waiting = inventory.groups.at(-1);
    expect(v2Waiting?.samples[0]).toMatchObject({ v: 1, pv: 2 });
    expect(inventory.history).toBe(false);
  });

  it('keeps at most the asked samples, and reads held jobs in flow-control lanes', async () => {
    const flow = createProducer({
      registry: flowRegistry,
      tenantId: DEFAULT_TENANT,
      redis,
      keys,
    });
    closers.push(() => flow.close());
    for (let n = 0; n < 7; n += 1)
      await flow.enqueue({ name: 'flow.fair', data: { n, ms: 0 } });

    const inventory = await readStoredVersions({
      redis,
      keys,
      queues: flowRegistry.queues,
      samplesPerGroup: 3,
      extraReaders: [
        () =>
          Promise.resolve([
            {
              queue: 'elsewhere',
              job: 'flow.fair',
              place: 'schedule' as const,
              data: 'not json',
            },
          ]),
      ],
    });
    const rows = inventory.groups.map((g) => [
      g.queue,
      g.job,
      g.version,
      g.place,
      g.count,
      g.samples.length,
    ]);
    expect(rows).toEqual([
      ['elsewhere', 'flow.fair', null, 'schedule', 1, 1],
      [flowRegistry.get('flow.fair')?.queue, 'flow.fair', 1, 'held', 7, 3],
    ]);
  });
});
